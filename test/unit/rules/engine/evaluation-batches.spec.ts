import { CustomerTurns } from '../../../../src/rules/engine/customer-turns';
import { evaluationWaves } from '../../../../src/rules/engine/evaluation-waves';

const customerOf = (e: { customer: string }) => e.customer;

describe('evaluationWaves', () => {
  it('puts each customer at most once in a wave, keeping the order', () => {
    const events = [
      { id: 1, customer: 'a' },
      { id: 2, customer: 'b' },
      { id: 3, customer: 'a' },
      { id: 4, customer: 'c' },
      { id: 5, customer: 'a' },
      { id: 6, customer: 'b' },
    ];
    const waves = evaluationWaves(events, customerOf).map((w) => w.map((e) => e.id));
    expect(waves).toEqual([[1, 2, 4], [3, 6], [5]]);
  });

  it('makes one wave of distinct customers and none of nothing', () => {
    expect(evaluationWaves([{ customer: 'a' }, { customer: 'b' }], customerOf)).toHaveLength(1);
    expect(evaluationWaves([], customerOf)).toEqual([]);
  });
});

describe('CustomerTurns', () => {
  it('gives a batch the free customers and leaves the busy ones for later', async () => {
    const turns = new CustomerTurns();
    const first = turns.take([{ customer: 'a' }, { customer: 'b' }, { customer: 'a' }], customerOf);
    expect(first.now.map(customerOf)).toEqual(['a', 'b', 'a']);
    expect(first.later).toEqual([]);

    const second = turns.take([{ customer: 'b' }, { customer: 'c' }], customerOf);
    expect(second.now.map(customerOf)).toEqual(['c']);
    expect(second.later.map(customerOf)).toEqual(['b']);

    let freed = false;
    const waiting = second.whenFree.then(() => (freed = true));
    await Promise.resolve();
    expect(freed).toBe(false);
    first.release();
    await waiting;
    expect(freed).toBe(true);
    second.release();

    const third = turns.take([{ customer: 'a' }, { customer: 'b' }, { customer: 'c' }], customerOf);
    expect(third.later).toEqual([]);
  });

  it('does not free a customer that a later batch has taken meanwhile', () => {
    const turns = new CustomerTurns();
    const first = turns.take([{ customer: 'a' }], customerOf);
    first.release();
    const second = turns.take([{ customer: 'a' }], customerOf);
    first.release();
    expect(turns.take([{ customer: 'a' }], customerOf).later).toHaveLength(1);
    second.release();
  });
});
