import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
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
      return db
        .select({
          memberId: members.id,
          committeeId: members.committeeId,
          contactId: members.contactId,
          role: members.role,
          lat: members.lat,
          lng: members.lng,
          locale: contacts.locale,
          onDuty: members.onDuty,
        })
        .from(members)
        .innerJoin(contacts, eq(members.contactId, contacts.id))
        .where(
          and(
            inArray(members.committeeId, committeeIds),
            eq(members.status, 'active'),
            isNull(contacts.stoppedAt),
            isNull(contacts.unreachableAt),
          ),
        )
        .all();
    },
  };
}
export type CommitteesRepository = ReturnType<typeof createCommitteesRepository>;
