import { and, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Location } from '../../domain/types.js';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { reports } from '../schema.js';
import { beforeCondition, type Page } from './paging.js';

export type Report = typeof reports.$inferSelect;
export type NewReport = Omit<typeof reports.$inferInsert, 'id'>;

export function createReportsRepository(db: Db) {
  const awaitingFor = db
    .select()
    .from(reports)
    .where(and(eq(reports.contactId, sql.placeholder('contactId')), gt(reports.awaitingLocationUntil, sql.placeholder('now'))))
    .orderBy(desc(reports.receivedAt))
    .prepare();
  const byId = db.select().from(reports).where(eq(reports.id, sql.placeholder('id'))).prepare();
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
          locationText,
          awaitingLocationUntil: null,
        })
        .where(eq(reports.id, id))
        .run();
    },

    update(id: string, patch: Partial<Omit<Report, 'id'>>): void {
      db.update(reports).set(patch).where(eq(reports.id, id)).run();
    },

    moveToIncident(fromIncidentId: string, toIncidentId: string): void {
      db.update(reports).set({ incidentId: toIncidentId }).where(eq(reports.incidentId, fromIncidentId)).run();
    },

    ofIncident(incidentId: string): Report[] {
      return db.select().from(reports).where(eq(reports.incidentId, incidentId)).orderBy(reports.receivedAt).all();
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

    countsByIncident(incidentIds: string[]): Map<string, { reportCount: number; distinctReporters: number }> {
      const counts = new Map<string, { reportCount: number; distinctReporters: number }>();
      if (incidentIds.length === 0) return counts;
      const rows = db
        .select({
          incidentId: reports.incidentId,
          reportCount: sql<number>`count(*)`,
          distinctReporters: sql<number>`count(distinct ${reports.contactId})`,
        })
        .from(reports)
        .where(sql`${reports.incidentId} in ${incidentIds}`)
        .groupBy(reports.incidentId)
        .all();
      for (const row of rows) if (row.incidentId) counts.set(row.incidentId, row);
      return counts;
    },
  };
}
export type ReportsRepository = ReturnType<typeof createReportsRepository>;
