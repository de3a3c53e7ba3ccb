// Verification policy: who is asked to check a report, when the next ones are, and what a verifier's word does.
// Pure: no I/O, time comes in as an argument.
import { distanceMeters } from '../geo/distance.js';
import { t } from '../i18n/index.js';
import { publicPlace } from './alert-text.js';
import { fitSms } from './sms-fit.js';
import type { IncidentKind, LatLng, Locale, WeeklyShift } from './types.js';

/** A verifier (or coordinator) who might be asked: an active member of a covering committee. */
export interface DutyCandidate {
  contactId: string;
  lat: number | null;
  lng: number | null;
  onDuty: boolean;
  shifts: WeeklyShift[] | null;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Day of the week (0 = Sunday) and minute of the day at `at` in `timeZone`. */
export function localWeekMinute(at: number, timeZone: string): { day: number; minute: number } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return { day: WEEKDAYS.indexOf(parts['weekday'] ?? 'Sun'), minute: Number(parts['hour'] ?? 0) * 60 + Number(parts['minute'] ?? 0) };
}

/** No shifts means "whenever on duty"; with shifts, only inside one of them (end exclusive; a shift may cross midnight). */
export function withinShifts(shifts: readonly WeeklyShift[] | null, at: number, timeZone: string): boolean {
  if (!shifts || shifts.length === 0) return true;
  const { day, minute } = localWeekMinute(at, timeZone);
  return shifts.some((s) => {
    if (s.end > s.start) return s.day === day && minute >= s.start && minute < s.end;
    // 22:00–06:00: the evening of its day and the morning of the next.
    return (s.day === day && minute >= s.start) || ((s.day + 1) % 7 === day && minute < s.end);
  });
}

export function isOnDuty(candidate: Pick<DutyCandidate, 'onDuty' | 'shifts'>, at: number, timeZone: string): boolean {
  return candidate.onDuty && withinShifts(candidate.shifts, at, timeZone);
}

/**
 * The next verifiers to ask: on duty now, never asked about this incident, not its reporters; nearest first (those
 * with no known place last), each person once however many committees they are in.
 */
export function chooseVerifiers(
  candidates: readonly DutyCandidate[],
  scene: LatLng,
  options: { exclude: ReadonlySet<string>; fanout: number; at: number; timeZone: string },
): Array<{ contactId: string; distanceMeters: number | null }> {
  const best = new Map<string, number | null>();
  for (const c of candidates) {
    if (options.exclude.has(c.contactId) || !isOnDuty(c, options.at, options.timeZone)) continue;
    const d = c.lat !== null && c.lng !== null ? distanceMeters(scene, { lat: c.lat, lng: c.lng }) : null;
    const seen = best.get(c.contactId);
    if (!best.has(c.contactId) || (d !== null && (seen === null || seen === undefined || d < seen))) best.set(c.contactId, d);
  }
  return [...best.entries()]
    .map(([contactId, distance]) => ({ contactId, distanceMeters: distance }))
    .sort((a, b) => (a.distanceMeters ?? Infinity) - (b.distanceMeters ?? Infinity))
    .slice(0, Math.max(1, options.fanout));
}

export interface RoundState {
  ack: 'going' | 'cannot' | null;
  verdict: 'confirm' | 'false' | null;
}

/**
 * Whether the latest round still holds escalation back: someone said they are going, or already gave their word.
 * A round where everyone said "can't" is over at once.
 */
export function roundAnswered(requests: readonly RoundState[]): boolean {
  return requests.some((r) => r.ack === 'going' || r.verdict !== null);
}

export function roundDeclined(requests: readonly RoundState[]): boolean {
  return requests.length > 0 && requests.every((r) => r.ack === 'cannot' && r.verdict === null);
}

/**
 * What a verifier's word does. CONFIRM is one approval. FALSE dismisses only while nobody has approved; against an
 * approval (or an alert already out) it is a dispute for the dispatchers: one verifier can neither release nor kill.
 */
export function verdictEffect(verdict: 'confirm' | 'false', state: { confirmed: boolean; approvals: number }): 'approve' | 'dismiss' | 'dispute' {
  if (verdict === 'confirm') return 'approve';
  return state.confirmed || state.approvals > 0 ? 'dispute' : 'dismiss';
}

/** The reporter's own words about the place, cut short: the request must stay within two segments. */
export const WORDS_MAX = 40;

export function shortWords(words: string | null, fallback: string): string {
  const text = (words ?? '').replace(/\s+/g, ' ').trim() || fallback;
  const chars = Array.from(text);
  return chars.length <= WORDS_MAX ? text : `${chars.slice(0, WORDS_MAX - 3).join('').trimEnd()}...`;
}

export interface VerifySubject {
  code: string;
  kind: IncidentKind;
  label: string | null;
  locationWords: string | null;
}

/** The VERIFY request: kind, place (a home by its block, as in alerts), code, check code and the reporter's place words. */
export function verifyRequestText(locale: Locale, incident: VerifySubject, check: string): string {
  const place = publicPlace(incident);
  return fitSms(
    t(locale, 'verify_request', {
      code: incident.code,
      kind: t(locale, `kind_${incident.kind}`),
      place: shortWords(place, '?'),
      words: shortWords(incident.locationWords, place),
      check,
    }),
  );
}
