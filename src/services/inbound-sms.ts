// An inbound text: a keyword takes effect, or the text becomes a report; the reply is decided here.
// Runs in one SQLite transaction: the reply is only sent after everything it acknowledges is committed.
import { inTransaction } from '../db/client.js';
import type { Contact } from '../db/repositories/contacts.js';
import type { Deps } from '../deps.js';
import { type Command, parseInbound } from '../domain/keywords.js';
import { classifyKind, type DetectedLanguage, detectLanguage } from '../domain/language.js';
import { maskPhoneNumbers } from '../domain/mask-numbers.js';
import { isPhoneNumber } from '../domain/senders.js';
import { fitSms } from '../domain/sms-fit.js';
import type { Locale } from '../domain/types.js';
import { parseLocationOffline } from '../geo/parse-location.js';
import { zipCentroid } from '../geo/zips.js';
import { type MessageKey, t } from '../i18n/index.js';

export interface InboundSms {
  sid: string;
  from: string;
  body: string;
  mediaUrls: string[];
  /** A new number during a flood warning (decided by the limiter before this runs). */
  flood?: boolean;
}

export interface InboundOutcome {
  /** The SMS reply, or null for an empty TwiML answer (STOP: the carrier or Twilio confirms). */
  reply: string | null;
  /** A report that a worker must now process. */
  reportId?: string;
  /** An incident whose console view changed. */
  incidentId?: string;
  duplicate: boolean;
}

type Ctx = Pick<Deps, 'db' | 'repos' | 'config'> & { now: number };

export function handleInboundSms(deps: Pick<Deps, 'db' | 'repos' | 'config' | 'now'>, sms: InboundSms): InboundOutcome {
  const ctx: Ctx = { ...deps, now: deps.now() };
  return inTransaction(deps.db, () => {
    const seen = ctx.repos.inbound.get(sms.sid);
    if (seen) return { reply: seen.reply, duplicate: true };

    const command = parseInbound(sms.body);
    // Detected once, for both the sender's language and the report's.
    const detected = command.type === 'report' || command.type === 'empty' ? detectLanguage(sms.body) : null;
    if (!isPhoneNumber(sms.from)) {
      const outcome = fromHiddenNumber(ctx, command, sms, detected);
      ctx.repos.inbound.record({ sid: sms.sid, contactId: null, kind: outcome.kind, reply: outcome.reply, receivedAt: ctx.now });
      return { reply: outcome.reply, reportId: outcome.reportId, duplicate: false };
    }
    // A STOP keeps only the hash: that number is never texted again, so nothing needs its ciphertext.
    const { contact } = ctx.repos.contacts.findOrCreate(sms.from, ctx.now, command.type !== 'stop');
    const locale = learnLocale(ctx, contact, command, detected?.locale ?? null);
    const outcome = dispatch(ctx, contact, locale, command, sms, detected?.language ?? null);
    ctx.repos.inbound.record({ sid: sms.sid, contactId: contact.id, kind: outcome.kind, reply: outcome.reply, receivedAt: ctx.now });
    return { reply: outcome.reply, reportId: outcome.reportId, incidentId: outcome.incidentId, duplicate: false };
  });
}

interface Handled {
  kind: string;
  reply: string | null;
  reportId?: string;
  incidentId?: string;
}

function dispatch(ctx: Ctx, contact: Contact, locale: Locale, command: Command, sms: InboundSms, language: string | null): Handled {
  const say = (key: MessageKey, params?: Record<string, string | number>, inLocale = locale) => fitSms(t(inLocale, key, params));
  const { repos, now } = ctx;

  switch (command.type) {
    case 'stop':
      repos.contacts.markStopped(contact.id, now);
      return { kind: 'stop', reply: null };

    case 'start':
      repos.contacts.markStarted(contact.id);
      return { kind: 'start', reply: say('start_ok') };

    case 'help':
      return { kind: 'help', reply: say('help') };

    case 'lang':
      if (!command.locale) return { kind: 'lang', reply: say('lang_unsupported') };
      return { kind: 'lang', reply: say('lang_set', {}, command.locale) };

    case 'join':
      return { kind: 'join', reply: say(...join(ctx, contact, command, sms.from)) };

    case 'respond': {
      // YES from a number that stopped means "start again" (carrier convention).
      if (contact.stoppedAt !== null && command.word === 'YES') {
        repos.contacts.markStarted(contact.id);
        return { kind: 'start', reply: say('start_ok') };
      }
      const incident = command.incidentCode
        ? repos.incidents.findByCode(command.incidentCode)
        : lastAlertedIncident(ctx, contact.id);
      if (!incident || !repos.messages.wasSentTo(contact.id, incident.id, 'alert')) {
        return { kind: 'respond', reply: say('respond_nothing') };
      }
      repos.responses.record(incident.id, contact.id, command.answer, now);
      repos.incidents.addEvent(incident.id, 'response', now, { answer: command.answer });
      return {
        kind: 'respond',
        reply: say(command.answer === 'going' ? 'respond_going' : 'respond_cannot', { code: incident.code }),
        incidentId: incident.id,
      };
    }

    case 'verify':
      // Verification requests come with a later change; until then no check code can match.
      return { kind: 'verify', reply: say('verify_nothing') };

    case 'duty': {
      const changed = repos.committees.setDuty(contact.id, command.onDuty, now);
      if (changed === 0) return { kind: 'duty', reply: say('duty_not_allowed') };
      return { kind: 'duty', reply: say(command.onDuty ? 'duty_on' : 'duty_off') };
    }

    case 'empty':
      if (sms.mediaUrls.length === 0) return { kind: 'help', reply: say('help') };
      return report(ctx, contact, sms, language, say);

    case 'report':
      return report(ctx, contact, sms, language, say);
  }
}

