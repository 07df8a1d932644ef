import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ChildCommand, ChildMessage, PROTOCOL_PREFIX } from './child-protocol';
import { formatProfile, newestProfile } from './cpu-profile';
import { BenchContext } from './section';
import { tailOf } from './service';

/**
 * A helper of the benchmark in a process of its own (a `.ts` file under support/, run through
 * ts-node), spoken to with the line protocol of child-protocol.ts. Its output other than the
 * protocol goes to var/bench/<name>.log. It is stopped at the end of the section whatever
 * happens; under BENCH_CPU_PROF=1 it runs with `--cpu-prof` like the services.
 */
export interface ChildScript {
  name: string;
  pid: number;
  logFile: string;
  /** The data of the next `event` the child tells (or of one it told already and nobody took). */
  waitFor: <T>(event: string, timeoutMs?: number) => Promise<T>;
  /** Sends a command and waits for its answer. */
  call: <T>(command: string, args?: unknown, timeoutMs?: number) => Promise<T>;
  /** Closes its stdin (it exits by itself), then SIGTERM, then SIGKILL. Idempotent. */
  stop: () => Promise<void>;
  exited: () => boolean;
}

export interface ChildScriptOptions {
  name: string;
  /** Path of the script, relative to the repository root. */
  script: string;
  /** The child's whole environment, besides PATH. */
  env?: Record<string, string>;
  /** Run it under `node --cpu-prof` when the benchmark profiles (BENCH_CPU_PROF=1). */
  profile?: boolean;
}

const waitForExit = (child: ChildProcess, ms: number) =>
  new Promise<boolean>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

export function startChildScript(ctx: BenchContext, options: ChildScriptOptions): ChildScript {
  const logFile = join(ctx.outDir, `${options.name}.log`);
  const profileDir = join(ctx.outDir, 'profiles', options.name);
  const profiling = ctx.cpuProfile && options.profile === true;
  if (profiling) {
    rmSync(profileDir, { recursive: true, force: true });
    mkdirSync(profileDir, { recursive: true });
  }
  const log = createWriteStream(logFile);
  const child = spawn(
    process.execPath,
    [
      ...(profiling ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      '-r',
      'ts-node/register/transpile-only',
      join(ctx.root, options.script),
    ],
    {
      cwd: ctx.root,
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let exitInfo: string | undefined;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitInfo = signal ? `signal ${signal}` : `code ${code}`;
      resolve();
    }),
  );
  // A child that dies must not take the benchmark with it through an EPIPE.
  child.stdin.on('error', () => undefined);
  child.stderr.pipe(log, { end: false });

  const told = new Map<string, unknown[]>();
  const waiting = new Map<string, ((data: unknown) => void)[]>();
  const answers = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.startsWith(PROTOCOL_PREFIX)) {
      log.write(`${line}\n`);
      return;
    }
    const message = JSON.parse(line.slice(PROTOCOL_PREFIX.length)) as ChildMessage;
    if (message.id !== undefined) {
      const answer = answers.get(message.id);
      answers.delete(message.id);
      if (message.error !== undefined) answer?.reject(new Error(message.error));
      else answer?.resolve(message.result);
    } else if (message.event) {
      const waiter = waiting.get(message.event)?.shift();
      if (waiter) waiter(message.data);
      else told.set(message.event, [...(told.get(message.event) ?? []), message.data]);
    }
  });

  const failure = (what: string) =>
    new Error(
      `${options.name} ${what} (exit ${exitInfo ?? 'not yet'}); end of ${logFile}:\n${tailOf(logFile)}`,
    );
  /** Rejects when the child exits or the time is up, whichever comes first. */
  const guarded = <T>(what: string, timeoutMs: number, wait: Promise<T>) => {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      wait,
      exitedPromise.then(() => {
        throw failure(`exited while we waited for ${what}`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(failure(`did not answer ${what} within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  };

  let nextId = 1;
  let stopping: Promise<void> | undefined;
  const script: ChildScript = {
    name: options.name,
    pid: child.pid ?? -1,
    logFile,
    exited: () => exitInfo !== undefined,
    waitFor: <T>(event: string, timeoutMs = 30_000) => {
      const early = told.get(event);
      if (early?.length) return Promise.resolve(early.shift() as T);
      const wait = new Promise<T>((resolve) =>
        waiting.set(event, [...(waiting.get(event) ?? []), (data) => resolve(data as T)]),
      );
      return guarded(`"${event}"`, timeoutMs, wait);
    },
    call: <T>(command: string, args?: unknown, timeoutMs = 30_000) => {
      const id = nextId++;
      const wait = new Promise<T>((resolve, reject) => {
        answers.set(id, { resolve: (value) => resolve(value as T), reject });
      });
      const message: ChildCommand = { id, command, args };
      child.stdin.write(`${PROTOCOL_PREFIX}${JSON.stringify(message)}\n`);
      return guarded(`"${command}"`, timeoutMs, wait);
    },
    stop: () =>
      (stopping ??= (async () => {
        if (!exitInfo) {
          child.stdin.end();
          if (!(await waitForExit(child, 10_000))) {
            child.kill('SIGTERM');
            if (!(await waitForExit(child, 5_000))) child.kill('SIGKILL');
          }
          await waitForExit(child, 5_000);
        }
        log.end();
        const profile = profiling ? newestProfile(profileDir) : undefined;
        if (profile) console.log(formatProfile(profile));
      })()),
  };
  ctx.defer(() => script.stop());
  ctx.log(`started ${options.name} (pid ${script.pid}, ${options.script})`);
  return script;
}
