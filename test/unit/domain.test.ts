import { describe, expect, it } from 'vitest';
import { broadcastText, publicPlace } from '../../src/domain/alert-text.js';
import { chooseIncident } from '../../src/domain/clustering.js';
import { incidentCode, inviteCode, randomCode } from '../../src/domain/codes.js';
import { parseInbound } from '../../src/domain/keywords.js';
import { planRecipients } from '../../src/domain/recipients.js';
import { segmentsOf } from '../../src/domain/sms-fit.js';
import { LOCALES } from '../../src/domain/types.js';
import { classifyTwilioCode } from '../../src/sms/errors.js';
import { fromTwilioStatus } from '../../src/sms/status.js';

const mission = { lat: 37.7599, lng: -122.4148 };
const rules = { meters: 1000, minutes: 30 };
const now = Date.UTC(2026, 10, 23, 12);

describe('clustering', () => {
  const placed = { ...mission, precision: 'intersection' as const, zip: '94110' };
  const candidate = (over: object) => ({
    id: 'a', status: 'new' as const, lastReportedAt: now - 60_000, closedAt: null, ...mission, precision: 'intersection' as const, zip: '94110', ...over,
  });

  it('joins the nearest open incident within distance and time', () => {
    const near = candidate({ id: 'near', lat: mission.lat + 0.001 });
    const nearer = candidate({ id: 'nearer' });
    expect(chooseIncident(placed, now, [near, nearer], rules)).toEqual({ join: 'nearer' });
  });

  it('opens a new incident when the open one is too far or too old', () => {
    expect(chooseIncident(placed, now, [candidate({ lat: mission.lat + 0.02 })], rules)).toEqual({ open: true, afterDismissedId: null });
    expect(chooseIncident(placed, now, [candidate({ lastReportedAt: now - 31 * 60_000 })], rules)).toEqual({ open: true, afterDismissedId: null });
  });

  it('opens a new incident that points at a recently dismissed one nearby', () => {
    const dismissed = candidate({ id: 'd', status: 'dismissed', closedAt: now - 60_000 });
    expect(chooseIncident(placed, now, [dismissed], rules)).toEqual({ open: true, afterDismissedId: 'd' });
    expect(chooseIncident(placed, now, [{ ...dismissed, closedAt: now - 40 * 60_000 }], rules)).toEqual({ open: true, afterDismissedId: null });
  });
});

describe('recipients', () => {
  it('sends one per person at their nearest location, nearest first, unknown locations last, never the reporter', () => {
    const far = { lat: 37.8, lng: -122.4 };
    const recipients = planRecipients(
      [
        { contactId: 'x', ...far, locale: 'en' },
        { contactId: 'x', ...mission, locale: 'en' },
        { contactId: 'nowhere', lat: null, lng: null, locale: 'es' },
        { contactId: 'y', ...far, locale: 'tl' },
        { contactId: 'reporter', ...mission, locale: 'en' },
      ],
      mission,
      new Set(['reporter']),
    );
    expect(recipients.map((r) => r.contactId)).toEqual(['x', 'y', 'nowhere']);
    expect(recipients[0]?.distanceMeters).toBeLessThan(1);
  });
});

describe('alert texts', () => {
  it('names a home by its block, never its house number', () => {
    expect(publicPlace({ kind: 'home', label: '1234 Mission St' })).toBe('1200 block of Mission St');
    expect(publicPlace({ kind: 'worksite', label: '1234 Mission St' })).toBe('1234 Mission St');
    expect(publicPlace({ kind: 'home', label: 'ZIP 94110' })).toBe('ZIP 94110');
  });

  it('fits every broadcast in two segments in every language, marking drills', () => {
    const incident = { code: 'K7Q2', kind: 'checkpoint' as const, label: 'Intersection of Cesar Chavez and Mission', drill: true };
    for (const locale of LOCALES) {
      for (const kind of ['alert', 'correction', 'all_clear', 'stand_down'] as const) {
        const text = broadcastText(kind, locale, incident);
        expect(segmentsOf(text).segments, `${locale} ${kind}`).toBeLessThanOrEqual(2);
        expect(text).toContain('K7Q2');
      }
      expect(broadcastText('update', locale, incident, 'Agents left at 3pm; legal observers stay until the families are home.')).toContain('legal observers');
    }
    expect(broadcastText('alert', 'en', incident)).toMatch(/^DRILL: /);
    expect(broadcastText('alert', 'es', incident)).toMatch(/^SIMULACRO: /);
    expect(broadcastText('alert', 'tl', incident)).toMatch(/^PAGSASANAY: /);
  });
});

describe('codes', () => {
  it('always mixes letters and digits, so the keyword parser can tell codes from words', () => {
    for (let i = 0; i < 500; i++) {
      const invite = inviteCode();
      expect(invite).toMatch(/^(?=.*\d)(?=.*[A-Z])[A-Z0-9]{6}$/);
      expect(invite).not.toMatch(/[01OIL]/);
      expect(parseInbound(`JOIN ${invite}`)).toMatchObject({ type: 'join', code: invite });
      expect(incidentCode()).toMatch(/^(?=.*\d)(?=.*[A-Z])[A-Z0-9]{4}$/);
    }
  });

  it('never draws a code the keyword parser reads as an ordinal or a time ("5732ND", "12PM")', () => {
    const codes = Array.from({ length: 20_000 }, () => randomCode(4));
    expect(codes.filter((code) => /^\d+(ST|ND|RD|TH|AM|PM)$/.test(code))).toEqual([]);
    for (const code of codes.slice(0, 2000)) expect(parseInbound(`1 ${code}`)).toMatchObject({ type: 'respond', incidentCode: code });
  });
});

describe('provider errors and statuses', () => {
  it('classifies Twilio errors into retryable, recipient, account-wide and permanent', () => {
    expect(classifyTwilioCode(20429, 429)).toBe('retryable');
    expect(classifyTwilioCode(undefined, 503)).toBe('retryable');
    expect(classifyTwilioCode(undefined, undefined)).toBe('retryable');
    expect(classifyTwilioCode(21610, 400)).toBe('recipient');
    expect(classifyTwilioCode(21211, 400)).toBe('recipient');
    for (const code of [20003, 21606, 30034, 21212]) expect(classifyTwilioCode(code, 400)).toBe('account');
    expect(classifyTwilioCode(undefined, 401)).toBe('account');
    expect(classifyTwilioCode(21617, 400)).toBe('permanent');
  });

  it('maps Twilio statuses onto the ledger', () => {
    expect(fromTwilioStatus('queued')).toBe('sent');
    expect(fromTwilioStatus('delivered')).toBe('delivered');
    expect(fromTwilioStatus('undelivered')).toBe('undelivered');
    expect(fromTwilioStatus('failed')).toBe('failed');
    expect(fromTwilioStatus('bogus')).toBeNull();
  });
});
