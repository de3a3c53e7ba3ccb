import { and, asc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Area, MemberRole, MemberStatus, WeeklyShift } from '../../domain/types.js';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { committees, contacts, members } from '../schema.js';

export type Committee = typeof committees.$inferSelect;
export type Member = typeof members.$inferSelect;

/** An active member who can be texted, with what fan-out needs to know. */
export interface Reachable {
  memberId: string;
  committeeId: string;
  contactId: string;
  role: MemberRole;
  lat: number | null;
  lng: number | null;
  locale: string | null;
  onDuty: boolean;
}

const reachableColumns = {
  memberId: members.id,
  committeeId: members.committeeId,
  contactId: members.contactId,
  role: members.role,
  lat: members.lat,
  lng: members.lng,
  locale: contacts.locale,
  onDuty: members.onDuty,
};

/** Active members of these committees whose number can get SMS (to be joined with their contacts). */
export function reachableIn(committeeIds: string[]) {
  return and(inArray(members.committeeId, committeeIds), eq(members.status, 'active'), isNull(contacts.stoppedAt), isNull(contacts.unreachableAt));
}

export function createCommitteesRepository(db: Db) {
  return {
    create(input: { name: string; area: Area; inviteCode: string; autoApprove: boolean }, now: number): Committee {
      const committee: Committee = { id: newId(), createdAt: now, ...input };
      db.insert(committees).values(committee).run();
      return committee;
    },

    list(): Committee[] {
      return db.select().from(committees).orderBy(asc(committees.createdAt)).all();
    },

    get(id: string): Committee | undefined {
      return db.select().from(committees).where(eq(committees.id, id)).get();
    },

    update(id: string, patch: Partial<Pick<Committee, 'name' | 'area' | 'inviteCode' | 'autoApprove'>>): void {
      db.update(committees).set(patch).where(eq(committees.id, id)).run();
    },

    findByInviteCode(code: string): Committee | undefined {
      return db.select().from(committees).where(eq(committees.inviteCode, code.toUpperCase())).get();
    },

    findMember(committeeId: string, contactId: string): Member | undefined {
      return db
        .select()
        .from(members)
        .where(and(eq(members.committeeId, committeeId), eq(members.contactId, contactId)))
        .get();
    },

    getMember(id: string): Member | undefined {
      return db.select().from(members).where(eq(members.id, id)).get();
    },

    addMember(
      input: Pick<Member, 'committeeId' | 'contactId' | 'status' | 'zip' | 'lat' | 'lng' | 'note'> & Partial<Pick<Member, 'role'>>,
      now: number,
    ): Member {
      const member: Member = { id: newId(), role: 'responder', onDuty: true, shifts: null, createdAt: now, updatedAt: now, ...input };
      db.insert(members).values(member).run();
      return member;
    },

    updateMember(
      id: string,
      patch: Partial<{ role: MemberRole; status: MemberStatus; zip: string | null; lat: number | null; lng: number | null; note: string | null; onDuty: boolean; shifts: WeeklyShift[] | null }>,
      now: number,
    ): void {
      db.update(members).set({ ...patch, updatedAt: now }).where(eq(members.id, id)).run();
    },

    setDuty(contactId: string, onDuty: boolean, now: number): number {
      return db
        .update(members)
        .set({ onDuty, updatedAt: now })
        .where(and(eq(members.contactId, contactId), inArray(members.role, ['verifier', 'coordinator']), eq(members.status, 'active')))
        .run().changes;
    },

    membersOf(committeeId: string) {
      return db
        .select({ member: members, contact: { phoneMask: contacts.phoneMask, locale: contacts.locale, stoppedAt: contacts.stoppedAt, unreachableAt: contacts.unreachableAt } })
        .from(members)
        .innerJoin(contacts, eq(members.contactId, contacts.id))
        .where(eq(members.committeeId, committeeId))
        .orderBy(asc(members.createdAt))
        .all();
    },

    /** Active members of these committees whose numbers may be texted (not stopped, not unreachable). */
    reachableMembers(committeeIds: string[]): Reachable[] {
      if (committeeIds.length === 0) return [];
      return db.select(reachableColumns).from(members).innerJoin(contacts, eq(members.contactId, contacts.id)).where(reachableIn(committeeIds)).all();
    },

    /**
     * The same members, `limit` rows at a time in storage order after `afterRow` (0 to start): a fan-out reads
     * them in pages, and the first alerts go out between the pages. `lastRow` is where the next page starts.
     */
    reachableMembersPage(committeeIds: string[], afterRow: number, limit: number): { members: Reachable[]; lastRow: number } {
      if (committeeIds.length === 0) return { members: [], lastRow: afterRow };
      const rows = db
        .select({ ...reachableColumns, row: sql<number>`${members}.rowid` })
        .from(members)
        .innerJoin(contacts, eq(members.contactId, contacts.id))
        .where(and(reachableIn(committeeIds), sql`${members}.rowid > ${afterRow}`))
        .orderBy(sql`${members}.rowid`)
        .limit(limit)
        .all();
      return { members: rows.map(({ row: _, ...member }) => member), lastRow: rows.at(-1)?.row ?? afterRow };
    },

    /**
     * About the `limit` reachable member rows nearest a point (a person in two committees may come twice), without
     * reading the others: what a fan-out writes first. Ordered by a flat-earth distance, close enough over a city;
     * members with no known place are not among them.
     */
    nearestReachable(committeeIds: string[], origin: { lat: number; lng: number }, limit: number): Reachable[] {
      if (committeeIds.length === 0) return [];
      // Degrees of longitude shrink with latitude: scaled so that both axes are in the same units.
      const lngScale = Math.cos((origin.lat * Math.PI) / 180) ** 2;
      const nearest = db
        .select({ id: members.id })
        .from(members)
        .where(and(inArray(members.committeeId, committeeIds), eq(members.status, 'active'), isNotNull(members.lat), isNotNull(members.lng)))
        .orderBy(sql`(${members.lat} - ${origin.lat}) * (${members.lat} - ${origin.lat}) + (${members.lng} - ${origin.lng}) * (${members.lng} - ${origin.lng}) * ${lngScale}`)
        .limit(limit)
        .as('nearest');
      // Only the nearest rows are joined to their contacts: the join, not the sort, is the dear part of a full read.
      return db
        .select(reachableColumns)
        .from(nearest)
        .innerJoin(members, eq(members.id, nearest.id))
        .innerJoin(contacts, eq(members.contactId, contacts.id))
        .where(and(isNull(contacts.stoppedAt), isNull(contacts.unreachableAt)))
        .all();
    },
  };
}
export type CommitteesRepository = ReturnType<typeof createCommitteesRepository>;
