// Every broadcast template, in every language, with the longest place labels, through the tests' own segment
// counter (test/support/segments.ts, from GSM 03.38), not the app's.
import { describe, expect, it } from 'vitest';
import { type AlertSubject, type BroadcastText, broadcastText, publicPlace } from '../../src/domain/alert-text.js';
import { segmentsOf } from '../../src/domain/sms-fit.js';
import { INCIDENT_KINDS, LOCALES } from '../../src/domain/types.js';
import { countSegments } from '../support/segments.js';

/** 60-character labels: a named place, an intersection, a home address (named by its block), an accented street. */
const LABELS = [
  'Immigration Court 100 Montgomery St, San Francisco, CA 94104',
  'Cesar Chavez St & South Van Ness Ave, Mission Dist, SF 94110',
  '24568 South Van Ness Avenue, San Francisco, California 94110',
  'Calle Álvarez y Avenida Cuauhtémoc, Colonia Doctores, Oaxaca',
];
const TEMPLATES: BroadcastText[] = ['alert', 'correction', 'all_clear', 'stand_down', 'update'];
const UPDATE_TEXT = 'Agents left at 3:40pm. Stay alert.';

/** Accents aside (dropping them is how a text stays GSM-7), the text was sent whole: nothing was cut off. */
const plain = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '');

function subjects(): Array<AlertSubject & { name: string }> {
  return INCIDENT_KINDS.flatMap((kind) =>
    LABELS.flatMap((label) => [false, true].map((drill) => ({ name: `${kind} ${drill ? 'drill ' : ''}at "${label}"`, code: 'K7Q2', kind, label, drill }))),
  );
}

describe('the tests’ own segment counter', () => {
  it('counts GSM-7 septets, extension characters twice, and 153 per concatenated part', () => {
    expect(countSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(countSegments('a'.repeat(161)).segments).toBe(2);
    expect(countSegments('a'.repeat(306)).segments).toBe(2);
    expect(countSegments('a'.repeat(307)).segments).toBe(3);
    expect(countSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    // An escape pair is never split: 152 septets then one extension character needs a second part.
    expect(countSegments('a'.repeat(152) + '€' + 'a'.repeat(153)).segments).toBe(3);
    expect(countSegments('ñÑéÉüÜ¿¡àèìòù').encoding).toBe('GSM-7');
  });

  it('falls into UCS-2 on one accent outside GSM 03.38: 70 alone, 67 per part', () => {
    expect(countSegments('á').encoding).toBe('UCS-2');
    expect(countSegments('á'.repeat(70)).segments).toBe(1);
    expect(countSegments('á'.repeat(71)).segments).toBe(2);
    expect(countSegments('á'.repeat(134)).segments).toBe(2);
    expect(countSegments('á'.repeat(135)).segments).toBe(3);
    expect(countSegments('Ó').encoding).toBe('UCS-2');
  });
});

describe('broadcast texts', () => {
  it('item 4: the labels are the longest the test means (60 characters)', () => {
    for (const label of LABELS) expect(label.length).toBe(60);
  });

  it('item 4: the English alert is at most 160 GSM-7 characters, whole, for every kind and label', () => {
    for (const subject of subjects().filter((s) => !s.drill)) {
      const text = broadcastText('alert', 'en', subject);
      const count = countSegments(text);
      expect(count.encoding, subject.name).toBe('GSM-7');
      expect(count.units, `${subject.name}: ${text}`).toBeLessThanOrEqual(160);
      expect(plain(text), subject.name).toContain(plain(publicPlace(subject)));
      expect(text, subject.name).toMatch(/interfere\.$/);
    }
  });

  for (const locale of LOCALES) {
    it(`item 4: every ${locale} template fits two segments whole, drills too`, () => {
      for (const subject of subjects()) {
        for (const template of TEMPLATES) {
          const text = broadcastText(template, locale, subject, UPDATE_TEXT);
          const name = `${template} ${subject.name}: ${text}`;
          expect(countSegments(text).segments, name).toBeLessThanOrEqual(2);
          // Whole: it ends as the template ends, and names the code (and the place, where the template has one).
          expect(text, name).toContain(subject.code);
          expect(text, name).not.toMatch(/(\.\.\.|…)$/);
          if (template === 'update') expect(text, name).toContain(UPDATE_TEXT);
          else expect(plain(text), name).toContain(plain(publicPlace(subject)));
          // Accents never cost a segment: where dropping them saves one, they are dropped.
          expect(countSegments(text).segments, name).toBeLessThanOrEqual(countSegments(plain(text)).segments);
          // The two counters agree.
          expect(segmentsOf(text).segments, name).toBe(countSegments(text).segments);
        }
      }
    });
  }
});
