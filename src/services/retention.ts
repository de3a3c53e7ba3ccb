// Keep only what the mission needs, for as long as it needs it. Every purge leaves an audit line with counts.
import { and, eq, inArray, isNotNull, isNull, lt, notExists, or, sql } from 'drizzle-orm';
import { inTransaction } from '../db/client.js';
import {
  contacts,
  inboundMessages,
  incidentEvents,
  incidents,
  loginFailures,
  members,
  outboxMessages,
  outgoingMessages,
  reports,
  responses,
} from '../db/schema.js';
import type { Deps } from '../deps.js';

/** A reporter's number is kept (encrypted) this long after their last message, for the follow-up conversation. */
export const REPORTER_NUMBER_HOURS = 24;

type RetentionDeps = Pick<Deps, 'db' | 'repos' | 'now' | 'log'>;

/**
 * Deletes everything older than `before`: incidents (by their last activity) with their reports, timeline,
 * messages and replies; loose reports and messages; MessageSid records; reporters' hashes. The list of stopped
 * numbers is kept for good: a STOP must outlive any purge.
 */
export function purgeBefore(deps: RetentionDeps, before: number, actorUserId: string | null = null, options: { quiet?: boolean } = {}): Record<string, number> {
  const { db } = deps;
  const counts = inTransaction(deps.db, () => {
    const old = db.select({ id: incidents.id }).from(incidents).where(lt(incidents.updatedAt, before)).all().map((row) => row.id);
    const n: Record<string, number> = { incidents: old.length };
    const oldIncident = (column: typeof reports.incidentId | typeof outgoingMessages.incidentId | typeof responses.incidentId | typeof incidentEvents.incidentId) =>
      old.length > 0 ? inArray(column, old) : sql`0`;
    n['responses'] = db.delete(responses).where(or(oldIncident(responses.incidentId), lt(responses.at, before))).run().changes;
    n['incidentEvents'] = db.delete(incidentEvents).where(oldIncident(incidentEvents.incidentId)).run().changes;
    n['messages'] = db.delete(outgoingMessages).where(or(oldIncident(outgoingMessages.incidentId), lt(outgoingMessages.createdAt, before))).run().changes;
    n['reports'] = db.delete(reports).where(or(oldIncident(reports.incidentId), and(isNull(reports.incidentId), lt(reports.receivedAt, before)))).run().changes;
    // Incidents merged into purged ones go with them; then the purged ones themselves.
    if (old.length > 0) db.update(incidents).set({ mergedIntoId: null }).where(inArray(incidents.mergedIntoId, old)).run();
    n['incidents'] = old.length > 0 ? db.delete(incidents).where(inArray(incidents.id, old)).run().changes : 0;
    n['inboundRecords'] = db.delete(inboundMessages).where(lt(inboundMessages.receivedAt, before)).run().changes;
    n['outbox'] = db.delete(outboxMessages).where(lt(outboxMessages.createdAt, before)).run().changes;
    n['loginFailures'] = db.delete(loginFailures).where(lt(loginFailures.lastAt, before)).run().changes;
    n['reporters'] = db
      .delete(contacts)
      .where(
        and(
          lt(contacts.lastSeenAt, before),
          isNull(contacts.stoppedAt),
          notExists(db.select({ id: members.id }).from(members).where(eq(members.contactId, contacts.id))),
          notExists(db.select({ id: reports.id }).from(reports).where(eq(reports.contactId, contacts.id))),
          notExists(db.select({ id: outgoingMessages.id }).from(outgoingMessages).where(eq(outgoingMessages.contactId, contacts.id))),
          notExists(db.select({ id: responses.id }).from(responses).where(eq(responses.contactId, contacts.id))),
          notExists(db.select({ sid: inboundMessages.sid }).from(inboundMessages).where(eq(inboundMessages.contactId, contacts.id))),
        ),
      )
      .run().changes;
    return n;
  });
  // The scheduled purge runs every minute: it leaves a line only when it removed something.
  if (options.quiet && Object.values(counts).every((n) => n === 0)) return counts;
  const now = deps.now();
  deps.repos.audit.record('data.purge', now, { actorUserId, detail: { before: new Date(before).toISOString(), ...counts } });
  deps.log.info({ purged: counts }, 'purged data past retention');
  return counts;
}

/** Wipes the encrypted number of people who are only reporters, a day after their last message. */
export function forgetReporterNumbers(deps: RetentionDeps): number {
  const cutoff = deps.now() - REPORTER_NUMBER_HOURS * 3_600_000;
  return deps.db
    .update(contacts)
    .set({ phoneEnc: null, phoneMask: null })
    .where(
      and(
        isNotNull(contacts.phoneEnc),
        lt(contacts.lastSeenAt, cutoff),
        notExists(deps.db.select({ id: members.id }).from(members).where(and(eq(members.contactId, contacts.id), inArray(members.status, ['pending', 'active'])))),
      ),
    )
    .run().changes;
}
