// What retention deletes, in small batches: each call is one short write transaction, so webhooks (in this
// process or another) never wait behind a whole purge (or the 24-hour wipe) for the write lock.
import { and, eq, gt, inArray, isNotNull, isNull, lt, notExists, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { OPEN_STATUSES } from '../../domain/types.js';
import { type Db, inTransaction } from '../client.js';
import {
  contacts,
  inboundMessages,
  incidentEvents,
  incidents,
  loginFailures,
  media,
  members,
  outboxMessages,
  outgoingMessages,
  releaseApprovals,
  reports,
  responses,
} from '../schema.js';

/**
 * What a kept contact's timestamps older than the wipe's cutoff become: one constant for everyone, so that no kept
 * contact (a member, a stopped number) can be matched to a report by time. Truthy, like any real time.
 */
export const LONG_AGO = 1;

/** What the line sends a reporter in the conversation about their report (not alerts to members). */
const REPORTER_CONVERSATION = ['location_question', 'location_question_examples', 'reply'];

export function createRetentionRepository(db: Db) {
  /** Contacts of pending or active members: their numbers are kept, and their reports linked while needed. */
  const currentMembers = () => db.select({ id: members.contactId }).from(members).where(inArray(members.status, ['pending', 'active']));
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

    /** Photos and recordings of the reports deleteReports removes next (those of old incidents go with them). */
    deleteMedia(before: number, limit: number): number {
      const dueReports = db
        .select({ id: reports.id })
        .from(reports)
        .where(or(inArray(reports.incidentId, oldIncidents(before)), and(isNull(reports.incidentId), lt(reports.receivedAt, before))));
      return inTransaction(db, () => db.delete(media).where(inArray(media.id, db.select({ id: media.id }).from(media).where(inArray(media.reportId, dueReports)).limit(limit))).run().changes);
    },

    deleteReports(before: number, limit: number): number {
      const due = or(inArray(reports.incidentId, oldIncidents(before)), and(isNull(reports.incidentId), lt(reports.receivedAt, before)));
      return inTransaction(db, () => db.delete(reports).where(inArray(reports.id, db.select({ id: reports.id }).from(reports).where(due).limit(limit))).run().changes);
    },

    /**
     * Deletes old incidents, with anything still attached to them (rows added since their own batches ran), and
     * unlinks incidents that were merged into them. Returns every row it removed, by the purge's names.
     */
    deleteIncidents(before: number, limit: number): Record<'incidents' | 'responses' | 'incidentEvents' | 'messages' | 'media' | 'reports', number> {
      return inTransaction(db, () => {
        const ids = oldIncidents(before).limit(limit).all().map((row) => row.id);
        if (ids.length === 0) return { incidents: 0, responses: 0, incidentEvents: 0, messages: 0, media: 0, reports: 0 };
        db.delete(releaseApprovals).where(inArray(releaseApprovals.incidentId, ids)).run();
        const removed = {
          responses: db.delete(responses).where(inArray(responses.incidentId, ids)).run().changes,
          incidentEvents: db.delete(incidentEvents).where(inArray(incidentEvents.incidentId, ids)).run().changes,
          messages: db.delete(outgoingMessages).where(inArray(outgoingMessages.incidentId, ids)).run().changes,
          media: db.delete(media).where(inArray(media.reportId, db.select({ id: reports.id }).from(reports).where(inArray(reports.incidentId, ids)))).run().changes,
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

    // ---- the 24-hour wipe: after it nothing stored ties a report older than `cutoff` to its sender ----

    /**
     * Unlinks reports received before `cutoff` from their senders. A pending or active member's report stays linked
     * while its incident is open, so that its alert (confirmed or moved later) skips them; a member's identity is
     * known to the network anyway. It is unlinked by the first wipe after the incident closes.
     */
    unlinkReports(cutoff: number, limit: number): number {
      const openIncidents = db.select({ id: incidents.id }).from(incidents).where(and(inArray(incidents.status, [...OPEN_STATUSES]), isNull(incidents.mergedIntoId)));
      const notKept = or(isNull(reports.incidentId), notInArray(reports.incidentId, openIncidents), notInArray(reports.contactId, currentMembers()));
      const due = and(isNotNull(reports.contactId), lt(reports.receivedAt, cutoff), notKept);
      return inTransaction(db, () =>
        db.update(reports).set({ contactId: null }).where(inArray(reports.id, db.select({ id: reports.id }).from(reports).where(due).limit(limit))).run().changes,
      );
    },

    unlinkInbound(cutoff: number, limit: number): number {
      const due = and(isNotNull(inboundMessages.contactId), lt(inboundMessages.receivedAt, cutoff));
      return inTransaction(db, () =>
        db
          .update(inboundMessages)
          .set({ contactId: null })
          .where(inArray(inboundMessages.sid, db.select({ sid: inboundMessages.sid }).from(inboundMessages).where(due).limit(limit)))
          .run().changes,
      );
    },

    /** The "where is this?" question and replies: their dedupe keys carry the report's or the message's id. */
    deleteReporterConversation(cutoff: number, limit: number): number {
      const due = and(isNull(outgoingMessages.incidentId), inArray(outgoingMessages.kind, REPORTER_CONVERSATION), lt(outgoingMessages.createdAt, cutoff));
      return inTransaction(db, () =>
        db.delete(outgoingMessages).where(inArray(outgoingMessages.id, db.select({ id: outgoingMessages.id }).from(outgoingMessages).where(due).limit(limit))).run().changes,
      );
    },

    /** The development outbox's copies of messages to anyone but members. */
    deleteOutboxOfNonMembers(cutoff: number, limit: number): number {
      const memberHashes = db.select({ hash: contacts.phoneHash }).from(contacts).innerJoin(members, eq(members.contactId, contacts.id));
      const due = and(lt(outboxMessages.createdAt, cutoff), notInArray(outboxMessages.toHash, memberHashes));
      return inTransaction(db, () => db.delete(outboxMessages).where(inArray(outboxMessages.id, db.select({ id: outboxMessages.id }).from(outboxMessages).where(due).limit(limit))).run().changes);
    },

    /** Wipes the ciphertext of anyone quiet since `cutoff` who is not a pending or active member. */
    wipeCiphertexts(cutoff: number, limit: number): number {
      const due = and(isNotNull(contacts.phoneEnc), lt(contacts.lastSeenAt, cutoff), notInArray(contacts.id, currentMembers()));
      return inTransaction(db, () =>
        db.update(contacts).set({ phoneEnc: null, phoneMask: null }).where(inArray(contacts.id, db.select({ id: contacts.id }).from(contacts).where(due).limit(limit))).run().changes,
      );
    },

    /** Deletes numbers quiet since `cutoff` that are neither members nor stopped, once nothing points at them. */
    deleteQuietContacts(cutoff: number, limit: number): number {
      // Non-correlated NOT IN: each list is built once per batch, however many contacts are quiet (and has no NULL).
      const due = and(
        lt(contacts.lastSeenAt, cutoff),
        isNull(contacts.stoppedAt),
        notInArray(contacts.id, db.select({ id: members.contactId }).from(members)),
        notInArray(contacts.id, db.select({ id: reports.contactId }).from(reports).where(isNotNull(reports.contactId))),
        notInArray(contacts.id, db.select({ id: inboundMessages.contactId }).from(inboundMessages).where(isNotNull(inboundMessages.contactId))),
        notInArray(contacts.id, db.select({ id: outgoingMessages.contactId }).from(outgoingMessages)),
        notInArray(contacts.id, db.select({ id: responses.contactId }).from(responses)),
      );
      return inTransaction(db, () => db.delete(contacts).where(inArray(contacts.id, db.select({ id: contacts.id }).from(contacts).where(due).limit(limit))).run().changes);
    },

    /** Sets kept contacts' timestamps older than `cutoff` to LONG_AGO. */
    blurContactTimes(cutoff: number, limit: number): number {
      type Time = typeof contacts.firstSeenAt | typeof contacts.lastSeenAt | typeof contacts.stoppedAt | typeof contacts.unreachableAt;
      const coarse = (column: Time) => sql<number>`case when ${column} < ${cutoff} then ${LONG_AGO} else ${column} end`;
      const old = (column: Time) => and(lt(column, cutoff), gt(column, LONG_AGO));
      const due = or(old(contacts.firstSeenAt), old(contacts.lastSeenAt), old(contacts.stoppedAt), old(contacts.unreachableAt));
      return inTransaction(db, () =>
        db
          .update(contacts)
          .set({
            firstSeenAt: coarse(contacts.firstSeenAt),
            lastSeenAt: coarse(contacts.lastSeenAt),
            stoppedAt: coarse(contacts.stoppedAt),
            unreachableAt: coarse(contacts.unreachableAt),
          })
          .where(inArray(contacts.id, db.select({ id: contacts.id }).from(contacts).where(due).limit(limit)))
          .run().changes,
      );
    },

    // ---- copies at the provider (TWILIO_DELETE_AFTER_MINUTES) ----

    /**
     * Reports received before `cutoff` that still point at photos or recordings at the provider, once every one of
     * them has been fetched (or refused): deleting them at the provider must never lose the only copy. Not while a
     * transcript of the recording is awaited.
     */
    reportsWithMedia(cutoff: number, limit: number): Array<{ id: string; media: string[] }> {
      return db
        .select({ id: reports.id, media: reports.media })
        .from(reports)
        .where(
          and(
            lt(reports.receivedAt, cutoff),
            sql`${reports.media} != '[]'`,
            sql`json_array_length(${reports.media}) <= (select count(*) from ${media} where ${media.reportId} = ${reports.id})`,
            // Twilio transcribes the recording it holds: it stays until the transcript came or the wait is over.
            sql`${reports.transcript} is not 'pending'`,
          ),
        )
        .limit(limit)
        .all();
    },

    clearMedia(reportId: string): void {
      db.update(reports).set({ media: [] }).where(eq(reports.id, reportId)).run();
    },

    /**
     * Inbound MessageSids/CallSids received before `cutoff` whose provider copy is not deleted yet. None while a
     * photo or recording received before them is still to be fetched: a message's media may go with it at Twilio.
     */
    inboundAtProvider(cutoff: number, limit: number): string[] {
      const mediaPending = db
        .select({ id: reports.id })
        .from(reports)
        .where(
          and(
            lt(reports.receivedAt, cutoff),
            sql`${reports.media} != '[]'`,
            sql`(case when json_valid(${reports.media}) then json_array_length(${reports.media}) else 0 end) > (select count(*) from ${media} where ${media.reportId} = ${reports.id})`,
            sql`${reports.receivedAt} <= ${inboundMessages.receivedAt}`,
          ),
        );
      return db
        .select({ sid: inboundMessages.sid })
        .from(inboundMessages)
        .where(and(isNull(inboundMessages.providerDeletedAt), lt(inboundMessages.receivedAt, cutoff), notExists(mediaPending)))
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
