// An inbound text: a keyword takes effect, or the text becomes a report; the reply is decided here.
// Runs in one SQLite transaction: the reply is only sent after everything it acknowledges is committed.
import { inTransaction } from '../db/client.js';
import type { Contact } from '../db/repositories/contacts.js';
import type { Report } from '../db/repositories/reports.js';
import type { Deps } from '../deps.js';
import { readDetails, soundsLikeReport } from '../domain/details.js';
import { codeCandidates, type Command, parseInbound } from '../domain/keywords.js';
import { classifyKind, type DetectedLanguage, reportLanguage } from '../domain/language.js';
import { maskPhoneNumbers } from '../domain/mask-numbers.js';
import { readReply } from '../domain/replies.js';
import { isPhoneNumber } from '../domain/senders.js';
import { fitSms } from '../domain/sms-fit.js';
import type { Locale } from '../domain/types.js';
import type { LocationReading } from '../geo/read-location.js';
import { zipCentroid } from '../geo/zips.js';
import { type MessageKey, t } from '../i18n/index.js';
import { answerJoinRequest, noticeJoinRequest } from './membership.js';
import { coordinatorSend, verifierAck, verifierWord, type VerifyAnswer, type VerifyFollowUp } from './verification.js';
import { alertAnswered, recordArrival, setDrills } from './roll-call.js';

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
  /** Ledger rows written with this text (e.g. coordinators told of a JOIN): queued once it has committed. */
  sends?: string[];
  /** A verifier's or coordinator's SMS owes work after the commit: an alert release, sends, a page. */
  followUp?: VerifyFollowUp;
  duplicate: boolean;
}

type Ctx = Pick<Deps, 'db' | 'repos' | 'config' | 'locator'> & { now: number; sends: string[] };

export function handleInboundSms(deps: Pick<Deps, 'db' | 'repos' | 'config' | 'now' | 'locator'>, sms: InboundSms): InboundOutcome {
  const ctx: Ctx = { ...deps, now: deps.now(), sends: [] };
  return inTransaction(deps.db, () => {
    const seen = ctx.repos.inbound.get(sms.sid);
    if (seen) return { reply: seen.reply, duplicate: true };

    const command = parseInbound(sms.body);
    const isText = command.type === 'report' || command.type === 'empty';
    if (!isPhoneNumber(sms.from)) {
      const outcome = fromHiddenNumber(ctx, command, sms, isText ? reportLanguage(sms.body) : null);
      ctx.repos.inbound.record({ sid: sms.sid, contactId: null, kind: outcome.kind, reply: outcome.reply, receivedAt: ctx.now });
      return { reply: outcome.reply, reportId: outcome.reportId, duplicate: false };
    }
    // A STOP keeps only the hash: that number is never texted again, so nothing needs its ciphertext.
    const { contact } = ctx.repos.contacts.findOrCreate(sms.from, ctx.now, command.type !== 'stop');
    // Detected once, for both the sender's language and the report's; the sender's history settles short texts.
    const detected = isText ? reportLanguage(sms.body, { locale: contact.locale ?? null, explicit: contact.localeExplicit }) : null;
    const locale = learnLocale(ctx, contact, command, detected?.locale ?? null);
    const outcome = dispatch(ctx, contact, locale, command, sms, detected?.language ?? null);
    ctx.repos.inbound.record({ sid: sms.sid, contactId: contact.id, kind: outcome.kind, reply: outcome.reply, receivedAt: ctx.now });
    return { reply: outcome.reply, reportId: outcome.reportId, incidentId: outcome.incidentId, sends: ctx.sends, followUp: outcome.followUp, duplicate: false };
  });
}

interface Handled {
  kind: string;
  reply: string | null;
  reportId?: string;
  incidentId?: string;
  followUp?: VerifyFollowUp;
}

function dispatch(ctx: Ctx, contact: Contact, locale: Locale, command: Command, sms: InboundSms, language: string | null): Handled {
  // Every reply may name the program (HELP and JOIN replies must, as carriers require).
  const say = (key: MessageKey, params?: Record<string, string | number>, inLocale = locale) =>
    fitSms(t(inLocale, key, { program: ctx.config.programName, ...params }));
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
      // `1 <check>` from a verifier acknowledges a verify request: check codes are looked up before incident codes.
      const ack = command.incidentCode ? verifierAck(ctx, contact.id, command.answer, command.incidentCode) : undefined;
      if (ack) return verified(ack, say);
      return answerAlert(ctx, contact, command.answer, command.incidentCode ? [command.incidentCode] : [], say);
    }

    case 'verify':
      return verified(verifierWord(ctx, contact.id, command.verdict, command.check), say);

    case 'send':
      return verified(coordinatorSend(ctx, contact.id, command.incidentCode), say);

    case 'duty': {
      const changed = repos.committees.setDuty(contact.id, command.onDuty, now);
      if (changed === 0) return { kind: 'duty', reply: say('duty_not_allowed') };
      return { kind: 'duty', reply: say(command.onDuty ? 'duty_on' : 'duty_off') };
    }

    case 'arrived':
      return arrivedOnScene(ctx, contact, command.incidentCode ? [command.incidentCode] : [], say);

    case 'drills':
      setDrills(ctx, contact.id, command.on);
      return { kind: 'drills', reply: say(command.on ? 'drills_on' : 'drills_off') };

    case 'member': {
      const answer = answerJoinRequest(ctx, contact, command.decision, command.last4);
      ctx.sends.push(...answer.sends);
      return { kind: 'member', reply: say(answer.key, answer.params) };
    }

    case 'empty':
      if (sms.mediaUrls.length === 0) return { kind: 'help', reply: say('help') };
      return report(ctx, contact, sms, language, ctx.locator.read(sms.body), say);

    case 'report':
      return freeText(ctx, contact, sms, language, say);
  }
}

