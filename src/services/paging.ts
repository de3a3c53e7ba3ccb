// Paging the on-duty dispatchers by SMS: an incident nobody opened in the console, a confirmed one left open for
// hours, a disputed one, an escalation nobody answered. Through the outgoing ledger like every other SMS, so a
// page goes out once however many workers run. Pages name the incident code and its console link, never report
// text. Nothing here closes or clears anything: dispatchers decide.
import { inTransaction } from '../db/client.js';
import type { Incident } from '../db/repositories/incidents.js';
import type { PlannedMessage } from '../db/repositories/messages.js';
import type { User } from '../db/repositories/users.js';
import type { Deps } from '../deps.js';
import { fitSms } from '../domain/sms-fit.js';
import { isLocale, type Locale } from '../domain/types.js';
import { t } from '../i18n/index.js';

export type PageReason = 'unopened' | 'stale' | 'disputed' | 'escalation';

type PagingDeps = Pick<Deps, 'db' | 'repos' | 'config' | 'now' | 'queues' | 'events' | 'log' | 'vault'>;

const TEXT_KEY = {
  unopened: 'page_unopened',
  stale: 'page_stale',
  disputed: 'page_disputed',
  escalation: 'page_escalation',
} as const satisfies Record<PageReason, string>;

/**
 * Texts every on-duty console user with a phone about `incident`, once per reason: a second call for the same
 * incident and reason writes nothing (the ledger's dedupe key). Returns how many pages were written now.
 */
export async function pageDispatchers(deps: PagingDeps, incident: Pick<Incident, 'id' | 'code'>, reason: PageReason): Promise<number> {
  const now = deps.now();
  const ids = inTransaction(deps.db, () => {
    const written = deps.repos.messages.plan(pagesFor(deps, incident, reason, now), now);
    if (written.length > 0) deps.repos.incidents.addEvent(incident.id, 'paged', now, { reason, pages: written.length });
    return written;
  });
  await queueSends(deps, incident.id, ids);
  if (ids.length > 0) deps.events.incidentChanged(incident.id);
  return ids.length;
}

/**
 * The periodic duty: pages about new incidents nobody opened within PAGE_AFTER_SECONDS, and reminds about
 * confirmed incidents still open STALE_HOURS after confirmation. Each incident is paged once per reason.
 */
export async function pageWhenDue(deps: PagingDeps): Promise<{ unopened: number; stale: number }> {
  const now = deps.now();
  const { dispatcherPaging } = deps.repos;
  const due: Array<{ incident: Incident; reason: PageReason; field: 'pagedAt' | 'staleRemindedAt' }> = [
    ...dispatcherPaging.unopened(now - deps.config.paging.afterSeconds * 1000).map((incident) => ({ incident, reason: 'unopened' as const, field: 'pagedAt' as const })),
    ...dispatcherPaging.staleConfirmed(now - deps.config.paging.staleHours * 3_600_000).map((incident) => ({ incident, reason: 'stale' as const, field: 'staleRemindedAt' as const })),
  ];
  const counts = { unopened: 0, stale: 0 };
  for (const { incident, reason, field } of due) {
    // The mark and the ledger rows in one transaction: a crash leaves either both or neither.
    const ids = inTransaction(deps.db, () => {
      if (!dispatcherPaging.mark(incident.id, field, now)) return null;
      const written = deps.repos.messages.plan(pagesFor(deps, incident, reason, now), now);
      deps.repos.incidents.addEvent(incident.id, reason === 'stale' ? 'stale_reminded' : 'paged', now, { reason, pages: written.length });
      return written;
    });
    if (ids === null) continue;
    counts[reason === 'stale' ? 'stale' : 'unopened'] += 1;
    await queueSends(deps, incident.id, ids);
    deps.events.incidentChanged(incident.id);
  }
  return counts;
}

/** One ledger row per on-duty console user with a phone, in the language their number is known to speak. */
function pagesFor(deps: PagingDeps, incident: Pick<Incident, 'id' | 'code'>, reason: PageReason, now: number): PlannedMessage[] {
  const link = `${deps.config.publicUrl}/incidents/${incident.code}`;
  const pages = new Map<string, PlannedMessage>();
  for (const user of deps.repos.dispatcherPaging.onDutyWithPhone()) {
    const contact = pagingContact(deps, user, now);
    if (!contact || pages.has(contact.id)) continue;
    const locale: Locale = contact.locale && isLocale(contact.locale) ? contact.locale : deps.config.defaultLocale;
    pages.set(contact.id, {
      // Per number, not per user: two accounts sharing one phone get one text.
      dedupeKey: `page:${reason}:${incident.id}:${contact.id}`,
      incidentId: incident.id,
      contactId: contact.id,
      kind: `page:${reason}`,
      locale,
      body: fitSms(t(locale, TEXT_KEY[reason], { code: incident.code, link })),
    });
  }
  return [...pages.values()];
}

/**
 * The ledger sends to contacts: a console user's number gets one (found by its keyed hash, the number kept
 * encrypted for sending). A number that can no longer be read (a retired key) is skipped, not fatal.
 */
function pagingContact(deps: PagingDeps, user: User, now: number) {
  if (!user.phoneEnc) return null;
  try {
    const phone = deps.vault.decrypt(user.phoneEnc);
    // Looked up first: creating would also mark the number as just seen and reachable, which a page does not show.
    const known = deps.repos.contacts.findByPhone(phone);
    return known?.phoneEnc ? known : deps.repos.contacts.findOrCreate(phone, now, true).contact;
  } catch (error) {
    deps.log.warn({ err: (error as Error).message, userId: user.id }, "a console user's phone number could not be read; not paged");
    return null;
  }
}

/** Queues the sends; if Redis is away, the reconciler sends the rows later (they are in the ledger already). */
async function queueSends(deps: PagingDeps, incidentId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await deps.queues.sendMessages(ids).catch((error: Error) => {
    deps.log.warn({ err: error.message, incidentId }, 'pages not queued now; the reconciler will');
  });
}

/** The console language a user works in, remembered on their number's contact (unless the number chose its own by LANG). */
export function rememberPagingLocale(deps: Pick<Deps, 'repos' | 'vault' | 'now'>, user: Pick<User, 'phoneEnc'>, locale: Locale): void {
  if (!user.phoneEnc) return;
  const { contact } = deps.repos.contacts.findOrCreate(deps.vault.decrypt(user.phoneEnc), deps.now(), true);
  if (!contact.localeExplicit) deps.repos.contacts.setLocale(contact.id, locale, false);
}
