// Paging the on-duty dispatchers by SMS: an incident nobody opened in the console (on time, by a delayed job per
// incident; the maintenance run is the safety net), a flood of them (one page per flood window), a confirmed one
// left open for hours, a disputed one, an escalation nobody answered. Through the outgoing ledger like every other
// SMS, so a page goes out once however many workers run. Pages name the incident code and its console link, never
// report text. Nothing here closes or clears anything: dispatchers decide.
import { inTransaction } from '../db/client.js';
import type { Incident } from '../db/repositories/incidents.js';
import type { PlannedMessage } from '../db/repositories/messages.js';
import type { User } from '../db/repositories/users.js';
import type { Deps } from '../deps.js';
import { fitSms } from '../domain/sms-fit.js';
import { isLocale, type Locale } from '../domain/types.js';
import { t } from '../i18n/index.js';

export type PageReason = 'unopened' | 'stale' | 'disputed' | 'escalation' | 'flood';

type PagingDeps = Pick<Deps, 'db' | 'repos' | 'config' | 'now' | 'queues' | 'events' | 'log' | 'vault'>;

const TEXT_KEY = {
  unopened: 'page_unopened',
  stale: 'page_stale',
  disputed: 'page_disputed',
  escalation: 'page_escalation',
  flood: 'page_flood',
} as const satisfies Record<PageReason, string>;

/**
 * The situation a page is about, which keys it in the ledger: one page per dispatcher, incident and situation.
 * "Nobody opened it" and "no verifier answered" are one situation — a new incident nobody has picked up — so a
 * dispatcher gets whichever of the two comes first and never the other.
 */
const SITUATION = {
  unopened: 'unopened',
  escalation: 'unopened',
  stale: 'stale',
  disputed: 'disputed',
  flood: 'flood',
} as const satisfies Record<PageReason, string>;

/** The flood warning's own window (limits.ts): at most one flood page in it, for all flood incidents together. */
const FLOOD_PAGE_WINDOW_MS = 10 * 60_000;
const FLOOD_PAGE_KEY = 'flood_paged';

/**
 * Texts every on-duty console user with a phone about `incident`, once per situation: a second call for the same
 * incident and situation writes nothing (the ledger's dedupe key). Returns how many pages were written now.
 */
export async function pageDispatchers(deps: PagingDeps, incident: Pick<Incident, 'id' | 'code'>, reason: PageReason): Promise<number> {
  const now = deps.now();
  const ids = inTransaction(deps.db, () => {
    const pages = pagesFor(deps, incident, reason, now);
    if (pages.length === 0) {
      noteNobodyToPage(deps, incident.id, reason, now);
      return [];
    }
    // The escalation page is the unopened page too: the periodic duty does not page this incident again.
    if (reason === 'escalation') deps.repos.dispatcherPaging.mark(incident.id, 'pagedAt', now);
    return writePages(deps, incident.id, reason, pages, now);
  });
  await queueSends(deps, incident.id, ids);
  if (ids.length > 0) deps.events.incidentChanged(incident.id);
  return ids.length;
}

/**
 * The periodic duty (the safety net of the per-incident jobs): pages about new incidents nobody opened within
 * PAGE_AFTER_SECONDS, and reminds about confirmed incidents still open STALE_HOURS after confirmation. Each
 * incident is paged once per reason; one with nobody to page is tried again at the next run.
 */
export async function pageWhenDue(deps: PagingDeps): Promise<{ unopened: number; stale: number }> {
  const unopened = await pageWaitingIncidents(deps);
  const now = deps.now();
  let stale = 0;
  for (const incident of deps.repos.dispatcherPaging.staleConfirmed(now - deps.config.paging.staleHours * 3_600_000)) {
    if (await pageOnce(deps, incident, 'stale', now)) stale += 1;
  }
  return { unopened, stale };
}

/**
 * A new incident's own delayed job, run PAGE_AFTER_SECONDS after it was created (its delay was the wait): pages it
 * if it is still one nobody opened nor paged about. True when it paged (or a flood page covers it).
 */
