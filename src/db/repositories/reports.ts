import { and, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import { CORROBORATING_PRECISIONS, type CorroboratingReport } from '../../domain/corroboration.js';
import type { Location } from '../../domain/types.js';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { byIdList } from '../prepared-lists.js';
import { reports, waitingTranscripts } from '../schema.js';
import { beforeCondition, type Page } from './paging.js';

export type Report = typeof reports.$inferSelect;
export type NewReport = Omit<typeof reports.$inferInsert, 'id'>;
export type WaitingTranscript = typeof waitingTranscripts.$inferSelect;

export function createReportsRepository(db: Db) {
  const awaitingFor = db
    .select()
    .from(reports)
    .where(and(eq(reports.contactId, sql.placeholder('contactId')), gt(reports.awaitingLocationUntil, sql.placeholder('now'))))
    .orderBy(desc(reports.receivedAt))
    .prepare();
  const byId = db.select().from(reports).where(eq(reports.id, sql.placeholder('id'))).prepare();
  const corroboratingOf = db
    .select({ reporter: reports.reporterToken, flood: reports.flood, lat: reports.lat, lng: reports.lng, precision: reports.precision, receivedAt: reports.receivedAt })
    .from(reports)
    .where(
      and(
        eq(reports.incidentId, sql.placeholder('incidentId')),
        eq(reports.flood, false),
        isNotNull(reports.reporterToken),
        isNotNull(reports.lat),
        isNotNull(reports.lng),
        inArray(reports.precision, [...CORROBORATING_PRECISIONS]),
      ),
    )
    .prepare();
  // The flood mark is kept for every report an incident gathers.
  const countsOf = byIdList((ids) => {
    // Reports from before reporter tokens fall back to their contact, then to themselves.
    const reporter = sql`coalesce(${reports.reporterToken}, ${reports.contactId}, ${reports.id})`;
    return db
      .select({
        incidentId: reports.incidentId,
        reportCount: sql<number>`count(*)`,
        distinctReporters: sql<number>`count(distinct ${reporter})`,
        floodReporters: sql<number>`count(distinct case when ${reports.flood} then ${reporter} end)`,
      })
      .from(reports)
      .where(inArray(reports.incidentId, ids))
      .groupBy(reports.incidentId)
      .prepare();
  });
  return {
    insert(input: NewReport): Report {
      return db.insert(reports).values({ id: newId(), ...input }).returning().get();
    },

    get(id: string): Report | undefined {
      return byId.get({ id });
    },

    /** The report of this contact whose location is still awaited, if the window is open. */
    awaitingLocation(contactId: string, now: number): Report | undefined {
      return awaitingFor.get({ contactId, now });
    },

    setLocation(id: string, location: Location | null, locationText: string | null): void {
      db.update(reports)
        .set({
          lat: location?.lat ?? null,
          lng: location?.lng ?? null,
          label: location?.label ?? null,
          precision: location?.precision ?? null,
          zip: location?.zip ?? null,
          locationSource: location?.source ?? null,
          locationWords: location?.words ?? null,
          locationText,
          awaitingLocationUntil: null,
        })
        .where(eq(reports.id, id))
        .run();
    },

    update(id: string, patch: Partial<Omit<Report, 'id'>>): void {
      db.update(reports).set(patch).where(eq(reports.id, id)).run();
    },

    /**
     * Moves every report of one incident into another. A reporter (still known by contact) who is in both keeps one
     * token: their earliest in the merged incident.
     */
    moveToIncident(fromIncidentId: string, toIncidentId: string): void {
      db.update(reports).set({ incidentId: toIncidentId }).where(eq(reports.incidentId, fromIncidentId)).run();
      db.run(sql`
        update ${reports} set reporter_token = (
          select same.reporter_token from ${reports} same
          where same.incident_id = ${toIncidentId} and same.contact_id = ${reports}.contact_id and same.reporter_token is not null
          order by same.received_at limit 1)
        where incident_id = ${toIncidentId} and contact_id is not null and reporter_token is not null`);
    },

    /** The token this contact's reports already carry in that incident, if any. */
    reporterTokenOf(incidentId: string, contactId: string): string | undefined {
      return db
        .select({ token: reports.reporterToken })
        .from(reports)
        .where(and(eq(reports.incidentId, incidentId), eq(reports.contactId, contactId), isNotNull(reports.reporterToken)))
        .orderBy(reports.receivedAt)
        .limit(1)
        .get()?.token ?? undefined;
    },

    /**
     * What corroboration reads of an incident's reports, only those that can count (not flood, a reporter, a
     * precise place): it runs for every report an incident gathers, and a busy incident has hundreds.
     */
    corroborating(incidentId: string): CorroboratingReport[] {
      return corroboratingOf.all({ incidentId });
    },

    ofIncident(incidentId: string): Report[] {
      return db.select().from(reports).where(eq(reports.incidentId, incidentId)).orderBy(reports.receivedAt).all();
    },

    /** This contact's latest report still without a place, received since `since`: a later ZIP or place places it. */
    latestUnplacedOf(contactId: string, since: number): Report | undefined {
      return db
        .select()
        .from(reports)
        .where(and(eq(reports.contactId, contactId), isNull(reports.lat), gte(reports.receivedAt, since)))
        .orderBy(desc(reports.receivedAt))
        .get();
    },

    /** Its job gave up after every attempt: `failed`, so the reconciler stops queuing it (a processed one stays). */
    markFailed(id: string): boolean {
      return db.update(reports).set({ status: 'failed' }).where(and(eq(reports.id, id), eq(reports.status, 'received'))).run().changes === 1;
    },

    /** Reports no worker has finished, received before `cutoff`: the reconciler queues them again. */
    unprocessed(cutoff: number, limit = 1000): Report[] {
      return db
        .select()
        .from(reports)
        .where(and(eq(reports.status, 'received'), lt(reports.receivedAt, cutoff)))
        .limit(limit)
        .all();
    },

    list(filter: { since?: number; unplaced?: boolean }, page: Page): Report[] {
      return db
        .select()
        .from(reports)
        .where(
          and(
            filter.since !== undefined ? gt(reports.receivedAt, filter.since) : undefined,
            filter.unplaced ? isNull(reports.lat) : undefined,
            beforeCondition(page, reports.id, reports.receivedAt),
          ),
        )
        .orderBy(desc(reports.id))
        .limit(page.limit)
        .all();
    },

    /** Voice reports still awaiting a transcript, received before `before`: past the wait, none will come. */
    transcriptsOverdue(before: number, limit: number): Report[] {
      return db
        .select()
        .from(reports)
        .where(and(eq(reports.transcript, 'pending'), lt(reports.receivedAt, before)))
        .limit(limit)
        .all();
    },

    /** Sets a pending transcript to `none`; false when it was no longer pending (the transcript came first). */
    giveUpTranscript(id: string): boolean {
      return db.update(reports).set({ transcript: 'none' }).where(and(eq(reports.id, id), eq(reports.transcript, 'pending'))).run().changes === 1;
    },

    /** Keeps a transcript that came before its call's report; the first one kept for a call stays. */
    keepWaitingTranscript(row: WaitingTranscript): void {
      db.insert(waitingTranscripts).values(row).onConflictDoNothing().run();
    },

    /** The transcript kept for this call, removed as it is taken. */
    takeWaitingTranscript(callSid: string): WaitingTranscript | undefined {
      return db.delete(waitingTranscripts).where(eq(waitingTranscripts.callSid, callSid)).returning().get();
    },

    /** Drops transcripts kept since before `before` whose call never became a report. */
    dropWaitingTranscripts(before: number): number {
      return db.delete(waitingTranscripts).where(lt(waitingTranscripts.receivedAt, before)).run().changes;
    },

    /**
     * Reporters are told apart by their per-incident token (which outlives the 24-hour unlinking of contacts); a
     * flood reporter is one with a report marked `flood` in the incident.
     */
    countsByIncident(incidentIds: string[]): Map<string, ReporterCounts> {
      const counts = new Map<string, ReporterCounts>();
      for (const row of countsOf(incidentIds)) if (row.incidentId) counts.set(row.incidentId, row);
      return counts;
    },
  };
}
export type ReportsRepository = ReturnType<typeof createReportsRepository>;
export type ReporterCounts = { reportCount: number; distinctReporters: number; floodReporters: number };
