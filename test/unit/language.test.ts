import { describe, expect, it } from 'vitest';
import { classifyKind, detectLanguage } from '../../src/domain/language.js';
import { fitSms, isGsm7, segmentsOf, toGsm7 } from '../../src/domain/sms-fit.js';

describe('detectLanguage', () => {
  it.each([
    ['La migra está en la fábrica de la calle Mission ahora mismo', 'es', 'es'],
    ['Hay agentes de inmigración en la escuela de mis hijos', 'es', 'es'],
    ['May mga ahente ng ICE sa pabrika sa kanto ng Mission ngayon', 'tl', 'tl'],
    ['Nandito ang ICE sa bahay namin ngayon', 'tl', 'tl'],
    ['ICE agents are at the factory on Mission street right now', 'en', 'en'],
    ['There are two white vans outside the school on 24th', 'en', 'en'],
    ['Os agentes da imigração estão na fábrica agora', 'pt', null],
    ['Les agents de l’immigration sont devant l’école maintenant', 'fr', null],
    ['Có nhân viên di trú ở nhà máy', 'vi', null],
    ['移民局的人在工厂门口', 'zh', null],
    ['이민국 요원들이 공장 앞에 있어요', 'ko', null],
    ['Агенты иммиграционной службы сейчас на заводе', 'ru', null],
    ['عملاء الهجرة في المصنع الآن', 'ar', null],
    ['Ajan imigrasyon yo nan faktori a kounye a', 'ht', null],
  ])('%s → %s', (text, language, locale) => {
    expect(detectLanguage(text)).toEqual({ language, locale });
  });

  it.each(['ICE 94110', 'migra 24th y Mission', 'JOIN K7Q2M9 94110', 'ICE at 94110 X7K2 2pm', '', '🚨🚨🚨'])(
    'does not guess on short text %j',
    (text) => {
      expect(detectLanguage(text)).toEqual({ language: null, locale: null });
    },
  );

  it('counts only letter words: numbers and codes do not make a text long enough', () => {
    expect(detectLanguage('la migra 94110 X7K2 1234 5678 24th').language).toBeNull();
    expect(detectLanguage('la migra está aquí').language).toBe('es');
  });

  it('does not answer unknown Latin-script text in Tagalog without Tagalog words', () => {
    expect(detectLanguage('Xeʼul ri ajan kʼa chupam ri jay').locale).not.toBe('tl');
  });
});

describe('classifyKind', () => {
  it.each([
    ['ICE agents at the school on 24th', 'school'],
    ['la migra está afuera de la escuela primaria', 'school'],
    ['Hay agentes en el colegio', 'school'],
    ['may ICE sa paaralan', 'school'],
    ['arrests at the courthouse downtown', 'court'],
    ['están arrestando en la corte de inmigración', 'court'],
    ['ICE sa korte ngayon', 'court'],
    ['checkpoint on highway 101 northbound', 'checkpoint'],
    ['hay un retén en la 5 y Main', 'checkpoint'],
    ['Hay un punto de control en la Avenida', 'checkpoint'],
    ['agents knocking on doors on Elm St', 'home'],
    ['están tocando puertas en la calle Folsom', 'home'],
    ['la migra está en la casa de mi vecino', 'home'],
    ['ICE at an apartment building on Valencia', 'home'],
    ['ICE sa bahay ng kapitbahay namin', 'home'],
    ['raid at the factory on 3rd', 'worksite'],
    ['la migra en la fábrica', 'worksite'],
    ['agentes en el almacén de la calle 5', 'worksite'],
    ['ICE at the car wash on Mission', 'worksite'],
    ['ICE at Home Depot parking lot', 'worksite'],
    ['ICE sa pabrika', 'worksite'],
    ['redada en las tiendas del centro', 'worksite'],
    ['white vans on 24th and Mission', 'other'],
    ['', 'other'],
  ] as const)('%j → %s', (text, kind) => {
    expect(classifyKind(text)).toBe(kind);
  });

  it('matches whole words only', () => {
    expect(classifyKind('schooling homeless courtesy workers')).toBe('other');
    expect(classifyKind('the casanova restaurant')).toBe('worksite');
  });

  it('applies the documented priority', () => {
    expect(classifyKind('agents at the school next to the factory')).toBe('school');
    expect(classifyKind('ICE at the courthouse near the school')).toBe('school');
    expect(classifyKind('checkpoint outside the factory')).toBe('checkpoint');
    expect(classifyKind('knocking on doors near the warehouse')).toBe('home');
    // "cerca de mi casa" is a landmark: the factory is where the raid is.
    expect(classifyKind('la migra en la fábrica cerca de mi casa')).toBe('worksite');
  });
});

