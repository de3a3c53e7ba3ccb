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
        expect(text).toMatch(/^\[\S+\] $/);
        continue;
      }
      expect(text, key).toBe(text.trim());
      expect(text.length, key).toBeGreaterThan(0);
    }
  });

  it('keeps only the expected placeholders in the parameterised messages', () => {
    const withParams = MESSAGE_KEYS.filter((k) => placeholdersOf(CATALOGUES.en[k]).length > 0).sort();
    expect(withParams).toEqual(
      ['alert', 'all_clear', 'correction', 'join_active', 'join_already', 'join_pending', 'reply_noted', 'respond_cannot', 'respond_going', 'stand_down', 'update', 'welcome'].sort(),
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
      "RAID CONFIRMED K7Q2: School raid near Mission HS. Reply 1 if you can go, 2 if you can't. Document, stay calm, don't interfere.",
    );
    expect(t('es', 'update', { drill: t('es', 'drill_prefix'), code: 'K7Q2', text: 'Se fueron.' })).toBe(
      '[SIMULACRO] ACTUALIZACIÓN K7Q2: Se fueron.',
    );
    expect(t('tl', 'join_already', { committee: 'Bayanihan SF' })).toContain('Bayanihan SF');
  });

  it('accepts numbers as params', () => {
    expect(t('en', 'respond_cannot', { code: 42 })).toBe('Thank you for letting us know about alert 42.');
  });

  it('throws on a missing param', () => {
    expect(() => t('en', 'join_pending')).toThrow(/committee/);
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
      const text = t(locale, key, { committee: 'C' });
      expect(text).toContain('STOP');
      expect(text).toMatch(/HELP|AYUDA|TULONG/);
      expect(text).toMatch(/rates|tarifas|singil/);
    }
    expect(t(locale, 'help')).toContain('911');
    expect(t(locale, 'help')).toMatch(/STOP|ALTO/);
    expect(t(locale, 'report_limited')).toContain('911');
    expect(t(locale, 'start_ok')).toMatch(/STOP|ALTO/);
  });

  it('localeName gives each language in its own words', () => {
    expect(LOCALES.map(localeName)).toEqual(['English', 'Español', 'Tagalog']);
  });
});
