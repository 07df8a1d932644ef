import { HttpStatus } from '@nestjs/common';
import type { Principal } from '../../common/auth/principal';
import { ProblemException } from '../../common/problem/problem';

/**
 * Who sees which tasks. A `sales` key belongs to one rep: it carries the rep's email
 * (`ownerEmail`, the accounts' `ownerEmail`), sees only the tasks assigned to that address
 * and completes only those. Admin and support keys see every task. Addresses are compared
 * without case (tasks store the assignee in lower case).
 */

const forbidden = (detail: string) =>
  new ProblemException(HttpStatus.FORBIDDEN, 'forbidden', 'Forbidden', detail);

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

function ownEmail(principal: Principal): string {
  if (!principal.ownerEmail) {
    throw forbidden(
      'This sales key has no ownerEmail, so it is nobody’s: ask an admin for a key with one.',
    );
  }
  return normalizeEmail(principal.ownerEmail);
}

/**
 * The assignee a task list is restricted to: the caller's own address for a sales key
 * (asking for someone else's is refused), the one asked for (or none) otherwise.
 */
export function assigneeScope(principal: Principal, requested?: string): string | undefined {
  if (principal.role !== 'sales')
    return requested === undefined ? undefined : normalizeEmail(requested);
  const own = ownEmail(principal);
  if (requested !== undefined && normalizeEmail(requested) !== own) {
    throw forbidden('A sales key sees only the tasks assigned to its own ownerEmail.');
  }
  return own;
}

/** Throws 403 unless the caller may see and complete a task assigned to `assigneeEmail`. */
export function assertMayActOn(principal: Principal, assigneeEmail: string) {
  if (principal.role !== 'sales') return;
  if (normalizeEmail(assigneeEmail) !== ownEmail(principal)) {
    throw forbidden('This task is assigned to another sales rep.');
  }
}
