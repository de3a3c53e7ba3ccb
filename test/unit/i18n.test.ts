import { describe, expect, it } from 'vitest';
import { fitSms, isGsm7, segmentsOf, toGsm7 } from '../../src/domain/sms-fit.js';
import { LOCALES, type Locale } from '../../src/domain/types.js';
import { CATALOGUES, MESSAGE_KEYS, type MessageKey, localeName, placeholdersOf, t } from '../../src/i18n/index.js';

const KIND_KEYS = MESSAGE_KEYS.filter((k) => k.startsWith('kind_'));

/** The longest realistic values: 40-char committee and place, 4-char code, 100-char update. */
function maxParams(locale: Locale, accented: boolean): Record<string, string> {
  const longestKind = KIND_KEYS.map((k) => t(locale, k)).reduce((a, b) => (b.length > a.length ? b : a));
  return {
    committee: accented ? 'Comité de Defensa Vecinal de la Misión Ñ' : 'Mission District Rapid Response Networks',
    code: 'K7Q2',
    place: accented ? 'Calle Álvarez y Avenida Cuauhtémoc, Oaxa' : 'Cesar Chavez St & South Van Ness Ave, SF',
    text: accented
      ? 'Los agentes se fueron a las 3:40. Sigan atentos y no compartan rumores sin verificación, por favor!!'
      : 'Agents left at 3:40pm. Stay alert, do not share rumors that are not verified. Thank you all, really!',
    drill: t(locale, 'drill_prefix'),
    kind: longestKind,
    // A verification request's check code, the reporter's place words (cut to 40) and an alert's audience.
    check: 'K7Q2M',
    words: accented ? 'detrás de la panadería Álvarez, esquina' : 'behind the bakery on 24th, by the corner',
    count: '123456',
    // PROGRAM_NAME's longest (30), a masked number, and a JOIN note of realistic length (a longer one is cut at the end).
    program: 'Mission Rapid Response Hotline',
    phone: '+1*******1234',
    last4: '1234',
    zip: '94110',
    note: accented ? 'Me mandó Rosa, de la iglesia de la 24, vivo cerca de la Misión' : 'Sent by Rosa from the church on 24th St, I live near Mission',
    // The incident a duplicate repeats, or the one a merged incident became.
    other: 'M4P9',
    // Two open alerts' codes, when a roll-call reply must say which.
    first: 'K7Q2',
    second: 'M4P9',
    // A page to dispatchers: the console link of the incident (PUBLIC_URL/incidents/CODE).
    link: 'https://alerts.mission-rapid-response.org/incidents/K7Q2',
  };
}

describe('catalogue shape', () => {
  it('has realistic maximal params', () => {
    const p = maxParams('en', false);
    expect([p.committee?.length, p.place?.length, p.text?.length, p.code?.length]).toEqual([40, 40, 100, 4]);
    const q = maxParams('es', true);
    expect([q.committee?.length, q.place?.length, q.text?.length]).toEqual([40, 40, 100]);
  });

  it.each(LOCALES)('%s has exactly the English keys', (locale) => {
    expect(Object.keys(CATALOGUES[locale]).sort()).toEqual([...MESSAGE_KEYS].sort());
  });

  it.each(LOCALES)('%s uses exactly the English placeholders in every message', (locale) => {
    for (const key of MESSAGE_KEYS) {
      expect(placeholdersOf(CATALOGUES[locale][key]).sort(), key).toEqual(placeholdersOf(CATALOGUES.en[key]).sort());
    }
  });

  it.each(LOCALES)('%s has no empty or padded messages (drill prefix aside)', (locale) => {
    for (const key of MESSAGE_KEYS) {
      const text = CATALOGUES[locale][key];
      if (key === 'drill_prefix') {
        // The drill word in each language: DRILL / SIMULACRO / PAGSASANAY.
        expect(text).toMatch(/^(DRILL|SIMULACRO|PAGSASANAY): $/);
        continue;
      }
      expect(text, key).toBe(text.trim());
      expect(text.length, key).toBeGreaterThan(0);
    }
  });

  it('keeps only the expected placeholders in the parameterised messages', () => {
    const withParams = MESSAGE_KEYS.filter((k) => placeholdersOf(CATALOGUES.en[k]).length > 0).sort();
    // Named the program (PROGRAM_NAME), as carriers require of HELP and JOIN replies; membership by SMS.
    // Pages to on-duty dispatchers (src/services/paging.ts).
    const paging = ['page_unopened', 'page_stale', 'page_disputed', 'page_escalation', 'page_flood'];
    // Follow-through: corrections that say what it was, reminders, merge notices.
    const followThrough = ['correction_duplicate', 'correction_repeat', 'reminder', 'same_raid'];
    const membership = ['help', 'join_how', 'join_unknown_code', 'member_request', 'member_approved', 'member_denied', 'member_ambiguous', 'member_not_found'];
    expect(withParams).toEqual(
      ['alert', 'all_clear', 'arrived_ok', 'arrived_which', 'correction', 'join_active', 'join_already', 'join_pending', 'reply_noted', 'respond_cannot', 'respond_going', 'respond_which', 'stand_down', 'update', 'welcome', 'admin_notice', 'send_not_verified', 'send_recorded', 'verify_ack_cannot', 'verify_ack_going', 'verify_closed', 'verify_dismissed', 'verify_dispute_page', 'verify_disputed', 'verify_no_verifier', 'verify_recorded', 'verify_request'].concat(membership, paging, followThrough).sort(),
    );
  });
});