describe('segmentsOf', () => {
  it('counts GSM-7 and UCS-2 segments', () => {
    expect(segmentsOf('hello')).toEqual({ encoding: 'GSM-7', segments: 1 });
    expect(segmentsOf('a'.repeat(160))).toEqual({ encoding: 'GSM-7', segments: 1 });
    expect(segmentsOf('a'.repeat(161))).toEqual({ encoding: 'GSM-7', segments: 2 });
    expect(segmentsOf('á'.repeat(70))).toEqual({ encoding: 'UCS-2', segments: 1 });
    expect(segmentsOf('á'.repeat(71))).toEqual({ encoding: 'UCS-2', segments: 2 });
    expect(segmentsOf('¿Dónde?')).toEqual({ encoding: 'UCS-2', segments: 1 });
    expect(segmentsOf('¿Año?')).toEqual({ encoding: 'GSM-7', segments: 1 });
  });
});

describe('toGsm7', () => {
  it('strips accents that GSM-7 lacks and keeps those it has', () => {
    expect(toGsm7('¿Dónde está? ¡Aquí, en el año!')).toBe('¿Donde esta? ¡Aqui, en el año!');
    expect(toGsm7('“Quotes” — and… ’')).toBe('"Quotes" - and... \'');
    expect(toGsm7('Café Ñandú')).toBe('Café Ñandu');
  });

  it('gives up on characters with no GSM-7 form', () => {
    expect(toGsm7('ICE 🚨')).toBeNull();
    expect(toGsm7('移民局')).toBeNull();
  });

  it('isGsm7 tells the two apart', () => {
    expect(isGsm7('Hola ñ é ¿¡ €')).toBe(true);
    expect(isGsm7('Dónde')).toBe(false);
  });
});

describe('fitSms', () => {
  it('leaves texts that fit untouched, accents included', () => {
    const short = '¿Dónde está pasando?';
    expect(fitSms(short)).toBe(short);
    const english = 'x'.repeat(306);
    expect(fitSms(english)).toBe(english);
  });

  it('strips accents when they alone push the text past the limit', () => {
    const text = 'Está aquí la migración. '.repeat(8); // 192 chars: 3 UCS-2 segments, 2 in GSM-7
    expect(segmentsOf(text).segments).toBe(3);
    const fitted = fitSms(text);
    expect(fitted).toBe('Esta aqui la migracion. '.repeat(8));
    expect(segmentsOf(fitted)).toEqual({ encoding: 'GSM-7', segments: 2 });
  });

  it('truncates at a word boundary with "..." when stripping is not enough', () => {
    const text = 'Él está aquí con la migración ahora '.repeat(20);
    const fitted = fitSms(text);
    expect(segmentsOf(fitted)).toEqual({ encoding: 'GSM-7', segments: 2 });
    expect(fitted.endsWith('...')).toBe(true);
    expect(fitted.length).toBeGreaterThan(280);
    const stripped = text.replace(/á/g, 'a').replace(/í/g, 'i').replace(/ó/g, 'o');
    const kept = fitted.slice(0, -3);
    // A prefix of the accent-free text that ends exactly where a word ends.
    expect(stripped.startsWith(kept)).toBe(true);
    expect(kept).toMatch(/\S$/);
    expect(stripped[kept.length]).toBe(' ');
  });

  it('truncates plain English with "..."', () => {
    const fitted = fitSms('word '.repeat(100));
    expect(segmentsOf(fitted).segments).toBe(2);
    expect(fitted).toMatch(/ word\.\.\.$/);
  });

  it('keeps UCS-2 when emoji make it necessary, and truncates with …', () => {
    const text = `🚨 Está aquí ${'la migra '.repeat(30)}`;
    const fitted = fitSms(text);
    expect(segmentsOf(fitted)).toEqual({ encoding: 'UCS-2', segments: 2 });
    expect(fitted.startsWith('🚨 Está aquí')).toBe(true);
    expect(fitted.endsWith('\u2026')).toBe(true);
  });

  it('never splits an emoji', () => {
    const fitted = fitSms('😀'.repeat(200));
    expect(fitted).toBe(`${'😀'.repeat(66)}\u2026`);
  });

  it('honours maxSegments', () => {
    const fitted = fitSms('word '.repeat(100), 1);
    expect(segmentsOf(fitted).segments).toBe(1);
    expect(fitSms('word '.repeat(100), 4)).toBe('word '.repeat(100));
  });

  it('never throws and stays fast on huge or odd input', () => {
    const started = Date.now();
    expect(segmentsOf(fitSms('á'.repeat(1_000_000))).segments).toBeLessThanOrEqual(2);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(() => fitSms('\uD800'.repeat(400))).not.toThrow();
    expect(() => fitSms('x'.repeat(400), Number.NaN)).not.toThrow();
    expect(segmentsOf(fitSms('x'.repeat(400), 0)).segments).toBe(1);
    expect(fitSms('')).toBe('');
  });
});
