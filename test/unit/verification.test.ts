// The verification policy (issue 9 items 1 and 2), pure: shifts in the network's time zone, who is asked, what a word does.
import { describe, expect, it } from 'vitest';
import { segmentsOf } from '../../src/domain/sms-fit.js';
import { LOCALES } from '../../src/domain/types.js';
import { chooseVerifiers, localWeekMinute, roundAnswered, roundDeclined, shortWords, verdictEffect, verifyRequestText, withinShifts } from '../../src/domain/verification.js';

const LA = 'America/Los_Angeles';
// Monday 2026-11-23 19:30 in Los Angeles (PST, UTC-8) = Tuesday 03:30 UTC.
const MONDAY_EVENING = Date.UTC(2026, 10, 24, 3, 30);

describe('shifts', () => {
  it('item 1: reads the day and minute in the network\'s time zone, not UTC', () => {
    expect(localWeekMinute(MONDAY_EVENING, LA)).toEqual({ day: 1, minute: 19 * 60 + 30 });
    expect(localWeekMinute(MONDAY_EVENING, 'UTC')).toEqual({ day: 2, minute: 3 * 60 + 30 });
  });

  it('item 1: no shifts means whenever on duty; with shifts, only inside one (end exclusive, across midnight too)', () => {
    expect(withinShifts(null, MONDAY_EVENING, LA)).toBe(true);
    expect(withinShifts([], MONDAY_EVENING, LA)).toBe(true);
    expect(withinShifts([{ day: 1, start: 18 * 60, end: 23 * 60 }], MONDAY_EVENING, LA)).toBe(true);
    expect(withinShifts([{ day: 1, start: 18 * 60, end: 19 * 60 + 30 }], MONDAY_EVENING, LA)).toBe(false);
    expect(withinShifts([{ day: 2, start: 18 * 60, end: 23 * 60 }], MONDAY_EVENING, LA)).toBe(false);
    // Sunday 22:00 to Monday 20:00 would be two shifts; Monday 22:00–06:00 covers Tuesday 03:00 local.
    const night = [{ day: 1, start: 22 * 60, end: 6 * 60 }];
    expect(withinShifts(night, MONDAY_EVENING, LA)).toBe(false);
    expect(withinShifts(night, MONDAY_EVENING + 8 * 3_600_000, LA)).toBe(true);
  });
});

describe('who is asked', () => {
  const scene = { lat: 37.7599, lng: -122.4148 };
  const at = MONDAY_EVENING;
  const base = { onDuty: true, shifts: null };
  const candidates = [
    { ...base, contactId: 'far', lat: 37.78, lng: -122.48 },
    { ...base, contactId: 'near', lat: 37.76, lng: -122.415 },
    { ...base, contactId: 'nowhere', lat: null, lng: null },
    { ...base, contactId: 'off', lat: 37.7599, lng: -122.4148, onDuty: false },
    { ...base, contactId: 'mid', lat: 37.77, lng: -122.42 },
    // The same person in a second committee, nearer there: counted once, at the nearer place.
    { ...base, contactId: 'far', lat: 37.765, lng: -122.416 },
  ];

  it('item 1: the nearest on-duty verifiers, each once, those without a place last, at most the fan-out', () => {
    const chosen = chooseVerifiers(candidates, scene, { exclude: new Set(), fanout: 10, at, timeZone: LA });
    expect(chosen.map((c) => c.contactId)).toEqual(['near', 'far', 'mid', 'nowhere']);
    expect(chooseVerifiers(candidates, scene, { exclude: new Set(), fanout: 2, at, timeZone: LA }).map((c) => c.contactId)).toEqual(['near', 'far']);
  });

  it('item 1: the next round leaves out those already asked (and the reporters)', () => {
    const next = chooseVerifiers(candidates, scene, { exclude: new Set(['near', 'far']), fanout: 2, at, timeZone: LA });
    expect(next.map((c) => c.contactId)).toEqual(['mid', 'nowhere']);
    expect(chooseVerifiers(candidates, scene, { exclude: new Set(['near', 'far', 'mid', 'nowhere']), fanout: 2, at, timeZone: LA })).toEqual([]);
  });

  it('item 1: a round is answered by a "going" or a word; it is declined only when everyone said "can\'t"', () => {
    expect(roundAnswered([{ ack: null, verdict: null }, { ack: 'going', verdict: null }])).toBe(true);
    expect(roundAnswered([{ ack: 'cannot', verdict: null }, { ack: null, verdict: 'false' }])).toBe(true);
    expect(roundAnswered([{ ack: 'cannot', verdict: null }, { ack: null, verdict: null }])).toBe(false);
    expect(roundDeclined([{ ack: 'cannot', verdict: null }, { ack: null, verdict: null }])).toBe(false);
    expect(roundDeclined([{ ack: 'cannot', verdict: null }, { ack: 'cannot', verdict: null }])).toBe(true);
    expect(roundDeclined([])).toBe(false);
  });
});

describe('what a word does', () => {
  it('item 2: CONFIRM approves; FALSE dismisses only while nobody approved, else it is a dispute', () => {
    expect(verdictEffect('confirm', { confirmed: false, approvals: 0 })).toBe('approve');
    expect(verdictEffect('false', { confirmed: false, approvals: 0 })).toBe('dismiss');
    expect(verdictEffect('false', { confirmed: false, approvals: 1 })).toBe('dispute');
    expect(verdictEffect('false', { confirmed: true, approvals: 2 })).toBe('dispute');
  });
});

describe('the VERIFY text', () => {
  it('item 1: names kind, place (a home by its block), code, check code and the reporter\'s words, within two segments', () => {
    const incident = { code: 'K28P', kind: 'home' as const, label: '1234 Alabama St', locationWords: '1234 alabama st, the blue house behind the taqueria on the corner' };
    expect(verifyRequestText('en', incident, 'K7Q2M')).toBe(
      'VERIFY K28P: Home raid reported near 1200 block of Alabama St. Reporter\'s words: "1234 alabama st, the blue house behin...". Reply 1 K7Q2M if you go, 2 K7Q2M if you can\'t. Then CONFIRM K7Q2M or FALSE K7Q2M.',
    );
    for (const locale of LOCALES) {
      const text = verifyRequestText(locale, { ...incident, kind: 'worksite', label: 'Calle Álvarez y Avenida Cuauhtémoc, Oaxaca de Juárez' }, 'K7Q2M');
      expect(segmentsOf(text).segments, locale).toBeLessThanOrEqual(2);
      expect(text, locale).toContain('K7Q2M');
    }
  });

  it('shortWords cuts long words and falls back to the place', () => {
    expect(shortWords(null, 'ZIP 94110')).toBe('ZIP 94110');
    expect(shortWords('  by   the  church ', 'x')).toBe('by the church');
    expect(Array.from(shortWords('x'.repeat(100), '')).length).toBe(40);
  });
});
