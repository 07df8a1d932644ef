import { createInterface } from 'node:readline';

/**
 * The line protocol between the benchmark and a helper process it starts (the SMTP sink, the
 * scheduling script): JSON on lines that start with `@bench `, on the child's stdin and
 * stdout. Anything else the child prints (a library's log line) goes to its log file.
 *
 * - child → bench: `{"event": "ready", "data": …}` when it has something to say, and
 *   `{"id": 3, "result": …}` or `{"id": 3, "error": "…"}` to answer a command;
 * - bench → child: `{"id": 3, "command": "stats", "args": …}`.
 *
 * A child exits when its stdin closes: so it also goes when the benchmark dies, however it
 * dies, and a clean exit lets `node --cpu-prof` write its profile.
 */
export const PROTOCOL_PREFIX = '@bench ';

export interface ChildCommand {
  id: number;
  command: string;
  args?: unknown;
}

export interface ChildMessage {
  id?: number;
  event?: string;
  data?: unknown;
  result?: unknown;
  error?: string;
}

type Handler = (args: unknown) => unknown;

function send(message: ChildMessage) {
  process.stdout.write(`${PROTOCOL_PREFIX}${JSON.stringify(message)}\n`);
}

/** Tells the benchmark something happened (`ready`, `done`, …). */
export function tellParent(event: string, data?: unknown) {
  send({ event, data });
}

/**
 * Answers the benchmark's commands with `handlers` until stdin closes, then runs `onEnd`
 * and exits. A handler may return a promise; what it throws is answered as an error.
 */
export function serveParent(handlers: Record<string, Handler>, onEnd: () => Promise<void>) {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (!line.startsWith(PROTOCOL_PREFIX)) return;
    const { id, command, args } = JSON.parse(line.slice(PROTOCOL_PREFIX.length)) as ChildCommand;
    const handler = handlers[command];
    if (!handler) return send({ id, error: `unknown command ${command}` });
    Promise.resolve()
      .then(() => handler(args))
      .then(
        (result) => send({ id, result }),
        (error: Error) => send({ id, error: error.stack ?? error.message }),
      );
  });
  lines.on('close', () => {
    onEnd().then(
      () => process.exit(0),
      (error: Error) => {
        console.error('clean-up failed:', error);
        process.exit(1);
      },
    );
  });
}