export async function pageIfUnopened(deps: PagingDeps, incidentId: string): Promise<boolean> {
  const incident = deps.repos.dispatcherPaging.unopenedOne(incidentId);
  return incident ? pageUnopened(deps, incident, deps.now()) : false;
}

/**
 * After a report was processed: its incident's page is scheduled for PAGE_AFTER_SECONDS after the incident was
 * created (one job per incident: scheduling again changes nothing). If Redis is away, the periodic duty pages it.
 */
export async function schedulePage(deps: Pick<Deps, 'repos' | 'config' | 'now' | 'queues' | 'log'>, incidentId: string): Promise<void> {
  const incident = incidentId ? deps.repos.dispatcherPaging.unopenedOne(incidentId) : undefined;
  if (!incident) return;
  const delayMs = incident.createdAt + afterMs(deps) - deps.now();
  await deps.queues.schedulePage(incident.id, delayMs).catch((error: Error) => {
    deps.log.warn({ err: error.message, incidentId }, 'page not scheduled now; the maintenance run will page');
  });
}

/**
 * New incidents nobody opened within PAGE_AFTER_SECONDS and nobody was paged about yet: the periodic duty, and
 * at once when someone becomes pageable (goes on duty, adds a phone). Returns how many were paged.
 */
export async function pageWaitingIncidents(deps: PagingDeps): Promise<number> {
  const now = deps.now();
  let paged = 0;
  for (const incident of deps.repos.dispatcherPaging.unopened(now - afterMs(deps))) {
    if (await pageUnopened(deps, incident, now)) paged += 1;
  }
  return paged;
}

/**
 * For health: incidents due a page that nobody can get (nobody on duty with a phone that takes SMS: a number that
 * sent STOP is nobody to page, as pagesFor has it); 0 while someone can.
 */
export function incidentsNobodyToPage(deps: Pick<Deps, 'repos' | 'config' | 'now' | 'vault' | 'log'>): number {
  if (deps.repos.dispatcherPaging.onDutyWithPhone().some((user) => canBePaged(deps, user))) return 0;
  return deps.repos.dispatcherPaging.unopened(deps.now() - afterMs(deps)).length;
}

/** Whether this user's number can get a page: read only, nothing created (health asks this on every call). */
function canBePaged(deps: Pick<Deps, 'repos' | 'vault' | 'log'>, user: User): boolean {
  const phone = phoneOfUser(deps, user);
  if (phone === null) return false;
  const contact = deps.repos.contacts.findByPhone(phone);
  return !contact || contact.stoppedAt === null;
}

/** A console user's paging number, decrypted; null without one or when it cannot be read (logged: not paged). */
function phoneOfUser(deps: Pick<Deps, 'vault' | 'log'>, user: User): string | null {
  if (!user.phoneEnc) return null;
  try {
    return deps.vault.decrypt(user.phoneEnc);
  } catch (error) {
    deps.log.warn({ err: (error as Error).message, userId: user.id }, "a console user's phone number could not be read; not paged");
    return null;
  }
}

function afterMs(deps: Pick<Deps, 'config'>): number {
  return deps.config.paging.afterSeconds * 1000;
}

function pageUnopened(deps: PagingDeps, incident: Incident, now: number): Promise<boolean> {
  return incident.flood ? pageFlood(deps, incident, now) : pageOnce(deps, incident, 'unopened', now);
}

/** The incident's mark (pagedAt, staleRemindedAt) and its pages in one transaction: a crash leaves both or neither. */
async function pageOnce(deps: PagingDeps, incident: Incident, reason: 'unopened' | 'stale', now: number): Promise<boolean> {
  const ids = inTransaction(deps.db, () => {
    const pages = pagesFor(deps, incident, reason, now);
    // Nobody to page: left unmarked, so that it is paged once someone goes on duty with a phone.
    if (pages.length === 0) {
      noteNobodyToPage(deps, incident.id, reason, now);
      return null;
    }
    if (!deps.repos.dispatcherPaging.mark(incident.id, reason === 'stale' ? 'staleRemindedAt' : 'pagedAt', now)) return null;
    return writePages(deps, incident.id, reason, pages, now);
  });
  if (ids === null) return false;
  await queueSends(deps, incident.id, ids);
  deps.events.incidentChanged(incident.id);
  return true;
}

