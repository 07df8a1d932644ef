import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { keysetPage, ListFilter } from '../../common/pagination/keyset-page';
import { conflict, notFound } from '../../common/problem/problem';
import { withTransaction } from '../../database/transaction';
import { EngineEvents } from '../../events/engine-events';
import { MessagesService } from '../../messaging/messages/messages.service';
import { ListCasesQuery } from './check-in.schemas';
import { CASE_SELECT, CaseRow, caseView, findCase, hasOpenCase, markResolved } from './case-store';
import { lockCustomerFor } from './customer-lock';

/** Support cases: the list support works from, and resolving one. */
@Injectable()
export class CasesService {
  private readonly logger = new Logger(CasesService.name);

  constructor(
    private readonly db: DataSource,
    private readonly messages: MessagesService,
    private readonly engineEvents: EngineEvents,
    private readonly clock: Clock,
  ) {}

  /** Newest first, by keyset pages. */
  async list(query: ListCasesQuery) {
    const filter = new ListFilter();
    if (query.status) filter.add('k.status = ?', query.status);
    if (query.customerId) filter.add('c.external_id = ?', query.customerId);
    return keysetPage(
      this.db,
      filter,
      {
        select: CASE_SELECT,
        at: 'k.opened_at',
        id: 'k.id',
        cursorOf: (row: CaseRow) => ({ at: row.cursorAt, id: row.id }),
        view: caseView,
      },
      query,
    );
  }

  async get(id: string) {
    const row = await findCase(this.db, id);
    if (!row) throw notFound(`case ${id}`);
    return caseView(row);
  }

  /**
   * Resolves the case and emits `case.resolved` (a rule may follow up with an apology
   * offer). When it was the customer's last open case, marketing held for it goes out now
   * rather than at its next hourly re-check.
   */
  async resolve(id: string, resolution: string) {
    const { row, release } = await withTransaction(this.db, async (em) => {
      const peek = await findCase(em, id);
      if (!peek) throw notFound(`case ${id}`);
      // Two cases of one customer resolved at once must not both see the other still open.
      // Taken before the row lock, in the order answers take them, so the two cannot deadlock.
      await lockCustomerFor(em, 'post-purchase.cases', peek.internalCustomerId);
      const found = (await findCase(em, id, { lock: true }))!;
      if (found.status === 'resolved') {
        throw conflict(`case ${id} was resolved already, at ${found.resolvedAt?.toISOString()}`);
      }
      const now = this.clock.now();
      await markResolved(em, id, resolution, now);
      await this.engineEvents.insert(em, [
        {
          id: `case.resolved.${id}`,
          type: 'case.resolved',
          customerId: found.internalCustomerId,
          occurredAt: now,
          properties: { caseId: id, resolution, orderId: found.orderId },
        },
      ]);
      const release = !(await hasOpenCase(em, found.internalCustomerId));
      return { row: (await findCase(em, id))!, release };
    });
    await this.engineEvents.enqueue([`case.resolved.${id}`]);
    if (release) await this.releaseHeld(row.internalCustomerId);
    return caseView(row);
  }

  private async releaseHeld(customerId: string) {
    try {
      await this.messages.releaseHeldForCase(customerId);
    } catch (error) {
      // The messages are still due for their hourly re-check, which sees the case resolved.
      this.logger.warn(
        `could not release marketing held for customer ${customerId}: ${(error as Error).message}`,
      );
    }
  }
}