type Say = (key: MessageKey, params?: Record<string, string | number>) => string;

/** A verifier's or coordinator's answer (verification.ts decides it) as this text's outcome. */
function verified(answer: VerifyAnswer, say: Say): Handled {
  return {
    kind: answer.kind,
    reply: say(answer.key, answer.params),
    ...(answer.incidentId ? { incidentId: answer.incidentId } : {}),
    ...(answer.followUp ? { followUp: answer.followUp } : {}),
  };
}

// A text this short with no report words is an answer ("24th and Folsom", "en la Misión"), not a new report.
const SHORT_ANSWER_WORDS = 8;

/**
 * A text that is no keyword, read in the contract's order: the answer to a pending "where?" → an answer to a
 * recent alert → a sentence around a valid invite code → a reporter's later place for their unplaced report → a
 * new report.
 */
function freeText(ctx: Ctx, contact: Contact, sms: InboundSms, language: string | null, say: Say): Handled {
  const { repos, now, config } = ctx;
  const reading = ctx.locator.read(sms.body);
  const answersWhere = readsAsLocation(sms.body, reading);

  const awaiting = repos.reports.awaitingLocation(contact.id, now);
  if (awaiting && answersWhere) return answerWhere(ctx, awaiting, sms.body, reading, say);

  const alert = repos.messages.latestAlertTo(contact.id);
  if (alert?.incidentId && (alert.sentAt ?? alert.createdAt) >= now - config.clusterMinutes * 60_000 && !soundsLikeReport(sms.body)) {
    const reply = readReply(sms.body);
    if (reply) return answerAlert(ctx, contact, reply.answer, reply.codes, say);
  }

  for (const code of codeCandidates(sms.body)) {
    if (!repos.committees.findByInviteCode(code)) continue;
    return { kind: 'join', reply: say(...join(ctx, contact, { type: 'join', code, languageHint: null }, sms.from)) };
  }

  // "94124" a while after an unplaced report places that report; it never opens a second incident.
  if (reading.location && isOnlyAPlace(sms.body, reading) && !soundsLikeReport(sms.body)) {
    const unplaced = repos.reports.latestUnplacedOf(contact.id, now - config.clusterMinutes * 60_000);
    if (unplaced) return answerWhere(ctx, unplaced, sms.body, reading, say);
  }
  return report(ctx, contact, sms, language, reading, say);
}

function readsAsLocation(text: string, reading: LocationReading): boolean {
  if (soundsLikeReport(text)) return reading.location !== null && wordCount(text) <= SHORT_ANSWER_WORDS;
  return reading.location !== null || reading.geocoderQuery !== null || wordCount(text) <= SHORT_ANSWER_WORDS;
}

// "94124", "en la 24 y Mission", "at the Home Depot": a place and a few words around it, nothing that tells more.
const WORDS_AROUND_A_PLACE = 3;

function isOnlyAPlace(text: string, reading: LocationReading): boolean {
  const words = reading.location?.words;
  if (!words) return false;
  return wordCount(text.replace(words, ' ')) <= WORDS_AROUND_A_PLACE;
}

function wordCount(text: string): number {
  return text.split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '').length;
}

/**
 * The sender says where their waiting report is. A place found (or words only the worker's geocoder can resolve)
 * places it; otherwise the first failure asks once more with examples and the second leaves it to a dispatcher.
 */
function answerWhere(ctx: Ctx, report: Report, body: string, reading: LocationReading, say: Say): Handled {
  const { repos, now, config } = ctx;
  const masked = maskPhoneNumbers(body);
  if (reading.location || (reading.geocoderQuery && config.geocoder)) {
    repos.reports.setLocation(report.id, reading.location, masked);
    repos.reports.update(report.id, { status: 'received' });
    return { kind: 'location', reply: say('location_ack'), reportId: report.id };
  }
  if (report.locationAsks <= 1) {
    repos.reports.update(report.id, { locationText: masked, locationAsks: 2, awaitingLocationUntil: now + config.followupMinutes * 60_000 });
    return { kind: 'location', reply: say('location_question_examples') };
  }
  repos.reports.update(report.id, { locationText: masked, awaitingLocationUntil: null });
  return { kind: 'location', reply: say('location_not_understood'), ...(report.incidentId ? { incidentId: report.incidentId } : {}) };
}

