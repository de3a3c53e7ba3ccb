import { describe, expect, it } from 'vitest';
import { classifyKind, detectLanguage, reportLanguage } from '../../src/domain/language.js';
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
    expect(classifyKind('schooling homeless courtesy workers')).toBe('worksite');
    expect(classifyKind('schooling homeless courtesy')).toBe('other');
    expect(classifyKind('the casanova restaurant')).toBe('worksite');
  });

  it.each([
    // English, caps, typos, emoji
    ['ICE AT THE HOME DEPOT ON CESAR CHAVEZ RIGHT NOW', 'worksite'],
    ['raid at the chicken plant in the industrial park, lots of workers detained', 'worksite'],
    ['ICE at my work, they are checking everyones papers', 'worksite'],
    ['ICE raid at the farm off Hwy 1, workers running into the fields', 'worksite'],
    ['factroy on 3rd st has ICE vans outside 🚨', 'worksite'],
    ['agents in the kitchen of the restaurant on 24th', 'worksite'],
    ['ICE outside Cesar Chavez Elementary at pickup time', 'school'],
    ['immigration agents by the high school gate, kids getting out at 3', 'school'],
    ['ICE arresting people at immigration court on Sansome after their hearings', 'court'],
    ['agents in the courthouse hallway grabbing ppl', 'court'],
    ['CHECKPOINT at Army and Bryant, CBP stopping all cars', 'checkpoint'],
    ['chekpoint on Alemany by the school', 'checkpoint'],
    ['cops and ICE pulling people over on Geneva', 'checkpoint'],
    ['ICE knocking on doors on Shotwell st', 'home'],
    ['agents banging on the door of apt 3 at 2440 Mission', 'home'],
    ['ICE outside my house 😭😭 please help', 'home'],
    ['ICE is at my neighbors house right now, they have a warrant', 'home'],
    ['ICE at the church on Valencia', 'other'],
    ['ICE at the basketball court in Dolores Park', 'other'],
    ['agents at the bus stop on Mission and 16th', 'other'],
    // Spanish, no accents, slang
    ['la migra esta en la fabrica de tortillas en la 3ra', 'worksite'],
    ['agarraron a varios en el car wash de la Mission 😢', 'worksite'],
    ['redada en la obra de construccion en Valencia', 'worksite'],
    ['Migra en el jale!! llegaron 4 trocas', 'worksite'],
    ['la migra en los files de fresa', 'worksite'],
    ['hay migra afuera de la escuela de mis hijos', 'school'],
    ['migra en la escula primaria de la 22', 'school'],
    ['ICE en el kinder de la 24', 'school'],
    ['estan agarrando gente saliendo de la corte de inmigracion', 'court'],
    ['migra en el juzgado del centro', 'court'],
    ['reten de la migra en la Cesar Chavez y Potrero, eviten', 'checkpoint'],
    ['estan parando a todos los carros en la 101', 'checkpoint'],
    ['la migra esta tocando puertas en los apartamentos de la 20', 'home'],
    ['se llevaron a mi vecino de su casa esta mañana', 'home'],
    ['AYUDA la migra esta afuera de mi casa', 'home'],
    ['migra en el parque Dolores', 'other'],
    ['me cortaron el pelo, corte de pelo gratis en la 24', 'other'],
    // Tagalog and Taglish
    ['ICE sa pabrika namin sa South San Francisco', 'worksite'],
    ['may raid sa warehouse sa Brisbane, maraming hinuli', 'worksite'],
    ['may ICE sa labas ng paaralan ng anak ko', 'school'],
    ['ICE SA ISKUL NG MGA BATA NGAYON', 'school'],
    ['ICE sa korte sa Sansome, may hinuli', 'court'],
    ['may checkpoint sa Mission ngayon, iwasan', 'checkpoint'],
    ['pinapara nila lahat ng sasakyan sa kanto ng Geneva', 'checkpoint'],
    ['kumakatok ang ICE sa mga bahay dito sa Daly City', 'home'],
    ['ICE sa simbahan sa Mission', 'other'],
  ] as const)('item 7: %j → %s', (text, kind) => {
    expect(classifyKind(text)).toBe(kind);
  });

  it('item 7: landmark words are weaker than where the agents are', () => {
    expect(classifyKind('agents at the school next to the factory')).toBe('school');
    expect(classifyKind('ICE at the courthouse near the school')).toBe('court');
    expect(classifyKind('checkpoint outside the factory')).toBe('checkpoint');
    expect(classifyKind('knocking on doors near the warehouse')).toBe('home');
    expect(classifyKind('la migra en la fábrica cerca de mi casa')).toBe('worksite');
    expect(classifyKind('ICE at the house next to the corner store')).toBe('home');
    expect(classifyKind('ICE at the store next to my house')).toBe('worksite');
    expect(classifyKind('migra en la tienda a dos cuadras de la escuela')).toBe('worksite');
    expect(classifyKind('may ICE sa tindahan malapit sa paaralan')).toBe('worksite');
    // One's own home named as a reference point says nothing about the raid.
    expect(classifyKind('ICE vans parked near my house on Alabama')).toBe('other');
    expect(classifyKind('la migra anda cerca de mi casa en la 24')).toBe('other');
    expect(classifyKind('may ICE malapit sa bahay namin')).toBe('other');
    // A school nearby is still worth knowing.
    expect(classifyKind('ICE parked by the school on Folsom')).toBe('school');
  });

  it('item 7: the matched place decides over weak words, strong words over a place of kind other', () => {
    expect(classifyKind('ICE at Home Depot', 'worksite')).toBe('worksite');
    expect(classifyKind('agents at Mission High, near the taqueria', 'school')).toBe('school');
    expect(classifyKind('ICE at Seafood City, the store is full of agents', 'worksite')).toBe('worksite');
    expect(classifyKind('migra en San Pedro, por la tienda', 'other')).toBe('other');
    expect(classifyKind('checkpoint on Mission near the church', 'other')).toBe('checkpoint');
    expect(classifyKind('ICE knocking on doors near Cesar Chavez Elementary', 'school')).toBe('home');
    expect(classifyKind('ICE at the school across from Seafood City', 'worksite', 'Seafood City')).toBe('school');
    expect(classifyKind('ICE at Seafood City by the school', 'worksite', 'Seafood City')).toBe('worksite');
    // The place's own name does not count as words about the place.
    expect(classifyKind('ICE at Mission Court Apartments', 'home', 'Mission Court Apartments')).toBe('home');
    expect(classifyKind('ICE at Mission Court Apartments', 'home')).toBe('home');
    // A place named only as a landmark counts barely.
    expect(classifyKind('la migra esta en la casa al lado de la Iglesia San Juan', 'other', 'Iglesia San Juan')).toBe('home');
    expect(classifyKind('ICE at the store next to St Peters', 'other', 'St Peters')).toBe('worksite');
    expect(classifyKind('ICE at the store next to St Peters', 'other')).toBe('other');
    expect(classifyKind('white vans on 24th', null)).toBe('other');
  });

  it.each([
    ['agents went into the laundromat on Excelsior and took two women', 'worksite'],
    ['la migra se metio al taller mecanico de mi compadre', 'worksite'],
    ['ICE inside the nail salon by Ocean Ave', 'worksite'],
    ['agents stopped the roofing crew and cuffed them', 'worksite'],
    ['ICE cars outside Balboa High this morning', 'school'],
    ['LINCOLN HIGH ON LOCKDOWN, AGENTS OUTSIDE', 'school'],
    ['a mi prima la detuvieron en su cita con ICE', 'court'],
    ['they are detaining people who show up for their check-in', 'court'],
    ['agents checking everyones papers at the train platform', 'checkpoint'],
    ['hinarangan ng ICE ang kalsada sa Geneva', 'checkpoint'],
    // One car pulled over is an arrest on the street, not a checkpoint.
    ['they pulled a guy out of his car at the light on Geneva', 'other'],
    ['la migra esperando a la gente que va al trabajo en la parada', 'other'],
    ['agents standing by the coffee house on Valencia', 'other'],
    ['wag muna kayong umalis ng bahay, may ICE sa kanto', 'other'],
    // In front of a shop is a sighting; in front of one's own building it is at home.
    ['una camioneta negra estacionada frente a la tienda de la esquina', 'other'],
    ['itim na SUV sa harap ng restawran ni Aling Nena', 'other'],
    ['ICE sa harap ng bahay namin ngayon', 'home'],
    ['Agentes batendo na porta da vizinha', 'home'],
  ] as const)('item 7: %j → %s (more cues)', (text, kind) => {
    expect(classifyKind(text)).toBe(kind);
  });

  it('item 7: never throws on odd input', () => {
    expect(classifyKind(undefined as unknown as string)).toBe('other');
    expect(classifyKind('🚨🚨🚨')).toBe('other');
    expect(classifyKind('school '.repeat(10_000))).toBe('school');
  });
});

