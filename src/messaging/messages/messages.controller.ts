import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Roles } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/problem/problem';
import { externalId } from '../../common/validation/validators';
import { ZodPipe } from '../../common/validation/zod-body';
import { MESSAGE_STATUSES, MODULES } from './message.entity';
import { keysetPage, ListFilter } from '../../common/pagination/keyset-page';

const listQuery = z.strictObject({
  customerId: externalId.optional(),
  ruleId: z.uuid().optional(),
  status: z.enum(MESSAGE_STATUSES).optional(),
  module: z.enum(MODULES).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

interface MessageRow {
  id: string;
  customer_external_id: string | null;
  recipient: string | null;
  module: string;
  kind: string;
  class: string;
  priority: number;
  rule_id: string | null;
  template_key: string;
  template_version: number | null;
  status: string;
  reason: string | null;
  attempts: number;
  last_error: string | null;
  subject: string | null;
  send_at: Date;
  sent_at: Date | null;
  expires_at: Date | null;
  provider_message_id: string | null;
  possible_duplicate: boolean;
  created_at: Date;
  /** created_at to the microsecond: a cursor must not lose the rows of its last millisecond. */
  cursor_at: string;
}

const SELECT = `SELECT m.id, c.external_id AS customer_external_id, m.recipient, m.module, m.kind, m.class,
       m.priority, m.rule_id, m.template_key, m.template_version, m.status, m.reason, m.attempts, m.last_error,
       m.subject, m.send_at, m.sent_at, m.expires_at, m.provider_message_id, m.possible_duplicate, m.created_at,
       to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
  FROM messages m LEFT JOIN customers c ON c.id = m.customer_id`;

const view = (m: MessageRow) => ({
  id: m.id,
  customerId: m.customer_external_id,
  recipient: m.recipient,
  module: m.module,
  kind: m.kind,
  class: m.class,
  priority: m.priority,
  ruleId: m.rule_id,
  template: { key: m.template_key, version: m.template_version },
  status: m.status,
  reason: m.reason,
  attempts: m.attempts,
  lastError: m.last_error,
  subject: m.subject,
  sendAt: m.send_at,
  sentAt: m.sent_at,
  expiresAt: m.expires_at,
  providerMessageId: m.provider_message_id,
  possibleDuplicate: m.possible_duplicate,
  createdAt: m.created_at,
});

@ApiTags('messages')
@Controller('v1/messages')
export class MessagesController {
  constructor(private readonly db: DataSource) {}

  @Get()
  @Roles('marketer', 'support')
  @ApiOperation({
    summary:
      'Messages, newest first, filtered by customer, rule, status or module (marketer, support)',
    description: 'Cursor pagination: pass `nextCursor` of an answer as `cursor` for the next page.',
  })
  async list(@Query(new ZodPipe(listQuery)) query: z.infer<typeof listQuery>) {
    const filter = new ListFilter();
    if (query.customerId) filter.add('c.external_id = ?', query.customerId);
    if (query.ruleId) filter.add('m.rule_id = ?', query.ruleId);
    if (query.status) filter.add('m.status = ?', query.status);
    if (query.module) filter.add('m.module = ?', query.module);
    return keysetPage(
      this.db,
      filter,
      {
        select: SELECT,
        at: 'm.created_at',
        id: 'm.id',
        cursorOf: (row: MessageRow) => ({ at: row.cursor_at, id: row.id }),
        view,
      },
      query,
    );
  }

  @Get(':id')
  @Roles('marketer', 'support')
  @ApiOperation({
    summary: 'A message with its rendered subject and status history (marketer, support)',
  })
  @ApiNotFoundResponse({ description: 'Unknown message (problem+json)' })
  async get(@Param('id', new ParseUUIDPipe()) id: string) {
    const [row] = await this.db.query<MessageRow[]>(`${SELECT} WHERE m.id = $1`, [id]);
    if (!row) throw notFound(`message ${id}`);
    const history = await this.db.query<
      { status: string; reason: string | null; detail: string | null; at: Date }[]
    >(
      'SELECT status, reason, detail, at FROM message_status_changes WHERE message_id = $1 ORDER BY at, id',
      [id],
    );
    return { ...view(row), history };
  }
}
