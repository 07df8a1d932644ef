/**
 * Unit tests call pure functions; e2e tests drive the HTTP API against real Postgres and Redis.
 *
 * @nestjs/bullmq 12 (with @nestjs/bull-shared) ships as ES modules. Node 20 loads them from our
 * CommonJS build (require(esm)), but Jest's module loader cannot before Node 24.9, so Jest
 * compiles those packages to CommonJS like our own code.
 */
const ESM_PACKAGES = ['@nestjs/bullmq', '@nestjs/bull-shared'];
const transform = {
  '^.+\\.[tj]s$': [
    'ts-jest',
    { tsconfig: { allowJs: true, isolatedModules: true }, diagnostics: false },
  ],
};
const transformIgnorePatterns = [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`];

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.spec.ts'],
      transform,
      transformIgnorePatterns,
      testEnvironment: 'node',
    },
    {
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      transform,
      transformIgnorePatterns,
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
