// Where a message stands in the send queue. With a backlog (an update to thousands, at SMS_RATE_PER_SECOND), a
// VERIFY request or an alert must not wait behind it: minutes decide whether anyone gets to a raid in time.
// BullMQ takes the lowest number first, and in order of queueing within one priority (nearest first for alerts).

export const SEND_PRIORITY = {
  /** VERIFY requests and real alerts. */
  urgent: 1,
  /** Dispatchers and coordinators paged: few messages, someone must act. */
  page: 2,
  /** Updates, reminders, corrections, all clears, welcomes, replies, everything else. */
  normal: 5,
  /** Anything about a drill: never ahead of a real incident's messages. */
  drill: 10,
} as const;

/** The priority of a ledger row of this kind (`alert`, `verify…`, `page:…`, `update:…`), drill or not. */
export function sendPriority(kind: string, drill: boolean): number {
  if (drill) return SEND_PRIORITY.drill;
  if (kind === 'alert' || kind.startsWith('verify')) return SEND_PRIORITY.urgent;
  if (kind.startsWith('page')) return SEND_PRIORITY.page;
  return SEND_PRIORITY.normal;
}
