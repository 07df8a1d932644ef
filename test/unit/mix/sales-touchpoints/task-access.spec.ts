import type { Principal } from '../../../../src/common/auth/principal';
import { ProblemException } from '../../../../src/common/problem/problem';
import { assertMayActOn, assigneeScope } from '../../../../src/mix/sales-touchpoints/task-access';

const principal = (role: Principal['role'], ownerEmail: string | null = null): Principal => ({
  keyId: 'k',
  name: 'key',
  role,
  ownerEmail,
});

const status = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as ProblemException).getStatus();
  }
  return 'ok';
};

describe('assigneeScope', () => {
  const sales = principal('sales', 'Sam@Example.com');

  it('restricts a sales key to its own address, asked for or not, in any case', () => {
    expect(assigneeScope(sales)).toBe('sam@example.com');
    expect(assigneeScope(sales, 'SAM@example.com')).toBe('sam@example.com');
  });

  it('refuses a sales key asking for another rep’s tasks with 403', () => {
    expect(status(() => assigneeScope(sales, 'kim@example.com'))).toBe(403);
  });

  it('refuses a sales key without an address with 403', () => {
    expect(status(() => assigneeScope(principal('sales')))).toBe(403);
  });

  it('lets admin and support see everyone’s, or filter by anyone', () => {
    expect(assigneeScope(principal('admin'))).toBeUndefined();
    expect(assigneeScope(principal('support'), 'Kim@Example.com')).toBe('kim@example.com');
  });
});

describe('assertMayActOn', () => {
  it('lets a rep act on their own task only', () => {
    const sales = principal('sales', 'sam@example.com');
    expect(status(() => assertMayActOn(sales, 'SAM@example.com'))).toBe('ok');
    expect(status(() => assertMayActOn(sales, 'kim@example.com'))).toBe(403);
  });

  it('lets admin and support act on any task', () => {
    expect(status(() => assertMayActOn(principal('support'), 'kim@example.com'))).toBe('ok');
    expect(status(() => assertMayActOn(principal('admin'), 'kim@example.com'))).toBe('ok');
  });
});
