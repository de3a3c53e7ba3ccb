// Queue names and their payloads. Payloads carry ids only: numbers and texts stay in SQLite, encrypted.

export const QUEUES = {
  reports: 'reports',
  alerts: 'alerts',
  send: 'send',
  maintenance: 'maintenance',
  media: 'media',
  pages: 'pages',
} as const;

export interface ReportJob {
  reportId: string;
}

/** Plans one broadcast for an incident: writes its ledger rows and queues their sends. */
export interface AlertJob {
  incidentId: string;
  kind: BroadcastKind;
  /** For `update`: which update (its ledger rows are keyed by it). */
  updateId?: string;
}
/** Corrections and all-clears are not jobs: they are written in the transaction that closes the incident. */
export type BroadcastKind = 'alert' | 'update';

/** Sends a batch of ledger rows (see send-pacing.ts). `messageId`: a job queued by an earlier version, one row. */
export type SendJob = { messageIds: string[] } | { messageId: string };

export function messageIdsOf(job: SendJob): string[] {
  return 'messageIds' in job ? job.messageIds : [job.messageId];
}

/** Fetches a report's photos and recordings from the provider, once, and stores them sealed. */
export interface MediaJob {
  reportId: string;
}

/** Pages the on-duty dispatchers about a new incident if nobody opened it: delayed until PAGE_AFTER_SECONDS. */
export interface PageJob {
  incidentId: string;
}
