import { createHash } from 'node:crypto';
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { SEND_PRIORITY } from '../domain/send-priority.js';
import { orTimeout } from '../timeout.js';
import { CAPPED_BACKOFF } from './backoff.js';
import { type AlertJob, type MediaJob, messageIdsOf, type PageJob, QUEUES, type ReportJob, type SendJob } from './names.js';
import { batchSends } from './send-pacing.js';

// Completed jobs are dropped at once: the SQLite ledger, not BullMQ, remembers what was done, and a freed job id
// lets the reconciler queue the same row again if it must. Failed jobs are kept (a bounded number, for a while) so
// that health can show them; a kept failed job holds its id, so whatever queues an id again removes it first.
/** How many failed jobs each queue keeps, and for how long (seconds). */
export const KEEP_FAILED = { count: 1000, age: 7 * 24 * 3600 };
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

/**
 * Each send job's BullMQ priority (lower first), by ledger id: VERIFY requests and alerts go ahead of a backlog of
 * updates. Given by whoever owns the ledger; without it every send job has the same priority.
 */
export type SendPriorities = (messageIds: string[]) => ReadonlyMap<string, number>;

/** How send jobs are made: rows per job (send-pacing.ts), and each row's priority. */
export interface SendJobOptions {
  batch: number;
  priorities?: SendPriorities;
}

/** States in which a send job will still run (or is running): its rows need no other job. */
const LIVE_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'waiting-children'] as const;