/**
 * A flood brings many incidents at once: the first one due pages the dispatchers ("a flood: look at the console"),
 * and the others due within FLOOD_PAGE_WINDOW_MS are marked paged by that same page.
 */
async function pageFlood(deps: PagingDeps, incident: Incident, now: number): Promise<boolean> {
  const { dispatcherPaging, systemState, incidents } = deps.repos;
  const ids = inTransaction(deps.db, () => {
    const last = systemState.get(FLOOD_PAGE_KEY);
    if (typeof last?.['at'] === 'number' && now - last['at'] < FLOOD_PAGE_WINDOW_MS) {
      if (!dispatcherPaging.mark(incident.id, 'pagedAt', now)) return null;
      incidents.addEvent(incident.id, 'paged', now, { reason: 'flood', pages: 0, sameFloodPageAs: last['code'] });
      return [];
    }
    const pages = pagesFor(deps, incident, 'flood', now);
    if (pages.length === 0) {
      noteNobodyToPage(deps, incident.id, 'flood', now);
      return null;
    }
    if (!dispatcherPaging.mark(incident.id, 'pagedAt', now)) return null;
    systemState.set(FLOOD_PAGE_KEY, { at: now, code: incident.code }, now);
    return writePages(deps, incident.id, 'flood', pages, now);
  });
  if (ids === null) return false;
  await queueSends(deps, incident.id, ids);
  deps.events.incidentChanged(incident.id);
  return true;
}

/** Inside a transaction: the ledger rows and, when any was new, the timeline line. Returns the rows to queue. */
function writePages(deps: PagingDeps, incidentId: string, reason: PageReason, pages: PlannedMessage[], now: number): string[] {
  const written = deps.repos.messages.plan(pages, now);
  if (written.length > 0) deps.repos.incidents.addEvent(incidentId, reason === 'stale' ? 'stale_reminded' : 'paged', now, { reason, pages: written.length });
  return written;
}

/** Inside a transaction: the timeline says once per reason that nobody could be paged. */
function noteNobodyToPage(deps: PagingDeps, incidentId: string, reason: PageReason, now: number): void {
  const said = deps.repos.incidents.events(incidentId).some((event) => event.type === 'page_nobody' && event.detail?.['reason'] === reason);
  if (!said) {
    deps.repos.incidents.addEvent(incidentId, 'page_nobody', now, { reason });
    deps.log.warn({ incidentId, reason }, 'nobody on duty with a phone number to page');
  }
}

/** One ledger row per on-duty console user with a phone, in the language their number is known to speak. */
function pagesFor(deps: PagingDeps, incident: Pick<Incident, 'id' | 'code'>, reason: PageReason, now: number): PlannedMessage[] {
  const link = `${deps.config.publicUrl}/incidents/${incident.code}`;
  const pages = new Map<string, PlannedMessage>();
  for (const user of deps.repos.dispatcherPaging.onDutyWithPhone()) {
    const contact = pagingContact(deps, user, now);
    // A number that sent STOP gets nothing, pages included: it is nobody to page.
    if (!contact || contact.stoppedAt !== null || pages.has(contact.id)) continue;
    const locale: Locale = contact.locale && isLocale(contact.locale) ? contact.locale : deps.config.defaultLocale;
    pages.set(contact.id, {
      // Per number, not per user: two accounts sharing one phone get one text.
      dedupeKey: `page:${SITUATION[reason]}:${incident.id}:${contact.id}`,
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
  const phone = phoneOfUser(deps, user);
  if (phone === null) return null;
  // Looked up first: creating would also mark the number as just seen and reachable, which a page does not show.
  const known = deps.repos.contacts.findByPhone(phone);
  return known?.phoneEnc ? known : deps.repos.contacts.findOrCreate(phone, now, true).contact;
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
