import type { LocalWindow } from '../policy/quiet-hours';
import type { MessageClass, Module } from './message.entity';

/** What a module asks for: "this email, about this customer, at this time". */
export interface MessageRequest {
  /** Unique per (rule, customer, trigger occurrence): asking twice schedules once. */
  dedupeKey: string;
  /** Internal customer id the message is about; null for a message to an address only. */
  customerId: string | null;
  /** Explicit address (support desk, account owner); default: the customer's email. */
  recipient?: string | null;
  module: Module;
  kind: string;
  class: MessageClass;
  priority?: number;
  templateKey: string;
  context?: Record<string, unknown>;
  sendAt: Date;
  sendWindow?: LocalWindow | null;
  expiresAt?: Date | null;
  ruleId?: string | null;
  goalEvent?: string | null;
  /** `held_out` records a holdout member: a row for measurement, never sent. */
  status?: 'scheduled' | 'held_out';
}

export interface ScheduledMessage {
  id: string;
  dedupeKey: string;
  status: string;
  sendAt: Date;
  /** False when a message with this dedupe key existed already. */
  created: boolean;
}