/** "1", "on my way", "no puedo" from a member: the roll-call answer to the alert its code names, or the latest. */
function answerAlert(ctx: Ctx, contact: Contact, answer: 'going' | 'cannot' | 'ack', codes: readonly string[], say: Say): Handled {
  const { repos, now } = ctx;
  const answered = alertAnswered(ctx, contact.id, codes);
  // Two open alerts and no code: nothing is recorded until the sender says which.
  if ('which' in answered) return { kind: 'respond', reply: say('respond_which', { first: answered.which[0], second: answered.which[1] }) };
  const incident = 'incident' in answered ? answered.incident : undefined;
  if (!incident || !repos.messages.wasSentTo(contact.id, incident.id, 'alert')) return { kind: 'respond', reply: say('respond_nothing') };
  if (answer === 'ack') return { kind: 'respond', reply: say('reply_noted', { code: incident.code }), incidentId: incident.id };
  repos.responses.record(incident.id, contact.id, answer, now);
  repos.incidents.addEvent(incident.id, 'response', now, { answer });
  return {
    kind: 'respond',
    reply: say(answer === 'going' ? 'respond_going' : 'respond_cannot', { code: incident.code }),
    incidentId: incident.id,
  };
}

/** `ON SCENE [code]` from a member the alert reached: their arrival, which also counts them as going. */
function arrivedOnScene(ctx: Ctx, contact: Contact, codes: readonly string[], say: Say): Handled {
  const answered = alertAnswered(ctx, contact.id, codes);
  if ('which' in answered) return { kind: 'arrived', reply: say('arrived_which', { first: answered.which[0], second: answered.which[1] }) };
  const incident = 'incident' in answered ? answered.incident : undefined;
  if (!incident || !ctx.repos.messages.wasSentTo(contact.id, incident.id, 'alert')) return { kind: 'arrived', reply: say('respond_nothing') };
  recordArrival(ctx, incident, contact.id, ctx.now);
  return { kind: 'arrived', reply: say('arrived_ok', { code: incident.code }), incidentId: incident.id };
}

/** A new report. `contact` is null for a hidden number: nobody to ask where it is. */
function report(ctx: Ctx, contact: Contact | null, sms: InboundSms, language: string | null, reading: LocationReading, say: Say): Handled {
  const { repos, now, config } = ctx;
  // The place is read from the words as sent; what is stored has any phone numbers typed into it masked.
  const location = reading.location;
  // Words only the operator's geocoder can place (a worker asks it): the question waits for its answer.
  const geocodable = location === null && reading.geocoderQuery !== null && config.geocoder !== null;
  const ask = location === null && contact !== null && !geocodable;
  const created = repos.reports.insert({
    contactId: contact?.id ?? null,
    channel: 'sms',
    text: maskPhoneNumbers(sms.body),
    language,
    kind: classifyKind(sms.body, reading.placeKind, reading.location?.words ?? null),
    details: readDetails(sms.body),
    lat: location?.lat ?? null,
    lng: location?.lng ?? null,
    label: location?.label ?? null,
    precision: location?.precision ?? null,
    zip: location?.zip ?? null,
    locationSource: location?.source ?? null,
    locationWords: location?.words ? maskPhoneNumbers(location.words) : null,
    awaitingLocationUntil: ask ? now + config.followupMinutes * 60_000 : null,
    // Set for a hidden number too, so that no worker tries to ask it later.
    askedLocation: contact === null || ask,
    locationAsks: ask ? 1 : 0,
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
  const member = repos.committees.addMember(
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
  if (!committee.autoApprove) ctx.sends.push(...noticeJoinRequest(ctx, committee, member, repos.contacts.get(contact.id) ?? contact));
  return [committee.autoApprove ? 'join_active' : 'join_pending', { committee: committee.name }];
}

/**
 * A sender that is not a phone number (a withheld caller ID) is many people: no contact is made for it, its report
 * has no one to ask "where is this?" (a dispatcher places it), and keywords, which act on a number, do nothing.
 */
function fromHiddenNumber(ctx: Ctx, command: Command, sms: InboundSms, detected: DetectedLanguage | null): Handled {
  const locale = command.languageHint ?? detected?.locale ?? ctx.config.defaultLocale;
  const say = (key: MessageKey) => fitSms(t(locale, key, { program: ctx.config.programName }));
  switch (command.type) {
    case 'report':
      return report(ctx, null, sms, detected?.language ?? null, ctx.locator.read(sms.body), say);
    case 'empty':
      return sms.mediaUrls.length > 0 ? report(ctx, null, sms, detected?.language ?? null, ctx.locator.read(sms.body), say) : { kind: 'help', reply: say('help') };
    case 'help':
      return { kind: 'help', reply: say('help') };
    case 'stop':
      return { kind: 'stop', reply: null };
    default:
      return { kind: command.type, reply: say('hidden_number') };
  }
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
