// What retention deletes, in small batches: each call is one short write transaction, so webhooks (in this
// process or another) never wait behind a whole purge for the write lock.
import { and, eq, inArray, isNull, lt, notExists, or, sql, type SQL } from 'drizzle-orm';
import { type Db, inTransaction } from '../client.js';
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
} from '../schema.js';

export function createRetentionRepository(db: Db) {
  /** Incidents whose last activity is older than `before`: they go with everything attached to them. */
  const oldIncidents = (before: number) => db.select({ id: incidents.id }).from(incidents).where(lt(incidents.updatedAt, before));

  return {
    /** Each `delete…` removes at most `limit` rows that are due and returns how many it removed. */
    deleteResponses(before: number, limit: number): number {
      const due = or(inArray(responses.incidentId, oldIncidents(before)), lt(responses.at, before));
      return inTransaction(db, () => db.delete(responses).where(inArray(responses.id, db.select({ id: responses.id }).from(responses).where(due).limit(limit))).run().changes);
    },

    deleteIncidentEvents(before: number, limit: number): number {
      const due = inArray(incidentEvents.incidentId, oldIncidents(before));
      return inTransaction(db, () => db.delete(incidentEvents).where(inArray(incidentEvents.id, db.select({ id: incidentEvents.id }).from(incidentEvents).where(due).limit(limit))).run().changes);
    },

    deleteMessages(before: number, limit: number): number {
      const due = or(inArray(outgoingMessages.incidentId, oldIncidents(before)), lt(outgoingMessages.createdAt, before));
      return inTransaction(db, () =>
        db.delete(outgoingMessages).where(inArray(outgoingMessages.id, db.select({ id: outgoingMessages.id }).from(outgoingMessages).where(due).limit(limit))).run().changes,
      );
    },

    deleteReports(before: number, limit: number): number {
      const due = or(inArray(reports.incidentId, oldIncidents(before)), and(isNull(reports.incidentId), lt(reports.receivedAt, before)));
      return inTransaction(db, () => db.delete(reports).where(inArray(reports.id, db.select({ id: reports.id }).from(reports).where(due).limit(limit))).run().changes);
    },

    /**
     * Deletes old incidents, with anything still attached to them (rows added since their own batches ran), and
     * unlinks incidents that were merged into them. Returns every row it removed, by the purge's names.
     */
    deleteIncidents(before: number, limit: number): Record<'incidents' | 'responses' | 'incidentEvents' | 'messages' | 'reports', number> {
      return inTransaction(db, () => {
        const ids = oldIncidents(before).limit(limit).all().map((row) => row.id);
        if (ids.length === 0) return { incidents: 0, responses: 0, incidentEvents: 0, messages: 0, reports: 0 };
        const removed = {
          responses: db.delete(responses).where(inArray(responses.incidentId, ids)).run().changes,
          incidentEvents: db.delete(incidentEvents).where(inArray(incidentEvents.incidentId, ids)).run().changes,
          messages: db.delete(outgoingMessages).where(inArray(outgoingMessages.incidentId, ids)).run().changes,
          reports: db.delete(reports).where(inArray(reports.incidentId, ids)).run().changes,
        };
        db.update(incidents).set({ mergedIntoId: null }).where(inArray(incidents.mergedIntoId, ids)).run();
        return { incidents: db.delete(incidents).where(inArray(incidents.id, ids)).run().changes, ...removed };
      });
    },

    deleteInbound(before: number, limit: number): number {
      const due = lt(inboundMessages.receivedAt, before);
      return inTransaction(db, () =>
        db.delete(inboundMessages).where(inArray(inboundMessages.sid, db.select({ sid: inboundMessages.sid }).from(inboundMessages).where(due).limit(limit))).run().changes,
      );
    },

    deleteOutbox(before: number, limit: number): number {
      const due = lt(outboxMessages.createdAt, before);
      return inTransaction(db, () => db.delete(outboxMessages).where(inArray(outboxMessages.id, db.select({ id: outboxMessages.id }).from(outboxMessages).where(due).limit(limit))).run().changes);
    },

    deleteLoginFailures(before: number, limit: number): number {
      const due = lt(loginFailures.lastAt, before);
      return inTransaction(db, () => db.delete(loginFailures).where(inArray(loginFailures.key, db.select({ key: loginFailures.key }).from(loginFailures).where(due).limit(limit))).run().changes);
    },

    /** Reporters not heard from since `before`, with nothing left pointing at them. Stopped numbers stay for good. */
    deleteReporters(before: number, limit: number): number {
      const due = and(
        lt(contacts.lastSeenAt, before),
        isNull(contacts.stoppedAt),
        notExists(db.select({ id: members.id }).from(members).where(eq(members.contactId, contacts.id))),
        notExists(db.select({ id: reports.id }).from(reports).where(eq(reports.contactId, contacts.id))),
        notExists(db.select({ id: outgoingMessages.id }).from(outgoingMessages).where(eq(outgoingMessages.contactId, contacts.id))),
        notExists(db.select({ id: responses.id }).from(responses).where(eq(responses.contactId, contacts.id))),
        notExists(db.select({ sid: inboundMessages.sid }).from(inboundMessages).where(eq(inboundMessages.contactId, contacts.id))),
      );
      return inTransaction(db, () => db.delete(contacts).where(inArray(contacts.id, db.select({ id: contacts.id }).from(contacts).where(due).limit(limit))).run().changes);
    },

    // ---- copies at the provider (TWILIO_DELETE_AFTER_MINUTES) ----

    /** Reports received before `cutoff` that still point at photos or recordings at the provider. */
    reportsWithMedia(cutoff: number, limit: number): Array<{ id: string; media: string[] }> {
      return db
        .select({ id: reports.id, media: reports.media })
        .from(reports)
        .where(and(lt(reports.receivedAt, cutoff), sql`${reports.media} != '[]'`))
        .limit(limit)
        .all();
    },

    clearMedia(reportId: string): void {
      db.update(reports).set({ media: [] }).where(eq(reports.id, reportId)).run();
    },

    /** Inbound MessageSids/CallSids received before `cutoff` whose provider copy is not deleted yet. */
    inboundAtProvider(cutoff: number, limit: number): string[] {
      return db
        .select({ sid: inboundMessages.sid })
        .from(inboundMessages)
        .where(and(isNull(inboundMessages.providerDeletedAt), lt(inboundMessages.receivedAt, cutoff)))
        .limit(limit)
        .all()
        .map((row) => row.sid);
    },

    markInboundDeleted(sid: string, at: number): void {
      db.update(inboundMessages).set({ providerDeletedAt: at }).where(eq(inboundMessages.sid, sid)).run();
    },

    /**
     * Sent messages whose provider copy can go: final since before `cutoff`, or `sent` with no final status since
     * before `settledBefore` (a message still on its way can't be deleted).
     */
    outgoingAtProvider(cutoff: number, settledBefore: number, limit: number): Array<{ id: string; sid: string | null }> {
      const finalOrSettled: SQL | undefined = or(
        inArray(outgoingMessages.status, ['delivered', 'undelivered', 'failed']),
        and(eq(outgoingMessages.status, 'sent'), lt(outgoingMessages.updatedAt, settledBefore)),
      );
      return db
        .select({ id: outgoingMessages.id, sid: outgoingMessages.providerSid })
        .from(outgoingMessages)
        .where(and(isNull(outgoingMessages.providerDeletedAt), lt(outgoingMessages.updatedAt, cutoff), finalOrSettled))
        .limit(limit)
        .all();
    },

    markOutgoingDeleted(id: string, at: number): void {
      db.update(outgoingMessages).set({ providerDeletedAt: at }).where(eq(outgoingMessages.id, id)).run();
    },
  };
}

export type RetentionRepository = ReturnType<typeof createRetentionRepository>;
