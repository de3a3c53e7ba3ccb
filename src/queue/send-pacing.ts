// How sends are cut into jobs and paced. Pure.
//
// Without a rate limit a send job carries a batch of ledger rows: one BullMQ job per message cost more than the
// provider call itself (two Redis scripts, a lock, a payload), and a fan-out of 10,000 spent most of its time on
// them. With a rate limit every job is one row: BullMQ's limiter counts jobs, and a batch retried for the few rows
// a 429 sent back would take a whole batch's share of the rate (under a 429 storm the rate would collapse); the
// rate bounds the work anyway.
import type { WorkerOptions } from 'bullmq';

/** Rows per send job at most: a job's claims are one commit, shared by this many rows. */
export const SEND_BATCH = 100;

export interface SendPacing {
  /** Ledger rows per send job. */
  batch: number;
  /** Send jobs a worker runs at once. */
  concurrency: number;
  limiter: WorkerOptions['limiter'];
}

/**
 * `ratePerSecond` 0 means no limit. `maxInFlight` is what the provider lets this process call at once
 * (TWILIO_MAX_IN_FLIGHT): a worker never claims more rows than that, so no claimed row waits for its turn past its
 * lease; and without a rate limit it runs two jobs of half that each, so that one's commits overlap the other's calls.
 */
export function sendPacing(ratePerSecond: number, maxInFlight: number): SendPacing {
  if (ratePerSecond <= 0) {
    const batch = Math.max(1, Math.min(SEND_BATCH, Math.floor(maxInFlight / 2)));
    return { batch, concurrency: Math.max(1, Math.floor(maxInFlight / batch)), limiter: undefined };
  }
  return { batch: 1, concurrency: maxInFlight, limiter: rateLimit(ratePerSecond) };
}

/** BullMQ's limiter is global across workers of a queue; rates under 1/s stretch the window instead. */
function rateLimit(perSecond: number): NonNullable<WorkerOptions['limiter']> {
  // Tenths of a second where the rate allows: the same average, in bursts a tenth the size.
  if (perSecond >= 10 && Number.isInteger(perSecond / 10)) return { max: perSecond / 10, duration: 100 };
  return perSecond >= 1 ? { max: Math.floor(perSecond), duration: 1000 } : { max: 1, duration: Math.round(1000 / perSecond) };
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