describe('reportLanguage', () => {
  it.each([
    // Spanish full of English proper nouns, short Spanish, slang
    ['Hay agentes de ICE en el Home Depot de Cesar Chavez', 'es'],
    ['la migra esta en el Home Depot de Cesar Chavez y Bryant', 'es'],
    ['Hay agentes de ICE en la escuela Cesar Chavez en la calle Folsom y 22', 'es'],
    ['migra en la 24', 'es'],
    ['MIGRA EN LA MISSION AHORITA!!!', 'es'],
    ['se llevaron a mi tio en el Walmart de Daly City 😭', 'es'],
    ['cuidado hay reten en la Army', 'es'],
    ['estan tocando puertas en Shotwell', 'es'],
    ['q hay migra en la 16 y Mission', 'es'],
    ['¿Es cierto que hay ICE en el Safeway?', 'es'],
    ['Aqui en el Home Depot de Bayshore hay 3 trocas blancas', 'es'],
    // English
    ['ICE knocking on doors on 24th st near Folsom', 'en'],
    ['ICE at Home Depot on Cesar Chavez right now', 'en'],
    ['3 white vans outside the school, agents everywhere', 'en'],
    ['they took my neighbor this morning from Alemany Blvd', 'en'],
    ['ICE on 24th and Mission', 'en'],
    ['omg ICE at the Safeway on Mission pls come', 'en'],
    ['ICE raid at El Farolito on Mission st, la migra took 2 guys', 'en'],
    ['ICE agents at La Taqueria, Los Panchos and De Haro st', 'en'],
    // Tagalog and Taglish
    ['ICE sa Seafood City ngayon', 'tl'],
    ['May mga ahente ng ICE sa kanto ng Mission at Geneva', 'tl'],
    ['Nandito ang migra sa bahay namin, tulong po', 'tl'],
    ['hinuli nila yung kapitbahay namin kanina', 'tl'],
    ['ingat kayo may checkpoint sa Skyline', 'tl'],
    ['ICE sa pabrika sa South City, andaming pulis', 'tl'],
    ['guys may ICE sa Serramonte mall, ingat', 'tl'],
    ['May ICE sa Jollibee, there are 3 vans sa parking', 'tl'],
    // Thin evidence with nothing remembered: the best guess, when one stands out.
    ['help!! ICE 94112', 'en'],
    ['3 agents at 22nd n folsom', 'en'],
    ['ICE en la 24, in the Mission, cuidado', 'es'],
  ] as const)('item 8: %j is %s', (text, language) => {
    expect(reportLanguage(text)).toEqual({ language, locale: language });
  });

  it.each([
    ['Os agentes da imigração estão na fábrica agora', 'pt'],
    ['Chegaram agentes na rua, cuidado', 'pt'],
    ['Ajan imigrasyon yo nan faktori a kounye a', 'ht'],
    ['Có nhân viên di trú ở nhà máy', 'vi'],
    ['ICE 在工厂', 'zh'],
    ['ICE在Mission街抓了两个人', 'zh'],
    ['이민국 요원', 'ko'],
    ['Агенты иммиграционной службы сейчас на заводе', 'ru'],
  ] as const)('item 8: %j is %s, never answered as en/es/tl by mistake', (text, language) => {
    expect(reportLanguage(text)).toEqual({ language, locale: null });
  });

  it('item 8: an unknown language is not guessed as one we answer in', () => {
    // Mam and K'iche' lines with "migra" in them are not Spanish.
    for (const text of ['Ma tzul kyaqil ajxnaqtzil toj tnam', 'Xeʼul ri ajan kʼa chupam ri jay', "Xe'pe ri migra chupam ri tinamit", 'Ma kyaqil migra toj tnam']) {
      expect(reportLanguage(text).language).toBeNull();
      expect(reportLanguage(text, { locale: 'es', explicit: false })).toEqual({ language: null, locale: 'es' });
    }
  });

  it('item 8: short or unclear texts fall back to the remembered language', () => {
    expect(reportLanguage('ICE 94110')).toEqual({ language: 'en', locale: 'en' });
    expect(reportLanguage('94110')).toEqual({ language: null, locale: null });
    expect(reportLanguage('ICE 94110', { locale: 'es', explicit: false })).toEqual({ language: 'es', locale: 'es' });
    expect(reportLanguage('Home Depot!!', { locale: 'tl', explicit: false })).toEqual({ language: 'tl', locale: 'tl' });
    expect(reportLanguage('🚨🚨', { locale: null, explicit: false })).toEqual({ language: null, locale: null });
    // Clear words win over what was remembered.
    expect(reportLanguage('Hay agentes en la escuela', { locale: 'tl', explicit: false })).toEqual({ language: 'es', locale: 'es' });
  });

  it('item 8: an explicit LANG decides the reply, the text still says what it is written in', () => {
    expect(reportLanguage('ICE at Home Depot right now', { locale: 'es', explicit: true })).toEqual({ language: 'en', locale: 'es' });
    expect(reportLanguage('migra en la 24', { locale: 'tl', explicit: true })).toEqual({ language: 'es', locale: 'tl' });
    expect(reportLanguage('Os agentes estão na fábrica agora', { locale: 'es', explicit: true })).toEqual({ language: 'pt', locale: 'es' });
    expect(reportLanguage('ICE 94110', { locale: 'en', explicit: true })).toEqual({ language: 'en', locale: 'en' });
  });

  it('item 8: never throws on odd input', () => {
    expect(reportLanguage(undefined as unknown as string)).toEqual({ language: null, locale: null });
    expect(reportLanguage('')).toEqual({ language: null, locale: null });
    expect(reportLanguage('la migra está aquí '.repeat(5000)).language).toBe('es');
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
