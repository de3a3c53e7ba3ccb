// Roll call and drill opt-outs: who answered an alert, who arrived, who was alerted and said nothing, and which
// numbers want no drill messages.
import { and, desc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { contacts, incidents, outgoingMessages, responses } from '../schema.js';
import { HANDED_OVER } from './messages.js';

export interface RollCallTally {
  going: number;
  cannot: number;
  noReply: number;
  onScene: number;
  /** The first `ON SCENE` of this incident, or null. */
  firstArrivalAt: number | null;
}

export interface OpenAlert {
  incidentId: string;
  code: string;
  sentAt: number | null;
}

export function createRollCallRepository(db: Db) {
  return {
    /**
     * Incidents still open (confirmed, not merged away) whose alert was handed over to this contact, newest alert
     * first: a reply without a code can only mean one of these.
     */
    openAlertsTo(contactId: string): OpenAlert[] {
      return db
        .select({ incidentId: incidents.id, code: incidents.code, sentAt: outgoingMessages.sentAt })
        .from(outgoingMessages)
        .innerJoin(incidents, eq(outgoingMessages.incidentId, incidents.id))
        .where(
          and(
            eq(outgoingMessages.contactId, contactId),
            eq(outgoingMessages.kind, 'alert'),
            inArray(outgoingMessages.status, [...HANDED_OVER]),
            eq(incidents.status, 'confirmed'),
            isNull(incidents.mergedIntoId),
          ),
        )
        .orderBy(desc(outgoingMessages.sentAt))
        .all();
    },

    /** `ON SCENE`: arriving means going; the first arrival time of a person is kept. */
    recordArrival(incidentId: string, contactId: string, at: number): void {
      db.insert(responses)
        .values({ id: newId(), incidentId, contactId, answer: 'going', at, arrivedAt: at })
        .onConflictDoUpdate({
          target: [responses.incidentId, responses.contactId],
          set: { answer: 'going', at, arrivedAt: sql`coalesce(${responses.arrivedAt}, ${at})` },
        })
        .run();
    },

    tally(incidentId: string): RollCallTally {
      const answers = db
        .select({
          going: sql<number>`coalesce(sum(${responses.answer} = 'going'), 0)`,
          cannot: sql<number>`coalesce(sum(${responses.answer} = 'cannot'), 0)`,
          onScene: sql<number>`count(${responses.arrivedAt})`,
          firstArrivalAt: sql<number | null>`min(${responses.arrivedAt})`,
        })
        .from(responses)
        .where(eq(responses.incidentId, incidentId))
        .get();
      const silent = db
        .select({ n: sql<number>`count(distinct ${outgoingMessages.contactId})` })
        .from(outgoingMessages)
        .where(
          and(
            eq(outgoingMessages.incidentId, incidentId),
            eq(outgoingMessages.kind, 'alert'),
            inArray(outgoingMessages.status, [...HANDED_OVER]),
            sql`${outgoingMessages.contactId} not in (select ${responses.contactId} from ${responses} where ${responses.incidentId} = ${incidentId})`,
          ),
        )
        .get();
      return {
        going: answers?.going ?? 0,
        cannot: answers?.cannot ?? 0,
        noReply: silent?.n ?? 0,
        onScene: answers?.onScene ?? 0,
        firstArrivalAt: answers?.firstArrivalAt ?? null,
      };
    },

    setDrillsOff(contactId: string, off: boolean): void {
      db.update(contacts).set({ drillsOff: off }).where(eq(contacts.id, contactId)).run();
    },

    /** Which of these contacts opted out of drills. */
    drillsOffAmong(contactIds: readonly string[]): Set<string> {
      const off = new Set<string>();
      // Chunked: SQLite limits the number of bound parameters in one statement.
      for (let i = 0; i < contactIds.length; i += 500) {
        const chunk = contactIds.slice(i, i + 500);
        const rows = db
          .select({ id: contacts.id })
          .from(contacts)
          .where(and(inArray(contacts.id, chunk), eq(contacts.drillsOff, true)))
          .all();
        for (const row of rows) off.add(row.id);
      }
      return off;
    },

    /** Whether this contact said `ON SCENE` for this incident. */
    arrived(incidentId: string, contactId: string): boolean {
      return (
        db
          .select({ id: responses.id })
          .from(responses)
          .where(and(eq(responses.incidentId, incidentId), eq(responses.contactId, contactId), isNotNull(responses.arrivedAt)))
          .get() !== undefined
      );
    },
  };
}
export type RollCallRepository = ReturnType<typeof createRollCallRepository>;
