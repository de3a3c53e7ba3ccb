// A job that failed its last attempt. BullMQ keeps it as failed (health counts those); the SQLite row records
// that the work was given up, so that the reconciler stops queuing it again and again.
import type { Deps } from '../deps.js';
import type { AlertJob } from '../queue/names.js';
import { PAUSE_KEY } from './sending.js';

type GaveUpDeps = Pick<Deps, 'repos' | 'now' | 'log'>;

/** The report stays unprocessed, marked `failed`, for a dispatcher to read in the console. */
export function reportGaveUp(deps: GaveUpDeps, reportId: string): void {
  if (deps.repos.reports.markFailed(reportId)) deps.log.error({ reportId }, 'report processing gave up after its last attempt');
}

/** An alert fan-out that gave up is not planned again by the reconciler (a dispatcher's new action can retry it). */
export function broadcastGaveUp(deps: GaveUpDeps, job: AlertJob): void {
  if (job.kind === 'alert') deps.repos.incidents.markAlertFailed(job.incidentId, deps.now());
  deps.log.error({ incidentId: job.incidentId, kind: job.kind }, 'broadcast gave up after its last attempt');
}

/**
 * A send that never reached the provider is marked failed. A row in doubt is left `unknown`: only the provider's
 * list can say whether it went out, and the reconciler has it looked up again.
 */
export function sendGaveUp(deps: GaveUpDeps, messageId: string): void {
  // While sending is paused (an account error, maybe in this very batch) a row waits for the resume, which queues
  // it again: a batch whose other rows failed must not give it up.
  if (deps.repos.systemState.get(PAUSE_KEY)) return;
  if (deps.repos.messages.markGaveUp(messageId, deps.now())) deps.log.error({ messageId }, 'send gave up after its last attempt');
}
