import { spawnSync } from 'node:child_process';

/** `npx nest build`, once per run: the benchmark measures the compiled service, as deployed. */
export function buildApp(root: string): number {
  const started = Date.now();
  const result = spawnSync('npx', ['nest', 'build'], { cwd: root, stdio: 'inherit' });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`nest build failed (exit code ${result.status})`);
  return Date.now() - started;
}
