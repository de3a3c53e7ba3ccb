// How sends are cut into jobs and paced. Pure.
//
// A send job carries a batch of ledger rows: one BullMQ job per message cost more than the provider call itself
// (two Redis scripts, a lock, a payload), and a fan-out of 10,000 spent most of its time on them. BullMQ's limiter
// counts jobs, not messages, so with a rate set the batch is sized to what one limiter window admits.
import type { WorkerOptions } from 'bullmq';

/** Rows per send job without a rate limit: two claims and one mark a job, each a commit, are shared by this many. */
export const SEND_BATCH = 100;
/**
 * Rows a send worker works on at once across its jobs (the provider caps its own calls: TWILIO_MAX_IN_FLIGHT):
 * with full batches, two jobs, so that one's commits overlap the other's calls.
 */
const IN_FLIGHT = 200;
/** A window this long admits one limiter quota: bursts a tenth of the rate instead of the whole second's. */
const WINDOW_MS = 100;

export interface SendPacing {
  /** Ledger rows per send job. */
  batch: number;
  /** Send jobs a worker runs at once: about IN_FLIGHT rows, and never fewer than 2 jobs. */
  concurrency: number;
  limiter: WorkerOptions['limiter'];
}

/**
 * `ratePerSecond` 0 means no limit. Otherwise the limiter admits `max` jobs per `duration` and every full job is
 * `batch` messages, so messages per second = max × batch × 1000 / duration, exactly the rate asked for.
 */
export function sendPacing(ratePerSecond: number): SendPacing {
  if (ratePerSecond <= 0) return withConcurrency(SEND_BATCH, undefined);
  // Rates that split into tenths of a second: one window's quota, in batches as large as divide it evenly.
  const perWindow = (ratePerSecond * WINDOW_MS) / 1000;
  if (perWindow >= 1 && Number.isInteger(perWindow)) {
    const batch = largestDivisorUpTo(perWindow, SEND_BATCH);
    return withConcurrency(batch, { max: perWindow / batch, duration: WINDOW_MS });
  }
  // Other rates: one message per job, counted per second (rates under 1/s stretch the window instead).
  const limiter = ratePerSecond >= 1 ? { max: Math.floor(ratePerSecond), duration: 1000 } : { max: 1, duration: Math.round(1000 / ratePerSecond) };
  return withConcurrency(1, limiter);
}

function withConcurrency(batch: number, limiter: WorkerOptions['limiter']): SendPacing {
  return { batch, concurrency: Math.max(2, Math.ceil(IN_FLIGHT / batch)), limiter };
}

function largestDivisorUpTo(n: number, cap: number): number {
  for (let d = Math.min(n, cap); d > 1; d--) if (n % d === 0) return d;
  return 1;
}

/** The first job of a list carries at most this many rows: the nearest members' alerts start without waiting for a whole batch. */
export const LEAD_BATCH = 10;

/**
 * Cuts rows into send jobs: consecutive rows of the same priority together (the order given is kept: nearest
 * first for alerts), at most `batch` a job, and at most LEAD_BATCH in the first.
 */
export function batchSends(messageIds: string[], batch: number, priorityOf: (id: string) => number): Array<{ messageIds: string[]; priority: number }> {
  const jobs: Array<{ messageIds: string[]; priority: number }> = [];
  for (const id of messageIds) {
    const priority = priorityOf(id);
    const last = jobs.at(-1);
    const room = jobs.length === 1 ? Math.min(batch, LEAD_BATCH) : batch;
    if (last && last.priority === priority && last.messageIds.length < room) last.messageIds.push(id);
    else jobs.push({ messageIds: [id], priority });
  }
  return jobs;
}
