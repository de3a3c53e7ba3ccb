// Verification requests (who was asked to check an incident, with their check code), the people they escalate to,
// and verifiers' approvals in `release_approvals`.
import { and, asc, eq, inArray, isNotNull, isNull, lte, ne } from 'drizzle-orm';
import type { MemberRole, WeeklyShift } from '../../domain/types.js';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { contacts, incidents, members, releaseApprovals, users, verificationRequests } from '../schema.js';
import { reachableIn } from './committees.js';
import type { Incident } from './incidents.js';

export type VerificationRequest = typeof verificationRequests.$inferSelect;

/** An active member with a number that may be texted, as escalation and SEND need them. */
export interface DutyMember {
  contactId: string;
  committeeId: string;
  role: MemberRole;
  lat: number | null;
  lng: number | null;
  onDuty: boolean;
  shifts: WeeklyShift[] | null;
  locale: string | null;
}

export function createVerificationsRepository(db: Db) {
  return {
    insert(row: Omit<VerificationRequest, 'id' | 'ack' | 'ackAt' | 'verdict' | 'verdictAt'>): VerificationRequest {
      return db
        .insert(verificationRequests)
        .values({ id: newId(), ...row })
        .returning()
        .get();
    },

    /** Check codes are drawn at random; one in use on an open request is not drawn again. */
    checkInUse(checkCode: string): boolean {
      return db.select({ id: verificationRequests.id }).from(verificationRequests).where(eq(verificationRequests.checkCode, checkCode)).limit(1).get() !== undefined;
    },

    /** The request this contact was sent with this check code: a code sent to someone else matches nothing. */
    findForContact(checkCode: string, contactId: string): VerificationRequest | undefined {
      return db
        .select()
        .from(verificationRequests)
        .where(and(eq(verificationRequests.checkCode, checkCode.toUpperCase()), eq(verificationRequests.contactId, contactId)))
        .get();
    },

    /** Whether this contact was ever asked to verify (a stranger's CONFIRM is told there is nothing to verify). */
    askedAny(contactId: string): boolean {
      return db.select({ id: verificationRequests.id }).from(verificationRequests).where(eq(verificationRequests.contactId, contactId)).limit(1).get() !== undefined;
    },

    ofIncident(incidentId: string): Array<VerificationRequest & { phoneMask: string | null }> {
      return db
        .select({ request: verificationRequests, phoneMask: contacts.phoneMask })
        .from(verificationRequests)
        .innerJoin(contacts, eq(verificationRequests.contactId, contacts.id))
        .where(eq(verificationRequests.incidentId, incidentId))
        .orderBy(asc(verificationRequests.round), asc(verificationRequests.askedAt))
        .all()
        .map(({ request, phoneMask }) => ({ ...request, phoneMask }));
    },

    setAck(id: string, ack: 'going' | 'cannot', at: number): void {
      db.update(verificationRequests).set({ ack, ackAt: at }).where(eq(verificationRequests.id, id)).run();
    },

    setVerdict(id: string, verdict: 'confirm' | 'false', at: number): void {
      db.update(verificationRequests).set({ verdict, verdictAt: at }).where(eq(verificationRequests.id, id)).run();
    },

    /** A verifier's approval; says whether it is new (one person counts once). */
    approveByContact(incidentId: string, contactId: string, at: number): boolean {
      return db.insert(releaseApprovals).values({ incidentId, contactId, at }).onConflictDoNothing().run().changes === 1;
    },

    /** Unconfirmed incidents whose next verification step is due. */
    dueSteps(now: number): Incident[] {
      return db
        .select()
        .from(incidents)
        .where(and(inArray(incidents.status, ['new', 'verifying']), isNull(incidents.mergedIntoId), isNotNull(incidents.verifyNextAt), lte(incidents.verifyNextAt, now)))
        .all();
    },

    /** Placed, unconfirmed, not flood, not drill, never sent to verifiers: a start lost to a crash is made up. */
    notStarted(): Incident[] {
      return db
        .select()
        .from(incidents)
        .where(
          and(
            eq(incidents.status, 'new'),
            isNull(incidents.mergedIntoId),
            isNotNull(incidents.lat),
            eq(incidents.flood, false),
            eq(incidents.drill, false),
            eq(incidents.verifyRound, 0),
            isNull(incidents.verifyNextAt),
          ),
        )
        .all();
    },

    /** Active members with these roles in these committees whose numbers may be texted. */
    dutyMembers(committeeIds: string[], roles: MemberRole[]): DutyMember[] {
      if (committeeIds.length === 0) return [];
      return db
        .select({
          contactId: members.contactId,
          committeeId: members.committeeId,
          role: members.role,
          lat: members.lat,
          lng: members.lng,
          onDuty: members.onDuty,
          shifts: members.shifts,
          locale: contacts.locale,
        })
        .from(members)
        .innerJoin(contacts, eq(members.contactId, contacts.id))
        .where(and(reachableIn(committeeIds), inArray(members.role, roles), isNotNull(contacts.phoneEnc)))
        .all();
    },

    /** Console users who can be texted: not disabled, with a phone; `onDutyOnly` leaves out those off duty. */
    usersWithPhone(roles: Array<'admin' | 'dispatcher'>, onDutyOnly: boolean): Array<{ id: string; phoneEnc: string }> {
      return db
        .select({ id: users.id, phoneEnc: users.phoneEnc })
        .from(users)
        .where(and(inArray(users.role, roles), isNull(users.disabledAt), isNotNull(users.phoneEnc), onDutyOnly ? eq(users.onDuty, true) : undefined, ne(users.phoneEnc, '')))
        .all()
        .flatMap((u) => (u.phoneEnc ? [{ id: u.id, phoneEnc: u.phoneEnc }] : []));
    },
  };
}
export type VerificationsRepository = ReturnType<typeof createVerificationsRepository>;
