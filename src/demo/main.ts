import 'reflect-metadata';
import { resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { DataSource } from 'typeorm';
import { createHttpApp } from '../bootstrap';
import { generateKey } from '../common/auth/api-key-secret';
import { ConfigError, loadConfig } from '../config/app-config';
import { migrate } from '../database/migrate';
import { postPurchaseExampleRule } from '../mix/post-purchase/example-rule';
import { productExtrasExampleRule } from '../mix/product-extras/example-rule';
import { reinforcingPromotionsExampleRule } from '../mix/reinforcing-promotions/example-rule';
import {
  exampleRule as salesExampleRule,
  exampleSummaryRule,
} from '../mix/sales-touchpoints/example-rule';
import type { RuleInput } from '../rules/rule.schema';
import { DemoApi } from './demo-api';
import { DEMO_CATALOGUE } from './demo-catalogue';
import { DemoDataset, demoDataset, DemoEvent } from './demo-dataset';
import { DemoReactions, organicOrders } from './demo-reactions';
import { demoSummary } from './demo-summary';

const EXAMPLE_RULES: RuleInput[] = [
  postPurchaseExampleRule,
  productExtrasExampleRule,
  reinforcingPromotionsExampleRule,
  salesExampleRule,
  exampleSummaryRule,
];

/** The last weeks of the year of history are replayed with the rules active. */
const REPLAY_DAYS = 21;
const DAY = 24 * 3600 * 1000;

/**
 * `npm run demo`: the engine (API and workers in this process) on the configured Postgres and
 * Redis, fed a synthetic shop through its own HTTP API, with the example rule of every
 * module; then customers, support and sales react, and a summary says what happened.
 * Running it again sends the same ids, so nothing is stored or sent twice.
 */
async function main() {
  const started = Date.now();
  const log = (line: string) =>
    console.log(`[demo ${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`);
  const config = loadConfig({
    LOG_LEVEL: 'warn',
    // So case notices and escalations have somewhere to go (the outbox, or Mailpit).
    SUPPORT_EMAIL: 'support@demo-shop.test',
    SALES_MANAGER_EMAIL: 'sales.manager@demo-shop.test',
    ...process.env,
  });
  const adminKey = config.adminApiKey ?? generateKey();

  await migrate(config.databaseUrl, (line) => log(`database: ${line}`));
  const app = await createHttpApp({ ...config, adminApiKey: adminKey });
  await app.listen(0, '127.0.0.1');
  const port = ((app.getHttpServer() as Server).address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  const api = new DemoApi(baseUrl, adminKey);
  const db = app.get(DataSource);
  const settle = (what: string) => waitForQuiet(db, what, log);

  const anchor = new Date(Math.floor(Date.now() / DAY) * DAY);
  const data = demoDataset({
    customers: Number(process.env.DEMO_CUSTOMERS ?? 2000),
    accounts: 40,
    anchor,
  });
  const replayFrom = anchor.getTime() - REPLAY_DAYS * DAY;
  const history = data.events.filter((e) => Date.parse(e.occurredAt) < replayFrom);
  const recent = data.events.filter((e) => Date.parse(e.occurredAt) >= replayFrom);
  log(
    `shop: ${DEMO_CATALOGUE.length} products, ${data.accounts.length} accounts, ${data.customers.length} customers, ${data.events.length} events (${recent.length} in the last ${REPLAY_DAYS} days)`,
  );

  await seedShop(api, data);
  log('catalogue, accounts and customers stored');
  await sendEvents(api, history, 1000, 0);
  await settle('the year of history');
  await api.call('POST', '/v1/analytics/value-tiers/recompute', {}, [202, 404]);
  await settle('value tiers');

  const rules = await upsertRules(api);
  log(`example rules active: ${rules.map((r) => r.name).join('; ')}`);
  await sendEvents(api, recent, 200, 20);
  log(`replayed ${recent.length} events of the last ${REPLAY_DAYS} days`);
  await settle('the replay');
  for (const rule of rules.filter((r) => r.trigger.type !== 'event')) {
    // Run once: a second demo run would be a second run, with its own tasks and codes.
    const runs = await api.call<{ items: unknown[] }>('GET', `/v1/rules/${rule.id}/runs`);
    if (runs.body.items.length === 0)
      await api.call('POST', `/v1/rules/${rule.id}/run`, {}, [202, 409]);
  }
  await settle('the scheduled rules');

  const reactions = new DemoReactions(db, api, baseUrl, config.tokenSecret);
  log(`customers answered ${await reactions.answerCheckIns()} check-ins`);
  log(`sales reps completed ${await reactions.completeTasks()} tasks`);
  log(`customers redeemed ${await reactions.redeemPromotions()} codes`);
  log(`${await organicOrders(db, api)} customers ordered without a code`);
  await settle('the reactions');
  log(`support resolved ${await reactions.resolveCases()} cases`);
  await settle('the resolutions');

  const mail = config.mail.smtpUrl
    ? `your SMTP server (${config.mail.smtpUrl}); with Mailpit, http://localhost:8025`
    : `the outbox folder ${resolve(config.mail.outboxDir)} (one .eml file per message)`;
  console.log(await demoSummary(db, api, mail));
  await app.close();
}

async function seedShop(api: DemoApi, data: DemoDataset) {
  await DemoApi.pool(DEMO_CATALOGUE, 8, (p) =>
    api.call('PUT', `/v1/products/${p.sku}`, {
      name: p.name,
      price: p.price,
      currency: 'USD',
      category: p.category,
      margin: p.margin,
      url: `https://shop.example.com/p/${p.sku.toLowerCase()}`,
      extras: p.extras,
    }),
  );
  await DemoApi.pool(data.accounts, 8, (a) =>
    api.call('PUT', `/v1/accounts/${a.id}`, {
      name: a.name,
      ownerEmail: a.ownerEmail,
      ownerName: a.ownerName,
      attributes: a.attributes,
    }),
  );
  await DemoApi.pool(data.customers, 16, ({ id, ...profile }) =>
    api.call('PUT', `/v1/customers/${id}`, profile),
  );
}

async function sendEvents(api: DemoApi, events: DemoEvent[], batch: number, pauseMs: number) {
  for (let i = 0; i < events.length; i += batch) {
    await api.call('POST', '/v1/events/batch', { events: events.slice(i, i + batch) });
    if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
  }
}

/** Creates the example rules, or finds them by name when an earlier run created them. */
async function upsertRules(api: DemoApi) {
  const existing = await api.call<{ items: { id: string; name: string }[] }>('GET', '/v1/rules');
  const out: (RuleInput & { id: string })[] = [];
  for (const rule of EXAMPLE_RULES) {
    const found = existing.body.items.find((r) => r.name === rule.name);
    const id = found
      ? found.id
      : (await api.call<{ id: string }>('POST', '/v1/rules', { ...rule, status: 'active' })).body
          .id;
    out.push({ ...rule, id });
  }
  return out;
}

/**
 * Waits until the engine has nothing left to do now: every event evaluated, no run going,
 * no message sending or due. Deferred messages (quiet hours, the cap) wait for their time
 * and are reported as deferred.
 */
async function waitForQuiet(db: DataSource, what: string, log: (line: string) => void) {
  const deadline = Date.now() + 180_000;
  let quietPolls = 0;
  while (Date.now() < deadline) {
    const [row] = await db.query<{ busy: number }[]>(
      `SELECT (SELECT count(*) FROM events WHERE evaluated_at IS NULL)
            + (SELECT count(*) FROM rule_runs WHERE status = 'running')
            + (SELECT count(*) FROM messages WHERE status = 'sending'
                  OR (status = 'scheduled' AND send_at <= now()))
            + (SELECT count(*) FROM tasks WHERE status = 'open' AND notified_at IS NULL
                  AND created_at > now() - interval '1 minute') AS busy`,
    );
    quietPolls = Number(row.busy) === 0 ? quietPolls + 1 : 0;
    if (quietPolls >= 3) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  log(`still busy after ${what}; going on`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  },
);
