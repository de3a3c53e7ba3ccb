// The worker role: one BullMQ worker per queue, each a thin shell around a service function.
import { type Job, UnrecoverableError, Worker, type WorkerOptions } from 'bullmq';
import type { Deps } from '../deps.js';
import { backfillInbound } from '../services/backfill.js';
import { runBroadcast } from '../services/broadcast.js';
import { broadcastGaveUp, reportGaveUp, sendGaveUp } from '../services/gave-up.js';
import { expireIncidents, pageDispatchersWhenDue, reconcile } from '../services/maintenance.js';
import { deleteFromProvider } from '../services/provider-cleanup.js';
import { fetchReportMedia, mediaGaveUp, requeueUnfetchedMedia } from '../services/media.js';
import { pageIfUnopened } from '../services/paging.js';
import { processReport } from '../services/reports.js';
import { forgetReporterNumbers, purgeBefore } from '../services/retention.js';
import { sendMessages } from '../services/sending.js';
import { escalateVerifications } from '../services/verification.js';
import { orTimeout } from '../timeout.js';
import { cappedBackoff } from './backoff.js';
import { workerConnection } from './connection.js';
import { type AlertJob, type MediaJob, messageIdsOf, type PageJob, QUEUES, type ReportJob, type SendJob } from './names.js';
import { sendPacing } from './send-pacing.js';

export interface Workers {
  all: Worker[];
  /** Resolves when every worker has finished its in-flight jobs and closed. */
  close(): Promise<void>;
}

/** How often the maintenance schedule is registered again (a Redis that came back empty has lost it). */
const SCHEDULE_CHECK_MS = 60_000;

export async function startWorkers(deps: Deps): Promise<Workers> {
  const connection = workerConnection(deps.config.redisUrl);
  connection.on('error', (error: Error) => deps.log.debug({ err: error.message }, 'worker redis error'));
  const base = (concurrency: number): WorkerOptions => ({
    connection,
    prefix: deps.config.queuePrefix,
    concurrency,
    // A killed worker's running jobs are taken up again once their lock lapses, at the next stalled check.
    lockDuration: deps.config.jobLockMs,
    stalledInterval: deps.config.jobLockMs,
    settings: { backoffStrategy: cappedBackoff(deps.config.sms.retryBaseMs) },
  });

  const reports = new Worker<ReportJob>(
    QUEUES.reports,
    orGiveUp(deps, (job) => processReport(deps, job.data.reportId), (job) => reportGaveUp(deps, job.data.reportId)),
    base(4),
  );
  const alerts = new Worker<AlertJob>(
    QUEUES.alerts,
    orGiveUp(deps, (job) => runBroadcast(deps, job.data), (job) => broadcastGaveUp(deps, job.data)),
    base(2),
  );
  const pacing = sendPacing(deps.config.sms.ratePerSecond, deps.config.twilio.maxInFlight);
  const send = new Worker<SendJob>(
    QUEUES.send,
    orGiveUp(
      deps,
      // (The outcomes stay out of Redis: the ledger has them.)
      async (job) => void (await sendMessages(deps, messageIdsOf(job.data), isLastAttempt(job))),
      (job) => messageIdsOf(job.data).forEach((id) => sendGaveUp(deps, id)),
    ),
    { ...base(pacing.concurrency), limiter: pacing.limiter },
  );
  const media = new Worker<MediaJob>(
    QUEUES.media,
    orGiveUp(deps, (job) => fetchReportMedia(deps, job.data.reportId), (job) => mediaGaveUp(deps, job.data.reportId)),
    base(2),
  );
  // A page that gives up is left to the maintenance run, which pages whatever is due and unpaged.
  const pages = new Worker<PageJob>(
    QUEUES.pages,
    orGiveUp(deps, (job) => pageIfUnopened(deps, job.data.incidentId), () => undefined),
    base(2),
  );
  const maintenance = new Worker(
    QUEUES.maintenance,
    // Each duty on its own: a provider outage that breaks the backfill must not stop the reconciler.
    async () => {
      const duties: Array<[string, () => unknown]> = [
        ['reconcile', () => reconcile(deps)],
        ['fetch media', () => requeueUnfetchedMedia(deps)],
        ['expire', () => expireIncidents(deps)],
        ['verification escalation', () => escalateVerifications(deps)],
        ['page dispatchers', () => pageDispatchersWhenDue(deps)],
        ['forget reporter numbers', () => forgetReporterNumbers(deps)],
        ['purge', () => purgeBefore(deps, deps.now() - deps.config.retentionDays * 86_400_000, null, { quiet: true })],
        ['delete at provider', () => deleteFromProvider(deps)],
        ['backfill', () => backfillInbound(deps)],
      ];
      for (const [name, duty] of duties) {
        try {
          await duty();
        } catch (error) {
          deps.log.warn({ err: (error as Error).message, duty: name }, 'maintenance duty failed; next run retries');
        }
      }
    },
    base(1),
  );

  const all = [reports, alerts, send, maintenance, media, pages];
  for (const worker of all) watch(deps, worker);
  // Registered at start and again every interval (an idempotent upsert), so a Redis that comes back empty gets
  // the schedule back without a restart; the first reconcile runs now.
  const every = deps.config.maintenanceEveryMs;
  const schedule = () =>
    deps.queues.maintenance
      .upsertJobScheduler('maintenance', { every })
      .catch((error: Error) => deps.log.warn({ err: error.message }, 'maintenance schedule not registered yet'));
  await schedule();
  const keepScheduled = setInterval(() => void schedule(), Math.min(every, SCHEDULE_CHECK_MS));
  keepScheduled.unref();
  await reconcile(deps).catch((error: Error) => deps.log.warn({ err: error.message }, 'start-up reconcile failed'));

  return {
    all,
    async close() {
      clearInterval(keepScheduled);
      await Promise.all(all.map((worker) => closeWithin(worker, CLOSE_TIMEOUT_MS)));
      connection.disconnect();
    },
  };
}

