// Membership by SMS: coordinators hear of each pending JOIN, and answer `APPROVE 1234` / `DENY 1234` with the last
// four digits of the number. Synchronous: runs inside the inbound text's transaction; the ledger rows it writes are
// queued by the caller once that transaction has committed. A console user's approval sends the same welcome.
import { inTransaction } from '../db/client.js';
import type { Committee, Member } from '../db/repositories/committees.js';
import type { Contact } from '../db/repositories/contacts.js';
import type { Deps } from '../deps.js';
import { maskPhoneNumbers } from '../domain/mask-numbers.js';
import { fitSms } from '../domain/sms-fit.js';
import { isLocale, type Locale } from '../domain/types.js';
import { type MessageKey, t } from '../i18n/index.js';

type MembershipCtx = Pick<Deps, 'repos' | 'config'> & { now: number };

export interface MembershipAnswer {
  key: MessageKey;
  params: Record<string, string>;
  /** Ledger rows written now (the approved member's welcome). */
  sends: string[];
}

/**
 * Tells every active coordinator of the committee that can be texted about a new pending member: masked number,
 * ZIP, note, and how to answer. Returns the ledger ids written now.
 */
export function noticeJoinRequest(ctx: MembershipCtx, committee: Committee, member: Member, joiner: Pick<Contact, 'phoneMask'>): string[] {
  const { repos, config, now } = ctx;
  const last4 = lastFour(joiner.phoneMask);
  if (last4 === null) return [];
  const coordinators = repos.committees
    .membersOf(committee.id)
    .filter(({ member: m, contact }) => m.role === 'coordinator' && m.status === 'active' && m.id !== member.id && contact.phoneMask !== null && contact.stoppedAt === null);
  const notices = coordinators.map(({ member: coordinator, contact }) => {
    const locale = localeOf(contact.locale, config.defaultLocale);
    const body = fitSms(
      t(locale, 'member_request', {
        committee: committee.name,
        phone: smsMask(joiner.phoneMask),
        zip: member.zip ?? '-',
        last4,
        // Stored masked already; masked again so that no path can put a third party's number in an SMS.
        note: member.note ? smsMask(maskPhoneNumbers(member.note)) : '-',
      }),
    );
    return { dedupeKey: `member_request:${member.id}:${coordinator.contactId}`, incidentId: null, contactId: coordinator.contactId, kind: 'member_request', locale, body };
  });
  return notices.length > 0 ? repos.messages.plan(notices, now) : [];
}

/** `APPROVE 1234` / `DENY 1234` from `sender`: acts only on exactly one pending member of a committee they coordinate. */
export function answerJoinRequest(ctx: MembershipCtx, sender: Contact, decision: 'approve' | 'deny', last4: string | null): MembershipAnswer {
  const { repos, now } = ctx;
  const coordinated = repos.committees.list().filter((committee) => {
    const own = repos.committees.findMember(committee.id, sender.id);
    return own?.role === 'coordinator' && own.status === 'active';
  });
  if (coordinated.length === 0) return { key: 'member_not_allowed', params: {}, sends: [] };
  if (last4 === null) return { key: 'member_how', params: {}, sends: [] };

  const matches = coordinated.flatMap((committee) =>
    repos.committees
      .membersOf(committee.id)
      .filter(({ member, contact }) => member.status === 'pending' && lastFour(contact.phoneMask) === last4)
      .map(({ member, contact }) => ({ committee, member, phoneMask: contact.phoneMask })),
  );
  const [match, ...others] = matches;
  if (!match) return { key: 'member_not_found', params: { last4 }, sends: [] };
  if (others.length > 0) return { key: 'member_ambiguous', params: { last4 }, sends: [] };

  const { committee, member, phoneMask } = match;
  const params = { phone: smsMask(phoneMask), committee: committee.name };
  repos.committees.updateMember(member.id, { status: decision === 'approve' ? 'active' : 'removed' }, now);
  repos.audit.record(decision === 'approve' ? 'member.approve' : 'member.deny', now, { target: member.id, detail: { by: 'sms', coordinatorContactId: sender.id } });
  if (decision === 'deny') return { key: 'member_denied', params, sends: [] };
  return { key: 'member_approved', params, sends: welcome(ctx, committee, member.contactId) };
}

export type MemberPatch = Parameters<Deps['repos']['committees']['updateMember']>[1];

/**
 * A console user's change to a member (`PATCH /api/members/:id`). Approving a pending member texts them the welcome
 * `APPROVE 1234` sends, with the same ledger key: approving twice, or by SMS and in the console, welcomes once.
 */
export async function updateMemberInConsole(
  deps: Pick<Deps, 'db' | 'repos' | 'config' | 'now' | 'queues' | 'log'>,
  member: Member,
  patch: MemberPatch,
  audit: { userId: string; requested: Record<string, unknown> },
): Promise<Member | undefined> {
  const now = deps.now();
  const { committees } = deps.repos;
  const welcomes = inTransaction(deps.db, () => {
    committees.updateMember(member.id, patch, now);
    deps.repos.audit.record('member.update', now, { actorUserId: audit.userId, target: member.id, detail: audit.requested });
    const approved = member.status === 'pending' && patch.status === 'active';
    const committee = approved ? committees.get(member.committeeId) : undefined;
    return committee ? welcome({ ...deps, now }, committee, member.contactId) : [];
  });
  // If Redis is away, the reconciler queues every unsent ledger row later.
  if (welcomes.length > 0) await deps.queues.sendMessages(welcomes).catch((error: Error) => deps.log.warn({ err: error.message }, 'welcome not queued now; the reconciler will'));
  return committees.getMember(member.id);
}

/** The approved member's welcome, once per committee (the same key as an imported member's). */
function welcome(ctx: MembershipCtx, committee: Committee, contactId: string): string[] {
  const contact = ctx.repos.contacts.get(contactId);
  if (!contact?.phoneEnc || contact.stoppedAt !== null || contact.unreachableAt !== null) return [];
  const locale = localeOf(contact.locale, ctx.config.defaultLocale);
  const body = fitSms(t(locale, 'welcome', { committee: committee.name, program: ctx.config.programName }));
  return ctx.repos.messages.plan([{ dedupeKey: `welcome:${committee.id}:${contactId}`, incidentId: null, contactId, kind: 'welcome', locale, body }], ctx.now);
}

function lastFour(phoneMask: string | null): string | null {
  const digits = phoneMask?.replace(/\D/g, '') ?? '';
  return digits.length >= 4 ? digits.slice(-4) : null;
}

/** Masked digits in GSM-7 (a bullet would make the whole SMS UCS-2): `+1•••••••1234` → `+1*******1234`. */
function smsMask(masked: string | null): string {
  return (masked ?? '').replace(/•/g, '*');
}

function localeOf(locale: string | null, fallback: Locale): Locale {
  return locale && isLocale(locale) ? locale : fallback;
}
