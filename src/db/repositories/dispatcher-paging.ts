// Paging dispatchers by SMS: which incidents are due a page or a stale reminder, who is on duty with a phone, and
// the once-only marks (a compare-and-set, so several workers never page twice).
import { and, eq, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import { UNCONFIRMED_STATUSES } from '../../domain/types.js';
import type { Db } from '../client.js';
import { incidents, users } from '../schema.js';
import type { Incident } from './incidents.js';
import type { User } from './users.js';

export function createDispatcherPagingRepository(db: Db) {
  // Asked for every processed report (its incident's page is scheduled while nobody opened it).
  const unopenedById = db
    .select()
    .from(incidents)
    .where(and(unopenedAndUnpaged(), eq(incidents.id, sql.placeholder('id'))))
    .prepare();
  return {
    /**
     * Open unconfirmed incidents created at or before `cutoff` that no console user opened and nobody was paged
     * about. Flood incidents too (paged together, once per flood window); never drills, which a dispatcher started.
     */
    unopened(cutoff: number): Incident[] {
      return db
        .select()
        .from(incidents)
        .where(and(unopenedAndUnpaged(), lte(incidents.createdAt, cutoff)))
        .all();
    },

    /** The incident, if it is still one nobody opened nor paged about (whatever its age). */
    unopenedOne(id: string): Incident | undefined {
      return unopenedById.get({ id });
    },

    /** Confirmed incidents confirmed at or before `cutoff` and not yet reminded about. */
    staleConfirmed(cutoff: number): Incident[] {
      return db
        .select()
        .from(incidents)
        .where(
          and(
            eq(incidents.status, 'confirmed'),
            isNull(incidents.staleRemindedAt),
            isNull(incidents.mergedIntoId),
            eq(incidents.drill, false),
            lte(incidents.confirmedAt, cutoff),
          ),
        )
        .all();
    },

    /** Sets `pagedAt` or `staleRemindedAt` once; false when it was set already (another worker won). */
    mark(id: string, field: 'pagedAt' | 'staleRemindedAt', now: number): boolean {
      const column = field === 'pagedAt' ? incidents.pagedAt : incidents.staleRemindedAt;
      return db.update(incidents).set({ [field]: now }).where(and(eq(incidents.id, id), isNull(column))).run().changes === 1;
    },

    /** The first time a console user opens the incident; later openings change nothing. */
    markOpened(id: string, now: number): void {
      db.update(incidents).set({ firstOpenedAt: now }).where(and(eq(incidents.id, id), isNull(incidents.firstOpenedAt))).run();
    },

    /** Console users who are paged: on duty, with a phone number, not disabled (dispatchers and admins alike). */
    onDutyWithPhone(): User[] {
      return db
        .select()
        .from(users)
        .where(and(eq(users.onDuty, true), isNotNull(users.phoneEnc), isNull(users.disabledAt)))
        .all();
    },

    setOnDuty(userId: string, onDuty: boolean): void {
      db.update(users).set({ onDuty }).where(eq(users.id, userId)).run();
    },
  };
}
function unopenedAndUnpaged() {
  return and(
    inArray(incidents.status, [...UNCONFIRMED_STATUSES]),
    isNull(incidents.firstOpenedAt),
    isNull(incidents.pagedAt),
    isNull(incidents.mergedIntoId),
    eq(incidents.drill, false),
  );
}

export type DispatcherPagingRepository = ReturnType<typeof createDispatcherPagingRepository>;
