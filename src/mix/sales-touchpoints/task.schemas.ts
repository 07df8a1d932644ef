import { z } from 'zod';
import { email, nonEmptyText } from '../../common/validation/validators';
import { TASK_STATUSES } from './task.entity';

export const listTasksQuery = z.strictObject({
  /** A sales key may leave it out (it sees its own) or name its own address only. */
  assignee: email.optional(),
  status: z.enum(TASK_STATUSES).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListTasksQuery = z.infer<typeof listTasksQuery>;

export const completeTaskSchema = z.strictObject({
  /** What came of it, in a few words: `done`, `no answer`, `renewal agreed`. */
  outcome: nonEmptyText(200),
  notes: z.string().max(5000).nullish(),
  /** What the account got, in the rep's words: the value summary shows it to the stakeholders. */
  valueDelivered: z.string().max(5000).nullish(),
});
export type CompleteTask = z.infer<typeof completeTaskSchema>;