const CLOSE_TIMEOUT_MS = 10_000;

/**
 * Lets in-flight jobs finish, but not forever: a worker that cannot close (seen after a Redis outage) is forced.
 * A job cut short is safe: its ledger row is claimed or in doubt, and is looked up before any resend.
 */
async function closeWithin(worker: Worker, ms: number): Promise<void> {
  if ((await orTimeout(worker.close(), ms)) !== 'timeout') return;
  // Forcing can hang too (a blocking connection still reconnecting to a Redis that came back): the caller then
  // disconnects the shared connection, which ends whatever is left.
  await orTimeout(worker.close(true), ms);
}

function isLastAttempt(job: Job): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/**
 * Runs a job; when it throws on its last attempt, the SQLite row is marked as given up before BullMQ marks the
 * job failed, so the reconciler never queues it again in between.
 */
function orGiveUp<T>(deps: Deps, work: (job: Job<T>) => Promise<unknown>, gaveUp: (job: Job<T>) => void): (job: Job<T>) => Promise<unknown> {
  return async (job) => {
    try {
      return await work(job);
    } catch (error) {
      if (isLastAttempt(job) || error instanceof UnrecoverableError) {
        try {
          gaveUp(job);
        } catch (markError) {
          deps.log.error({ err: (markError as Error).message, jobId: job.id }, 'could not record a job that gave up');
        }
      }
      throw error;
    }
  };
}

function watch(deps: Deps, worker: Worker): void {
  worker.on('error', (error: Error) => deps.log.error({ err: error.message, queue: worker.name }, 'worker error'));
  worker.on('failed', (job: Job | undefined, error: Error) =>
    deps.log.warn({ queue: worker.name, jobId: job?.id, attempt: job?.attemptsMade, err: error.message }, 'job failed'),
  );
}
