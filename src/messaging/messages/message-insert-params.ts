import { timestampParams } from '../../database/timestamp-params';
import { uuidV7 } from '../../database/uuid-v7';
import type { MessageRequest } from './message-request';

/**
 * The parameters of the multi-row message INSERT (`unnest` of one array per column, in the
 * order of its column list, starting with a new time-ordered id for each row, also given as
 * `ids`): MessagesService
 * writes with them, and the benchmark's raw ceiling writes the same rows with them, so the two
 * cannot drift apart.
 */
export function messageInsertParams(page: readonly MessageRequest[]): {
  ids: string[];
  params: unknown[];
} {
  const col = <T>(pick: (r: MessageRequest) => T) => page.map(pick);
  const ids = col(() => uuidV7());
  const params = [
    ids,
    col((r) => r.dedupeKey),
    col((r) => r.customerId),
    col((r) => r.recipient ?? null),
    col((r) => r.module),
    col((r) => r.kind),
    col((r) => r.class),
    col((r) => r.priority ?? 50),
    col((r) => r.templateKey),
    col((r) => JSON.stringify(r.context ?? {})),
    timestampParams(col((r) => r.sendAt)),
    col((r) => r.sendWindow?.start ?? null),
    col((r) => r.sendWindow?.end ?? null),
    timestampParams(col((r) => r.expiresAt)),
    col((r) => r.ruleId ?? null),
    col((r) => r.goalEvent ?? null),
    col((r) => r.status ?? 'scheduled'),
  ];
  return { ids, params };
}
