import { decideClaim, oneMessagePerCustomer } from '../../../src/messaging/delivery/claim-decision';
import type { MessageWithFacts } from '../../../src/messaging/delivery/delivery-facts';
import { parseFrequencyCap } from '../../../src/messaging/policy/frequency-cap';
import { parseQuietHours } from '../../../src/messaging/policy/quiet-hours';

const NOW = new Date('2026-03-10T12:00:00Z');

function message(overrides: Partial<MessageWithFacts> = {}): MessageWithFacts {
  return {
    id: 'm1',
    status: 'scheduled',
    customer_id: '1',
    recipient: null,
    module: 'reinforcing-promotions',
    kind: 'promotion',
    class: 'marketing',
    priority: 0,
    rule_id: null,
    goal_event: null,
    template_key: 'reinforcing-promotions.promotion',
    context: {},
    send_at: new Date('2026-03-10T11:00:00Z'),
    window_start: null,
    window_end: null,
    expires_at: null,
    locked_until: null,
    attempts: 0,
    created_at: new Date('2026-03-10T10:00:00Z'),
    c_email: 'ada@example.com',
    c_erased: false,
    c_consent: true,
    c_timezone: 'Europe/Paris',
    c_profile: null,
    c_account: null,
    suppression: null,
    open_case: false,
    goal_met: false,
    recent: [],
    competing: false,
    ...overrides,
  };
}

describe('oneMessagePerCustomer', () => {
  const at = (iso: string) => new Date(iso);

  it('keeps one message per customer for now and hands the others to the next batch', () => {
    const rows = [
      message({ id: 'a', customer_id: '1' }),
      message({ id: 'b', customer_id: '2' }),
      message({ id: 'c', customer_id: '1', created_at: at('2026-03-10T10:30:00Z') }),
    ];
    const { first, later } = oneMessagePerCustomer(rows);
    expect(first.map((m) => m.id).sort()).toEqual(['a', 'b']);
    expect(later.map((m) => m.id)).toEqual(['c']);
  });

  it('lets through first what a single claim would: priority, then due time, then age, then id', () => {
    const customer = (id: string, o: Partial<MessageWithFacts>) =>
      message({ id, customer_id: '7', ...o });
    const pick = (...rows: MessageWithFacts[]) => oneMessagePerCustomer(rows).first[0].id;

    expect(pick(customer('low', { priority: 1 }), customer('high', { priority: 5 }))).toBe('high');
    expect(
      pick(
        customer('later', { send_at: at('2026-03-10T11:30:00Z') }),
        customer('sooner', { send_at: at('2026-03-10T11:00:00Z') }),
      ),
    ).toBe('sooner');
    expect(
      pick(
        customer('newer', { created_at: at('2026-03-10T10:30:00Z') }),
        customer('older', { created_at: at('2026-03-10T10:00:00Z') }),
      ),
    ).toBe('older');
    expect(pick(customer('m-b', {}), customer('m-a', {}))).toBe('m-a');
  });

  it('lets service messages, which the cap does not count, stand alone', () => {
    const { first, later } = oneMessagePerCustomer([
      message({ id: 'offer', customer_id: '3' }),
      message({ id: 'check-in', customer_id: '3', class: 'service' }),
      message({ id: 'case', customer_id: '3', class: 'service' }),
    ]);
    expect(first.map((m) => m.id).sort()).toEqual(['case', 'check-in', 'offer']);
    expect(later).toHaveLength(0);
  });

  it('lets messages whose customer was erased (no customer id) each stand alone', () => {
    const { first, later } = oneMessagePerCustomer([
      message({ id: 'x', customer_id: null }),
      message({ id: 'y', customer_id: null }),
    ]);
    expect(first).toHaveLength(2);
    expect(later).toHaveLength(0);
  });
});

describe('decideClaim', () => {
  const cap = parseFrequencyCap('3/P7D,PT16H');
  const policy = { quietHours: null, cap };

  it('sends a due message to the customer when nothing holds it back', () => {
    expect(decideClaim(message(), NOW, policy)).toEqual({
      decision: { action: 'send' },
      address: 'ada@example.com',
      stuck: false,
    });
  });

  it('defers a marketing message that the cap holds back, to the earliest allowed moment', () => {
    const lastSend = new Date('2026-03-10T06:00:00Z');
    const decided = decideClaim(message({ recent: [lastSend] }), NOW, policy);
    expect(decided.decision).toMatchObject({
      action: 'defer',
      until: new Date('2026-03-10T22:00:00Z'),
    });
  });

  it('cancels the message of an erased customer (no address), whatever else holds', () => {
    const decided = decideClaim(message({ c_email: null, c_erased: true }), NOW, policy);
    expect(decided).toMatchObject({
      decision: { action: 'cancel', reason: 'erased' },
      address: null,
    });
  });

  it('marks a message found in `sending` (its lock run out) as stuck', () => {
    const decided = decideClaim(
      message({ status: 'sending', locked_until: new Date('2026-03-10T11:59:00Z') }),
      NOW,
      policy,
    );
    expect(decided.stuck).toBe(true);
  });

  it('does not hold a notice to staff (explicit recipient) to the customer’s quiet hours', () => {
    const night = { quietHours: parseQuietHours('21:00-08:00'), cap: null };
    const atNight = new Date('2026-03-10T23:30:00Z'); // 00:30 in Paris
    const staff = message({ recipient: 'support@example.com', class: 'service' });
    const customer = message({ class: 'service' });
    expect(decideClaim(staff, atNight, night).decision.action).toBe('send');
    expect(decideClaim(customer, atNight, night).decision.action).toBe('defer');
  });
});
