import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export type ServiceRole = 'api' | 'worker' | 'all';

export interface RunningService {
  role: ServiceRole;
  pid: number;
  /** `http://127.0.0.1:<port>`; empty for a worker, which serves no HTTP. */
  baseUrl: string;
  logFile: string;
  /** SIGTERM, then SIGKILL if the process has not exited within `graceMs`. Idempotent. */
  stop: (graceMs?: number) => Promise<void>;
  exited: () => boolean;
}

export interface ServiceSpawnOptions {
  root: string;
  role: ServiceRole;
  /** The whole environment of the child: nothing of the parent's leaks in except PATH. */
  env: Record<string, string>;
  logFile: string;
  nodeArgs?: string[];
  healthTimeoutMs?: number;
}

/** A free TCP port on loopback, found by asking the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export function tailOf(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Starts the built service (`dist/main.js`, or `dist/worker.js` for a worker) as a child
 * process with its output in `logFile`, and waits until GET /health answers 200. The
 * benchmark talks to it over HTTP only, like a real client.
 */
export async function startService(options: ServiceSpawnOptions): Promise<RunningService> {
  const script = options.role === 'worker' ? 'dist/worker.js' : 'dist/main.js';
  const log = openSync(options.logFile, 'w');
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), join(options.root, script)], {
    cwd: options.root,
    env: { PATH: process.env.PATH ?? '', ...options.env, APP_ROLE: options.role },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  let exitInfo: string | undefined;
  child.once('exit', (code, signal) => (exitInfo = signal ? `signal ${signal}` : `code ${code}`));

  const stop = async (graceMs = 15_000) => {
    if (exitInfo) return;
    child.kill('SIGTERM');
    if (!(await waitForExit(child, graceMs))) {
      child.kill('SIGKILL');
      await waitForExit(child, 5_000);
    }
  };
  const service: RunningService = {
    role: options.role,
    pid: child.pid ?? -1,
    baseUrl: options.role === 'worker' ? '' : `http://127.0.0.1:${options.env.PORT}`,
    logFile: options.logFile,
    stop,
    exited: () => exitInfo !== undefined,
  };
  if (options.role === 'worker') return service;

  const deadline = Date.now() + (options.healthTimeoutMs ?? 30_000);
  let lastError = '';
  while (Date.now() < deadline) {
    if (exitInfo) {
      throw new Error(
        `the service exited (${exitInfo}) before it was healthy; end of ${options.logFile}:\n${tailOf(options.logFile)}`,
      );
    }
    try {
      const response = await fetch(`${service.baseUrl}/health`);
      if (response.ok) return service;
      lastError = `HTTP ${response.status}: ${await response.text()}`;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await sleep(200);
  }
  await stop();
  throw new Error(
    `the service was not healthy within ${options.healthTimeoutMs ?? 30_000} ms (${lastError}); end of ${options.logFile}:\n${tailOf(options.logFile)}`,
  );
}
