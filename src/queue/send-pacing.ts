// How sends are cut into jobs and paced. Pure.
//
// A send job carries a batch of ledger rows: one BullMQ job per message cost more than the provider call itself
// (two Redis scripts, a lock, a payload), and a fan-out of 10,000 spent most of its time on them. BullMQ's limiter
// counts jobs, not messages, so with a rate set the batch is sized to what one limiter window admits.
import type { WorkerOptions } from 'bullmq';

/** Rows per send job at most: a job's claims are one commit, shared by this many rows. */
export const SEND_BATCH = 100;
/** A window this long admits one limiter quota: bursts a tenth of the rate instead of the whole second's. */
const WINDOW_MS = 100;

export interface SendPacing {
  /** Ledger rows per send job. */
  batch: number;
  /** Send jobs a worker runs at once. */
  concurrency: number;
  limiter: WorkerOptions['limiter'];
}

/**
 * `ratePerSecond` 0 means no limit. Otherwise the limiter admits `max` jobs per `duration` and every full job is
 * `batch` messages, so messages per second = max × batch × 1000 / duration, exactly the rate asked for.
 * `maxInFlight` is what the provider lets this process call at once (TWILIO_MAX_IN_FLIGHT): a worker never claims
 * more rows than that, so no claimed row waits for its turn past its lease; and without a rate limit it runs two
 * jobs of half that each, so that one's commits overlap the other's calls.
 */
export function sendPacing(ratePerSecond: number, maxInFlight: number): SendPacing {
  const most = Math.max(1, Math.min(SEND_BATCH, Math.floor(maxInFlight / 2)));
  const pace = (batch: number, limiter: WorkerOptions['limiter']): SendPacing => ({ batch, concurrency: Math.max(1, Math.floor(maxInFlight / batch)), limiter });
  if (ratePerSecond <= 0) return pace(most, undefined);
  // Rates that split into tenths of a second: one window's quota, in batches as large as divide it evenly.
  const perWindow = (ratePerSecond * WINDOW_MS) / 1000;
  if (perWindow >= 1 && Number.isInteger(perWindow)) {
    const batch = largestDivisorUpTo(perWindow, most);
    return pace(batch, { max: perWindow / batch, duration: WINDOW_MS });
  }
  // Other rates: one message per job, counted per second (rates under 1/s stretch the window instead).
  const limiter = ratePerSecond >= 1 ? { max: Math.floor(ratePerSecond), duration: 1000 } : { max: 1, duration: Math.round(1000 / ratePerSecond) };
  return pace(1, limiter);
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