/** A new report, or the answer to "where is this?". `contact` is null for a hidden number: nobody to ask. */
function report(ctx: Ctx, contact: Contact | null, sms: InboundSms, language: string | null, say: (key: MessageKey) => string): Handled {
  const { repos, now, config } = ctx;
  // The answer to "where is this?": the next non-keyword message within the window places the earlier report.
  const awaiting = contact ? repos.reports.awaitingLocation(contact.id, now) : undefined;
  if (awaiting) {
    const location = parseLocationOffline(sms.body);
    repos.reports.setLocation(awaiting.id, location, maskPhoneNumbers(sms.body));
    repos.reports.update(awaiting.id, { status: 'received' });
    return { kind: 'location', reply: say(location ? 'location_ack' : 'location_not_understood'), reportId: awaiting.id };
  }

  // The place is read from the words as sent; what is stored has any phone numbers typed into it masked.
  const location = parseLocationOffline(sms.body);
  const ask = location === null && contact !== null;
  const created = repos.reports.insert({
    contactId: contact?.id ?? null,
    channel: 'sms',
    text: maskPhoneNumbers(sms.body),
    language,
    kind: classifyKind(sms.body),
    lat: location?.lat ?? null,
    lng: location?.lng ?? null,
    label: location?.label ?? null,
    precision: location?.precision ?? null,
    zip: location?.zip ?? null,
    awaitingLocationUntil: ask ? now + config.followupMinutes * 60_000 : null,
    // Set for a hidden number too, so that no worker tries to ask it later.
    askedLocation: location === null,
    media: sms.mediaUrls,
    flood: sms.flood ?? false,
    receivedAt: now,
  });
  // Known to the flood rule from tomorrow on; a flood report vouches for nothing.
  if (contact && !sms.flood) repos.seen.record(sms.from, now);
  return { kind: 'report', reply: say(ask ? 'report_ack_ask_location' : 'report_ack'), reportId: created.id };
}

function join(ctx: Ctx, contact: Contact, command: Extract<Command, { type: 'join' }>, phone: string): [MessageKey, Record<string, string>?] {
  const { repos, now } = ctx;
  if (!command.code) return ['join_how'];
  const committee = repos.committees.findByInviteCode(command.code);
  if (!committee) return ['join_unknown_code'];
  // Joining is an explicit opt-in: a number that had stopped starts again.
  if (contact.stoppedAt !== null) repos.contacts.markStarted(contact.id);
  if (!contact.phoneEnc) repos.contacts.keepNumber(contact.id, phone);
  if (repos.committees.findMember(committee.id, contact.id)) return ['join_already', { committee: committee.name }];
  const home = command.zip ? zipCentroid(command.zip) : null;
  repos.committees.addMember(
    {
      committeeId: committee.id,
      contactId: contact.id,
      status: committee.autoApprove ? 'active' : 'pending',
      zip: home ? (command.zip ?? null) : null,
      lat: home?.lat ?? null,
      lng: home?.lng ?? null,
      note: command.note ? maskPhoneNumbers(command.note) : null,
    },
    now,
  );
  return [committee.autoApprove ? 'join_active' : 'join_pending', { committee: committee.name }];
}

/**
 * A sender that is not a phone number (a withheld caller ID) is many people: no contact is made for it, its report
 * has no one to ask "where is this?" (a dispatcher places it), and keywords, which act on a number, do nothing.
 */
function fromHiddenNumber(ctx: Ctx, command: Command, sms: InboundSms, detected: DetectedLanguage | null): Handled {
  const locale = command.languageHint ?? detected?.locale ?? ctx.config.defaultLocale;
  const say = (key: MessageKey) => fitSms(t(locale, key));
  switch (command.type) {
    case 'report':
      return report(ctx, null, sms, detected?.language ?? null, say);
    case 'empty':
      return sms.mediaUrls.length > 0 ? report(ctx, null, sms, detected?.language ?? null, say) : { kind: 'help', reply: say('help') };
    case 'help':
      return { kind: 'help', reply: say('help') };
    case 'stop':
      return { kind: 'stop', reply: null };
    default:
      return { kind: command.type, reply: say('hidden_number') };
  }
}

function lastAlertedIncident(ctx: Ctx, contactId: string) {
  const last = ctx.repos.messages.latestAlertTo(contactId);
  return last?.incidentId ? ctx.repos.incidents.get(last.incidentId) : undefined;
}

/**
 * LANG always wins and is never overridden by a guess. Otherwise a language-specific keyword or the first
 * message with enough words sets the language, which is then remembered.
 */
function learnLocale(ctx: Ctx, contact: Contact, command: Command, guess: Locale | null): Locale {
  const set = (locale: Locale, explicit: boolean) => {
    ctx.repos.contacts.setLocale(contact.id, locale, explicit);
    return locale;
  };
  if (command.type === 'lang' && command.locale) return set(command.locale, true);
  const current = contact.locale ?? null;
  if (!contact.localeExplicit) {
    if (command.languageHint && command.languageHint !== current) return set(command.languageHint, false);
    if (current === null && guess) return set(guess, false);
  }
  return current ?? ctx.config.defaultLocale;
}