describe('every message fits in 2 segments', () => {
  for (const locale of LOCALES) {
    for (const accented of [false, true]) {
      it(`${locale}, ${accented ? 'accented' : 'plain'} params: no truncation, no leftover placeholder`, () => {
        const params = maxParams(locale, accented);
        for (const key of MESSAGE_KEYS) {
          const text = t(locale, key, params);
          expect(text, key).not.toMatch(/\{\w+\}/);
          const fitted = fitSms(text);
          expect(segmentsOf(fitted).segments, key).toBeLessThanOrEqual(2);
          // Fitting may drop accents but must never cut a message short.
          expect([text, toGsm7(text)], key).toContain(fitted);
        }
      });
    }
  }

  it('English is plain GSM-7 and fits without help', () => {
    const params = maxParams('en', false);
    for (const key of MESSAGE_KEYS) {
      const text = t('en', key, params);
      expect(isGsm7(text), key).toBe(true);
      expect(segmentsOf(text).segments, key).toBeLessThanOrEqual(2);
    }
  });

  it('Tagalog is plain GSM-7 too', () => {
    for (const key of MESSAGE_KEYS) expect(isGsm7(CATALOGUES.tl[key]), key).toBe(true);
  });
});

describe('t()', () => {
  it('fills placeholders', () => {
    expect(t('en', 'respond_going', { code: 'K7Q2' })).toBe(
      'Thank you! We noted that you are going to alert K7Q2. Stay calm and stay safe.',
    );
    expect(t('en', 'alert', { drill: '', code: 'K7Q2', kind: t('en', 'kind_school'), place: 'Mission HS' })).toBe(
      "RAID CONFIRMED K7Q2: School raid, Mission HS. Reply 1 going, 2 can't. Film, stay calm, don't interfere.",
    );
    expect(t('es', 'update', { drill: t('es', 'drill_prefix'), code: 'K7Q2', text: 'Se fueron.' })).toBe(
      'SIMULACRO: ACTUALIZACIÓN K7Q2: Se fueron.',
    );
    expect(t('tl', 'join_already', { committee: 'Bayanihan SF', program: 'Centinela' })).toContain('Bayanihan SF');
  });

  it('accepts numbers as params', () => {
    expect(t('en', 'respond_cannot', { code: 42 })).toBe('Thank you for letting us know about alert 42.');
  });

  it('throws on a missing param', () => {
    expect(() => t('en', 'join_pending', { program: 'Centinela' })).toThrow(/committee/);
    expect(() => t('es', 'alert', { drill: '', code: 'K7Q2', kind: 'x' })).toThrow(/place/);
  });

  it('does not re-read placeholders inside values', () => {
    expect(t('en', 'update', { drill: '', code: 'K7Q2', text: 'see {code} and $& later' })).toBe(
      'UPDATE K7Q2: see {code} and $& later',
    );
  });

  it('speaks each language', () => {
    expect(t('en', 'lang_set')).toMatch(/English/);
    expect(t('es', 'lang_set')).toMatch(/español/);
    expect(t('tl', 'lang_set')).toMatch(/Tagalog/);
  });

  it.each([
    ['en', 'LANG'],
    ['es', 'IDIOMA'],
    ['tl', 'WIKA'],
  ] as const)('%s lang_unsupported names its own keyword (%s EN/ES/TL)', (locale, word) => {
    const text = t(locale, 'lang_unsupported');
    for (const code of ['EN', 'ES', 'TL']) expect(text).toContain(`${word} ${code}`);
  });

  it.each(LOCALES)('%s opt-in messages carry the carrier disclosures', (locale) => {
    for (const key of ['join_pending', 'join_active', 'welcome'] as const satisfies readonly MessageKey[]) {
      const text = t(locale, key, { committee: 'C', program: 'Centinela' });
      expect(text).toContain('STOP');
      expect(text).toMatch(/HELP|AYUDA|TULONG/);
      expect(text).toMatch(/rates|tarifas|singil/);
    }
    expect(t(locale, 'help', { program: 'Centinela' })).toContain('911');
    expect(t(locale, 'help', { program: 'Centinela' })).toMatch(/STOP|ALTO/);
    expect(t(locale, 'report_limited')).toContain('911');
    expect(t(locale, 'start_ok')).toMatch(/STOP|ALTO/);
  });

  it('localeName gives each language in its own words', () => {
    expect(LOCALES.map(localeName)).toEqual(['English', 'Español', 'Tagalog']);
  });
});