export function createQueues(connection: Redis, prefix: string, retry: { attempts: number; baseMs: number }, sends: SendJobOptions) {
  const defaults: JobsOptions = {
    attempts: retry.attempts,
    // Capped exponential with jitter (see backoff.ts), so that many failed sends don't all come back at once.
    backoff: { type: CAPPED_BACKOFF, delay: retry.baseMs },
    removeOnComplete: true,
    removeOnFail: KEEP_FAILED,
  };
  const options = { connection, prefix, defaultJobOptions: defaults };
  const reports = new Queue<ReportJob>(QUEUES.reports, options);
  const alerts = new Queue<AlertJob>(QUEUES.alerts, options);
  const send = new Queue<SendJob>(QUEUES.send, options);
  const maintenance = new Queue(QUEUES.maintenance, options);
  const media = new Queue<MediaJob>(QUEUES.media, options);
  // One delayed job per new incident (paging.ts), on a queue of its own: a page never waits behind a maintenance
  // run, which remains its safety net.
  const pages = new Queue<PageJob>(QUEUES.pages, options);

  /**
   * BullMQ ignores an add whose id a kept failed job holds: such jobs are removed first, so that an id queued
   * again (by the reconciler, a resume, a dispatcher's action) runs again. The failed set is bounded by KEEP_FAILED.
   */
  const dropFailed = async (queue: Queue, jobIds: string[]): Promise<void> => {
    const lookup = connection.pipeline();
    for (const id of jobIds) lookup.zscore(queue.toKey('failed'), id);
    const scores = (await lookup.exec()) ?? [];
    await Promise.all(jobIds.filter((_, i) => scores[i]?.[1] != null).map((id) => queue.remove(id)));
  };
  /** Jobs queued again (the reconciler, a resume): a failed job of the same id is removed first. */
  const addAgain = async <T>(queue: Queue<T>, jobs: Array<{ name: string; data: T; opts: { jobId: string } }>) => {
    await dropFailed(queue, jobs.map((job) => job.opts.jobId));
    // (The job shape is ours; BullMQ's name type cannot be resolved for a generic queue.)
    return queue.addBulk(jobs as Parameters<Queue<T>['addBulk']>[0]);
  };
  const requeue = <T>(queue: Queue<T>, jobs: Array<{ name: string; data: T; opts: { jobId: string } }>) => inTime(connection, () => addAgain(queue, jobs));

  // Every send job has a priority: BullMQ runs jobs without one before all prioritized jobs. A job's id follows
  // from its rows, so the same batch queued twice (a retried fan-out) is one job.
  const sendJobs = (messageIds: string[]) => {
    const priorities = sends.priorities?.(messageIds);
    return batchSends(messageIds, sends.batch, (id) => priorities?.get(id) ?? SEND_PRIORITY.normal).map((job) => ({
      name: 'send',
      data: { messageIds: job.messageIds },
      opts: { jobId: sendJobId(job.messageIds), priority: job.priority },
    }));
  };
  /**
   * The rows that send jobs still to run (or running) carry: a one-row job's id names its row; the batches' rows
   * are read from their payloads, all in one round trip.
   */
  const rowsInLiveSendJobs = async (): Promise<Set<string>> => {
    const rows = new Set<string>();
    const batches: string[] = [];
    for (const jobId of await send.getRanges([...LIVE_STATES])) {
      const row = rowOfSingleSend(jobId);
      if (row) rows.add(row);
      else batches.push(jobId);
    }
    const read = connection.pipeline();
    for (const jobId of batches) read.hget(send.toKey(jobId), 'data');
    for (const [, data] of batches.length > 0 ? ((await read.exec()) ?? []) : []) {
      if (typeof data === 'string') for (const id of messageIdsOf(JSON.parse(data) as SendJob)) rows.add(id);
    }
    return rows;
  };
  const reportJob = (reportId: string) => ({ name: 'process', data: { reportId }, opts: { jobId: `report-${reportId}` } });
  const mediaJob = (reportId: string) => ({ name: 'fetch', data: { reportId }, opts: { jobId: `media-${reportId}` } });

  return {
    reports,
    alerts,
    send,
    maintenance,
    media,
    pages,
    /** A report with photos or recordings: fetch them from the provider (the reconciler does it again if needed). */
    fetchMedia: (reportId: string) => inTime(connection, () => media.add('fetch', { reportId }, { jobId: `media-${reportId}` })),
    /** A new incident's page, due in `delayMs` (PAGE_AFTER_SECONDS after it was created); one job per incident. */
    schedulePage: (incidentId: string, delayMs: number) =>
      inTime(connection, () => pages.add('page', { incidentId }, { jobId: `page-${incidentId}`, delay: Math.max(0, Math.round(delayMs)) })),
    /** Media fetches queued again (the reconciler): a failed job of the same id is removed first. */
    requeueMedia: (reportIds: string[]) => requeue(media, reportIds.map(mediaJob)),
    /** A report just stored: its job id is new. */
    processReport: (reportId: string) => inTime(connection, () => reports.add('process', { reportId }, { jobId: `report-${reportId}` })),
    /** Reports queued again (the reconciler): a failed job of the same id is removed first. */
    requeueReports: (reportIds: string[]) => requeue(reports, reportIds.map(reportJob)),
    broadcast: (job: AlertJob) =>
      inTime(connection, async () => {
        const jobId = ['broadcast', job.kind, job.incidentId, job.updateId].filter(Boolean).join('-');
        await dropFailed(alerts, [jobId]);
        return alerts.add(job.kind, job, { jobId });
      }),
    /** Queues sends of rows just written, in the order given (nearest first for alerts). */
    sendMessages: (messageIds: string[]) => inTime(connection, () => send.addBulk(sendJobs(messageIds))),
    /**
     * Sends queued again (the reconciler, a resume): rows that a live job still carries are left to it (a batch's
     * id cannot say which rows it holds), and a failed job of the same id is removed first. Returns how many rows
     * were queued.
     */
    requeueSends: (messageIds: string[]) =>
      inTime(connection, async () => {
        const live = await rowsInLiveSendJobs();
        const missing = messageIds.filter((id) => !live.has(id));
        if (missing.length > 0) await addAgain(send, sendJobs(missing));
        return missing.length;
      }),
    /** Jobs BullMQ marked failed (after their last attempt) at or after `since` (ms), across all queues. */
    failedSince: (since: number) =>
      inTime(connection, async () => {
        const counts = await Promise.all([reports, alerts, send, maintenance, media, pages].map((queue) => connection.zcount(queue.toKey('failed'), since, '+inf')));
        return counts.reduce((sum, n) => sum + n, 0);
      }),
    async close() {
      await Promise.all([reports.close(), alerts.close(), send.close(), maintenance.close(), media.close(), pages.close()]);
    },
  };
}
export type Queues = ReturnType<typeof createQueues>;

/** The row of a one-row send job (`send-<id>`); null for a batch (`send-<first id>-<digest>`). */
function rowOfSingleSend(jobId: string): string | null {
  const rest = jobId.slice('send-'.length);
  return rest.includes('-') ? null : rest;
}

/** One row: `send-<id>`, as before batches. More: the first row's id and a digest of all of them. */
function sendJobId(messageIds: string[]): string {
  const [first = ''] = messageIds;
  if (messageIds.length === 1) return `send-${first}`;
  return `send-${first}-${createHash('sha1').update(messageIds.join(',')).digest('hex').slice(0, 12)}`;
}
