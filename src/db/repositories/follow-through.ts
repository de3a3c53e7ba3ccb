// What following an alert through reads and moves: who got an alert (across merged incidents), who replied, which
// verifiers were asked, which reporters can still be thanked; and the moves of a merge or a split.
import { and, eq, gte, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { HANDED_OVER } from './messages.js';
import { contacts, incidents, outgoingMessages, releaseApprovals, reports, responses, verificationRequests } from '../schema.js';

export function createFollowThroughRepository(db: Db) {
  return {
    /**
     * The incident and every incident merged into it, directly or through a chain: the ledger rows of a merged
     * incident keep its own id, so its audience is found through this.
     */
    family(incidentId: string): string[] {
      const ids = [incidentId];
      for (let i = 0; i < ids.length; i++) {
        const parent = ids[i] ?? '';
        const merged = db.select({ id: incidents.id }).from(incidents).where(eq(incidents.mergedIntoId, parent)).all();
        for (const { id } of merged) if (!ids.includes(id)) ids.push(id);
      }
      return ids;
    },

    /** Contacts a message of `kind` was handed to the provider for, for any of these incidents. */
    handedOver(incidentIds: string[], kind: string): string[] {
      if (incidentIds.length === 0) return [];
      return db
        .selectDistinct({ contactId: outgoingMessages.contactId })
        .from(outgoingMessages)
        .where(and(inArray(outgoingMessages.incidentId, incidentIds), eq(outgoingMessages.kind, kind), inArray(outgoingMessages.status, [...HANDED_OVER])))
        .all()
        .map((row) => row.contactId);
    },

    /** Contacts with a ledger row of `kind` (in any state) for any of these incidents. */
    planned(incidentIds: string[], kind: string): Set<string> {
      if (incidentIds.length === 0) return new Set();
      const rows = db
        .selectDistinct({ contactId: outgoingMessages.contactId })
        .from(outgoingMessages)
        .where(and(inArray(outgoingMessages.incidentId, incidentIds), eq(outgoingMessages.kind, kind)))
        .all();
      return new Set(rows.map((row) => row.contactId));
    },

    /** Contacts who answered the roll call of this incident (going, can't or on scene). */
    replied(incidentId: string): Set<string> {
      return new Set(db.select({ contactId: responses.contactId }).from(responses).where(eq(responses.incidentId, incidentId)).all().map((r) => r.contactId));
    },

    /** Every verifier asked to check this incident, in any round. */
    verifiersAsked(incidentId: string): string[] {
      return db
        .selectDistinct({ contactId: verificationRequests.contactId })
        .from(verificationRequests)
        .where(eq(verificationRequests.incidentId, incidentId))
        .all()
        .map((row) => row.contactId);
    },

    /**
     * Reporters of this incident whose number is still held: the report is still linked to its sender, received
     * after `since` (the 24-hour window), and the number's ciphertext was not wiped nor stopped.
     */
    reportersStillHeld(incidentId: string, since: number): string[] {
      return db
        .selectDistinct({ contactId: contacts.id })
        .from(reports)
        .innerJoin(contacts, eq(reports.contactId, contacts.id))
        .where(and(eq(reports.incidentId, incidentId), gte(reports.receivedAt, since), isNotNull(contacts.phoneEnc), isNull(contacts.stoppedAt)))
        .all()
        .map((row) => row.contactId);
    },

    /** Moves approvals; a person who approved both counts once (their earlier row in `into` stays). */
    moveApprovals(fromId: string, intoId: string): void {
      db.run(sql`update or ignore ${releaseApprovals} set incident_id = ${intoId} where incident_id = ${fromId}`);
      db.delete(releaseApprovals).where(eq(releaseApprovals.incidentId, fromId)).run();
    },

    /** Moves roll-call answers; for someone who answered both, the latest answer counts (and the earliest arrival). */
    moveResponses(fromId: string, intoId: string): void {
      db.run(sql`
        update ${responses} set
          answer = (select f.answer from ${responses} f where f.incident_id = ${fromId} and f.contact_id = ${responses}.contact_id),
          at = (select f.at from ${responses} f where f.incident_id = ${fromId} and f.contact_id = ${responses}.contact_id)
        where incident_id = ${intoId}
          and at < (select f.at from ${responses} f where f.incident_id = ${fromId} and f.contact_id = ${responses}.contact_id)`);
      db.run(sql`
        update ${responses} set arrived_at = (select f.arrived_at from ${responses} f where f.incident_id = ${fromId} and f.contact_id = ${responses}.contact_id)
        where incident_id = ${intoId} and exists (
          select 1 from ${responses} f where f.incident_id = ${fromId} and f.contact_id = ${responses}.contact_id
            and f.arrived_at is not null and (${responses}.arrived_at is null or f.arrived_at < ${responses}.arrived_at))`);
      db.run(sql`update or ignore ${responses} set incident_id = ${intoId} where incident_id = ${fromId}`);
      db.delete(responses).where(eq(responses.incidentId, fromId)).run();
    },
  };
}
export type FollowThroughRepository = ReturnType<typeof createFollowThroughRepository>;
