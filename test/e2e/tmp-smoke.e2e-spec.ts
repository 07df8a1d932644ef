import { MessagesService } from '../../src/messaging/messages/messages.service';
import { SmtpSink } from '../support/smtp-sink';
import { createTestApp, TestApp } from '../support/test-app';

describe('delivery smoke', () => {
  let sink: SmtpSink;
  let t: TestApp;
  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await createTestApp({ OUTBOX_DIR: '/tmp/rm-outbox-smoke', QUIET_HOURS: 'off', FREQUENCY_CAP: 'off', DELIVER_CONCURRENCY: '50' });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('sends 2000 messages', async () => {
    const ingest = await t.keyFor('ingest');
    const customers = Array.from({ length: 200 }, (_, i) => `c${i}`);
    await t.http.post('/v1/events/batch').set('Authorization', `Bearer ${ingest}`).send({
      events: customers.map((c) => ({ id: `e-${c}`, type: 'signed_up', customerId: c, occurredAt: '2026-01-01T00:00:00Z', customer: { email: `${c}@example.com`, marketingConsent: true } })),
    }).expect(202);
    const ids = await t.db.query<{ id: string }[]>('SELECT id FROM customers ORDER BY id');
    const started = Date.now();
    await t.app.get(MessagesService).schedule(
      Array.from({ length: 2000 }, (_, i) => ({
        dedupeKey: `smoke-${i}`,
        customerId: ids[i % ids.length].id,
        module: 'reinforcing-promotions' as const,
        kind: 'promotion',
        class: 'marketing' as const,
        templateKey: 'reinforcing-promotions.promotion',
        context: { promotion: { code: `SMOKE-${i}`, discountPercent: 15, expiresAt: '2026-12-31T00:00:00Z' } },
        sendAt: new Date(),
      })),
    );
    const scheduledMs = Date.now() - started;
    await t.waitFor(async () => Number((await t.db.query("SELECT count(*) AS n FROM messages WHERE status = 'sent'"))[0].n) >= 2000, 120_000);
    const ms = Date.now() - started;
    console.log(`scheduled in ${scheduledMs} ms; 2000 sent in ${ms} ms = ${Math.round(2000000 / ms)} msg/s`);
  });
});
