// Keep only what the mission needs, for as long as it needs it. Every purge leaves an audit line with counts.
import type { Deps } from '../deps.js';

/** A reporter's number is kept (encrypted) this long after their last message, for the follow-up conversation. */
export const REPORTER_NUMBER_HOURS = 24;

type RetentionDeps = Pick<Deps, 'db' | 'repos' | 'now' | 'log'>;

/** Rows deleted per write transaction: short enough that a webhook waiting for the lock barely notices. */
export const PURGE_BATCH = 500;
// Between two batches the purge waits twice as long as the last one took (at least this long): another process
// waiting for the lock retries on SQLite's busy-handler schedule (1, 2, 5, … 100 ms apart), and would miss a lock
// that is free only for an instant. So the purge never holds the lock more than a third of the time.
const PURGE_PAUSE_MS = 10;

/**
 * Deletes everything older than `before`: incidents (by their last activity) with their reports (photos and
 * recordings included), timeline, messages and replies; loose reports and messages; MessageSid records; reporters'
 * hashes. The list of stopped numbers is kept for good: a STOP must outlive any purge.
 *
 * It deletes in batches of PURGE_BATCH rows, one short transaction each, with a pause between them: a backlog of
 * any size never holds the write lock past the busy timeout, nor stalls webhooks served by this same process or
 * another. Stopped half-way, it leaves nothing inconsistent; the next run carries on.
 */
export async function purgeBefore(
  deps: RetentionDeps,
  before: number,
  actorUserId: string | null = null,
  options: { quiet?: boolean } = {},
): Promise<Record<string, number>> {
  const { retention } = deps.repos;
  const counts: Record<string, number> = {};
  const add = (name: string, n: number) => (counts[name] = (counts[name] ?? 0) + n);
  // Children before their incidents and reporters last, so that no batch trips a foreign key.
  const steps: Array<[string, (limit: number) => number]> = [
    ['responses', (limit) => retention.deleteResponses(before, limit)],
    ['incidentEvents', (limit) => retention.deleteIncidentEvents(before, limit)],
    ['messages', (limit) => retention.deleteMessages(before, limit)],
    // Photos and recordings are big: their own batches, before their reports.
    ['media', (limit) => retention.deleteMedia(before, limit)],
    ['reports', (limit) => retention.deleteReports(before, limit)],
    [
      'incidents',
      (limit) => {
        const { incidents, ...attached } = retention.deleteIncidents(before, limit);
        for (const [name, n] of Object.entries(attached)) add(name, n);
        return incidents;
      },
    ],
    ['inboundRecords', (limit) => retention.deleteInbound(before, limit)],
    ['outbox', (limit) => retention.deleteOutbox(before, limit)],
    ['loginFailures', (limit) => retention.deleteLoginFailures(before, limit)],
    ['reporters', (limit) => retention.deleteReporters(before, limit)],
  ];
  await inBatches(steps, add);
  // The scheduled purge runs every minute: it leaves a line only when it removed something.
  if (options.quiet && Object.values(counts).every((n) => n === 0)) return counts;
  const now = deps.now();
  deps.repos.audit.record('data.purge', now, { actorUserId, detail: { before: new Date(before).toISOString(), ...counts } });
  deps.log.info({ purged: counts }, 'purged data past retention');
  return counts;
}

/**
 * The 24-hour wipe: a day after a report, nothing stored ties it to the number that sent it. The report, its
 * inbound record and the conversation with its sender are unlinked or deleted (a member's report stays linked while
 * its incident is open: see retention.unlinkReports); the ciphertext of anyone not a pending or active member is
 * wiped; a number neither a member nor stopped is deleted once quiet since the cutoff; kept contacts' older times
 * become one constant. And the flood rule's daily "seen" sets older than RETENTION_DAYS go with their keys.
 *
 * In batches, like the purge: a first run over RETENTION_DAYS of links never holds the write lock for long.
 * `now` is the wipe's time (db:backup passes the time of its copy). Returns how many ciphertexts were forgotten.
 */
export async function forgetReporterNumbers(
  deps: { repos: Pick<Deps['repos'], 'retention' | 'seen'> } & Pick<Deps, 'now' | 'config'>,
  now = deps.now(),
): Promise<number> {
  const { retention, seen } = deps.repos;
  const cutoff = now - REPORTER_NUMBER_HOURS * 3_600_000;
  const counts: Record<string, number> = {};
  // Links first: a contact is deleted only once nothing points at it.
  await inBatches(
    [
      ['reports', (limit) => retention.unlinkReports(cutoff, limit)],
      ['inbound', (limit) => retention.unlinkInbound(cutoff, limit)],
      ['conversation', (limit) => retention.deleteReporterConversation(cutoff, limit)],
      ['outbox', (limit) => retention.deleteOutboxOfNonMembers(cutoff, limit)],
      ['ciphertexts', (limit) => retention.wipeCiphertexts(cutoff, limit)],
      ['contacts', (limit) => retention.deleteQuietContacts(cutoff, limit)],
      ['times', (limit) => retention.blurContactTimes(cutoff, limit)],
    ],
    (name, n) => (counts[name] = (counts[name] ?? 0) + n),
  );
  seen.forgetBefore(seen.firstKeptDay(now, deps.config.retentionDays));
  return counts['ciphertexts'] ?? 0;
}

/**
 * Runs each step until it does less than a full batch: one short transaction per batch, with a pause between them
 * so that the lock is free and the event loop turns (webhooks, here or in the web process, get in).
 */
async function inBatches(steps: Array<[string, (limit: number) => number]>, add: (name: string, n: number) => void): Promise<void> {
  for (const [name, step] of steps) {
    add(name, 0);
    for (;;) {
      const started = performance.now();
      const removed = step(PURGE_BATCH);
      add(name, removed);
      if (removed < PURGE_BATCH) break;
      const pause = Math.max(PURGE_PAUSE_MS, 2 * (performance.now() - started));
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
