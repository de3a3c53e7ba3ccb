import { and, asc, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import { type IncidentStatus, OPEN_STATUSES, UNCONFIRMED_STATUSES } from '../../domain/types.js';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { incidentEvents, incidents, outgoingMessages, releaseApprovals, responses, users } from '../schema.js';
import { beforeCondition, type Page } from './paging.js';

export type Incident = typeof incidents.$inferSelect;
export type IncidentEvent = typeof incidentEvents.$inferSelect;

export function createIncidentsRepository(db: Db) {
  const byId = db.select().from(incidents).where(eq(incidents.id, sql.placeholder('id'))).prepare();
  // Clustering asks this for every placed report.
  const clusterCandidates = db
    .select()
    .from(incidents)
    .where(
      and(
        inArray(incidents.status, [...OPEN_STATUSES, 'dismissed']),
        isNotNull(incidents.lat),
        isNull(incidents.mergedIntoId),
        // Drills never gather real reports.
        eq(incidents.drill, false),
        gte(incidents.lastReportedAt, sql.placeholder('since')),
      ),
    )
    .prepare();
  return {
    insert(input: Omit<typeof incidents.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>, now: number): Incident {
      return db
        .insert(incidents)
        .values({ id: newId(), createdAt: now, updatedAt: now, ...input })
        .returning()
        .get();
    },

    get(id: string): Incident | undefined {
      return byId.get({ id });
    },

    codeExists(code: string): boolean {
      return db.select({ id: incidents.id }).from(incidents).where(eq(incidents.code, code)).get() !== undefined;
    },

    findByCode(code: string): Incident | undefined {
      return db.select().from(incidents).where(eq(incidents.code, code.toUpperCase())).get();
    },

    update(id: string, patch: Partial<Omit<Incident, 'id'>>, now: number): void {
      db.update(incidents).set({ ...patch, updatedAt: now }).where(eq(incidents.id, id)).run();
    },

    /** Changes the status only if it is still one of `from`; says whether it did (a race-free transition). */
    transition(id: string, from: readonly IncidentStatus[], patch: Partial<Omit<Incident, 'id'>>, now: number): boolean {
      return (
        db
          .update(incidents)
          .set({ ...patch, updatedAt: now })
          .where(and(eq(incidents.id, id), inArray(incidents.status, [...from])))
          .run().changes === 1
      );
    },

    /** Placed incidents, open or dismissed, whose last report is at or after `since`: clustering candidates. */
    clusterCandidates(since: number): Incident[] {
      return clusterCandidates.all({ since });
    },

    /** Confirmed incidents whose alert fan-out has not written its ledger yet, nor given up. */
    confirmedWithoutPlan(): Incident[] {
      return db
        .select()
        .from(incidents)
        .where(and(eq(incidents.status, 'confirmed'), isNull(incidents.alertPlannedAt), isNull(incidents.alertFailedAt), isNotNull(incidents.lat)))
        .all();
    },

    /** The alert fan-out's job gave up after all its attempts: the reconciler stops queuing it. */
    markAlertFailed(id: string, now: number): void {
      db.update(incidents)
        .set({ alertFailedAt: now, updatedAt: now })
        .where(and(eq(incidents.id, id), isNull(incidents.alertPlannedAt)))
        .run();
    },

    /** Unconfirmed incidents whose last report is older than `cutoff`. */
    staleUnconfirmed(cutoff: number): Incident[] {
      return db
        .select()
        .from(incidents)
        .where(and(inArray(incidents.status, [...UNCONFIRMED_STATUSES]), isNull(incidents.mergedIntoId), lt(incidents.lastReportedAt, cutoff)))
        .all();
    },

    list(filter: { status?: IncidentStatus; updatedSince?: number }, page: Page): Incident[] {
      return db
        .select()
        .from(incidents)
        .where(
          and(
            isNull(incidents.mergedIntoId),
            filter.status ? eq(incidents.status, filter.status) : undefined,
            filter.updatedSince === undefined ? undefined : changedSince(filter.updatedSince),
            beforeCondition(page, incidents.id, incidents.createdAt),
          ),
        )
        .orderBy(desc(incidents.id))
        .limit(page.limit)
        .all();
    },

    addEvent(incidentId: string, type: string, at: number, detail?: Record<string, unknown>, actorUserId?: string): void {
      db.insert(incidentEvents)
        .values({ incidentId, type, at, detail: detail ?? null, actorUserId: actorUserId ?? null })
        .run();
    },

    events(incidentId: string): IncidentEvent[] {
      return db.select().from(incidentEvents).where(eq(incidentEvents.incidentId, incidentId)).orderBy(asc(incidentEvents.id)).all();
    },

    /** Records a console user's approval of the alert; says whether it is new (the same person counts once). */
    approveByUser(incidentId: string, userId: string, at: number): boolean {
      return db.insert(releaseApprovals).values({ incidentId, userId, at }).onConflictDoNothing().run().changes === 1;
    },

    /** Who approved the alert, first first: console users with their email, verifiers by contact id. */
    approvals(incidentId: string): Array<{ userId: string | null; email: string | null; contactId: string | null; at: number }> {
      return db
        .select({ userId: releaseApprovals.userId, email: users.email, contactId: releaseApprovals.contactId, at: releaseApprovals.at })
        .from(releaseApprovals)
        .leftJoin(users, eq(releaseApprovals.userId, users.id))
        .where(eq(releaseApprovals.incidentId, incidentId))
        .orderBy(asc(releaseApprovals.id))
        .all();
    },
  };
}
/**
 * Changed after `since`: the row itself (status, place, reports, which all write `updated_at`), its timeline, or
 * its messages' delivery states and responder replies, which change without touching the incident row.
 */
function changedSince(since: number) {
  return or(
    gt(incidents.updatedAt, since),
    inArray(incidents.id, sql`(select ${incidentEvents.incidentId} from ${incidentEvents} where ${incidentEvents.at} > ${since})`),
    inArray(incidents.id, sql`(select ${outgoingMessages.incidentId} from ${outgoingMessages} where ${outgoingMessages.updatedAt} > ${since})`),
    inArray(incidents.id, sql`(select ${responses.incidentId} from ${responses} where ${responses.at} > ${since})`),
  );
}

export type IncidentsRepository = ReturnType<typeof createIncidentsRepository>;
