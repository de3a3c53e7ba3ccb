import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { orTimeout } from '../timeout.js';
import { CAPPED_BACKOFF } from './backoff.js';
import { type AlertJob, QUEUES, type ReportJob, type SendJob } from './names.js';

// Completed jobs are dropped at once: the SQLite ledger, not BullMQ, remembers what was done, and a freed job id
// lets the reconciler queue the same row again if it must. Failures are logged and the rows stay unfinished.
/** How long a producer waits for Redis: a webhook must answer even while Redis is away. */
const ADD_TIMEOUT_MS = 2000;

/**
 * BullMQ waits for a connection before adding. While Redis is known to be away the add is not even tried, and
 * past the timeout the caller moves on: the row is in SQLite and the reconciler queues it later.
 */
function inTime<T>(connection: Redis, add: () => Promise<T>): Promise<T> {
  if (connection.status !== 'ready') return Promise.reject(new Error(`redis is ${connection.status}`));
  const work = add();
  work.catch(() => undefined);
  return orTimeout(work, ADD_TIMEOUT_MS).then((result) => {
    if (result === 'timeout') throw new Error('redis did not answer in time');
    return result;
  });
}

export function createQueues(connection: Redis, prefix: string, retry: { attempts: number; baseMs: number }) {
  const defaults: JobsOptions = {
    attempts: 8,
    // Capped exponential with jitter (see backoff.ts), so that many failed sends don't all come back at once.
    backoff: { type: CAPPED_BACKOFF, delay: retry.baseMs },
    removeOnComplete: true,
    removeOnFail: true,
  };
  const options = { connection, prefix, defaultJobOptions: defaults };
  const reports = new Queue<ReportJob>(QUEUES.reports, options);
  const alerts = new Queue<AlertJob>(QUEUES.alerts, options);
  const send = new Queue<SendJob>(QUEUES.send, {
    ...options,
    defaultJobOptions: { ...defaults, attempts: retry.attempts },
  });
  const maintenance = new Queue(QUEUES.maintenance, options);

  return {
    reports,
    alerts,
    send,
    maintenance,
    processReport: (reportId: string) => inTime(connection, () => reports.add('process', { reportId }, { jobId: `report-${reportId}` })),
    broadcast: (job: AlertJob) =>
      inTime(connection, () => alerts.add(job.kind, job, { jobId: ['broadcast', job.kind, job.incidentId, job.updateId].filter(Boolean).join('-') })),
    /** Queues sends in the order given (nearest first for alerts). */
    sendMessages: (messageIds: string[]) =>
      inTime(connection, () => send.addBulk(messageIds.map((messageId) => ({ name: 'send', data: { messageId }, opts: { jobId: `send-${messageId}` } })))),
    async close() {
      await Promise.all([reports.close(), alerts.close(), send.close(), maintenance.close()]);
    },
  };
}
export type Queues = ReturnType<typeof createQueues>;
