import { SMTPServer, SMTPServerDataStream } from 'smtp-server';
import { serveParent, tellParent } from './child-protocol';

/**
 * The benchmark's SMTP sink, a process of its own so it never shares an event loop with
 * what it measures (start it with `startSmtpSink`, smtp-sink.ts). It accepts every message
 * and keeps only counts: DATA commits, bytes, and the Message-ID of each, read from the
 * message's head (no MIME parsing), to tell duplicates and losses apart.
 *
 * Commands: `stats` (counts so far), `reset` (zero them; answers the counts before),
 * `ids` (every Message-ID received since the last reset, in order of arrival).
 */

/** How far into a message the Message-ID header is looked for (it is among the first headers). */
const HEAD_BYTES = 8 * 1024;
const MESSAGE_ID = /^message-id:[ \t]*(<[^>\r\n]*>)/im;

export interface SinkStats {
  /** DATA commands answered 250. */
  accepted: number;
  bytes: number;
  /** Distinct Message-IDs among them. */
  distinctIds: number;
  /** Messages whose Message-ID had been received before (since the last reset). */
  duplicates: number;
  /** Messages with no Message-ID header in their first HEAD_BYTES. */
  withoutId: number;
  /** Epoch ms of the first and last DATA accepted; null before any. */
  firstAt: number | null;
  lastAt: number | null;
  openConnections: number;
  /** Most connections open at once since the last reset (the client's pool size). */
  maxConnections: number;
  /**
   * Sum over connections of the time spent inside a mail transaction (MAIL FROM to the reply
   * to DATA), in ms: divided by the wall time, how many connections were busy on average.
   */
  transactionMs: number;
}

let ids = new Set<string>();
let arrival: string[] = [];
const fresh = () => ({
  accepted: 0,
  bytes: 0,
  duplicates: 0,
  withoutId: 0,
  firstAt: null as number | null,
  lastAt: null as number | null,
  maxConnections: 0,
  transactionMs: 0,
});
/** When each connection's current mail transaction began (MAIL FROM). */
const transactionStart = new Map<string, number>();
let counts = fresh();
let queueId = 0;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  disableReverseLookup: true,
  logger: false,
  size: 10 * 1024 * 1024,
  // Clients still connected at the end are cut after this, not after the default 30 s.
  closeTimeout: 1_000,
  onConnect: (_session, callback) => {
    counts.maxConnections = Math.max(counts.maxConnections, server.connections.size);
    callback();
  },
  onMailFrom: (_address, session, callback) => {
    transactionStart.set(session.id, performance.now());
    callback();
  },
  onClose: (session) => transactionStart.delete(session.id),
  onData: (stream: SMTPServerDataStream, session, callback) => {
    let head = '';
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (head.length < HEAD_BYTES) head += chunk.toString('latin1', 0, HEAD_BYTES - head.length);
    });
    stream.on('end', () => {
      const headers = head.split(/\r?\n\r?\n/, 1)[0];
      const messageId = MESSAGE_ID.exec(headers)?.[1];
      const now = Date.now();
      counts.accepted++;
      counts.bytes += bytes;
      counts.firstAt ??= now;
      counts.lastAt = now;
      const began = transactionStart.get(session.id);
      if (began !== undefined) counts.transactionMs += performance.now() - began;
      if (!messageId) counts.withoutId++;
      else if (ids.has(messageId)) counts.duplicates++;
      else {
        ids.add(messageId);
        arrival.push(messageId);
      }
      callback(null, `OK: queued as s${(++queueId).toString(36)}`);
    });
  },
});

const stats = (): SinkStats => ({
  ...counts,
  distinctIds: ids.size,
  openConnections: server.connections.size,
});

server.on('error', (error) => console.error('smtp sink error:', error));
server.listen(0, '127.0.0.1', () => {
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  tellParent('ready', { port });
});

serveParent(
  {
    stats,
    reset: () => {
      const before = stats();
      counts = fresh();
      counts.maxConnections = server.connections.size;
      ids = new Set();
      arrival = [];
      return before;
    },
    ids: () => arrival,
  },
  () => new Promise<void>((resolve) => server.close(() => resolve())),
);
