import { describe, expect, it } from 'vitest';
import { foldWords, readDetails, soundsLikeReport, withinOneEdit } from '../../src/domain/details.js';

describe('readDetails', () => {
  it.each([
    ['3 vans on 24th and Mission', 3],
    ['like 5 cars parked outside the school', 5],
    ['THREE WHITE UNMARKED VANS at home depot', 3],
    ['a white van and 2 black SUVs', 3],
    ['2 vans y 3 carros en la fabrica', 5],
    ['dos camionetas blancas afuera de la escuela', 2],
    ['llegaron 4 trocas de la migra', 4],
    ['como 6 patrullas en la Cesar Chavez', 6],
    ['una camioneta sin placas en la esquina', 1],
    ['tatlong van ng ICE sa kanto', 3],
    ['may dalawang itim na sasakyan sa labas', 2],
    ['apat na van sa Seafood City', 4],
    ['a couple of trucks by the church', 2],
    ['3-4 vans outside', 4],
    ['3 guys in a van', 1],
  ] as const)('item 7: %j has %i vehicles', (text, vehicles) => {
    expect(readDetails(text).vehicles).toBe(vehicles);
  });

  it('item 7: numbers that are not vehicles are not counted', () => {
    for (const text of [
      '2440 Mission St apt 3',
      'ICE at 24th and Van Ness',
      'the car wash on 16th, 2 agents',
      'la migra en la 24 y Mission',
      'ICE at 94110 at 2pm',
      'vans everywhere',
    ]) {
      expect(readDetails(text).vehicles, text).toBeUndefined();
    }
  });

  it.each([
    ['ICE agents at the factory', ['ice']],
    ['I.C.E. and CBP at the checkpoint', ['ice', 'cbp']],
    ['HSI and ERO officers with Border Patrol', ['hsi', 'ero', 'border patrol']],
    ['la migra esta en la esquina', ['migra']],
    ['MIGRA en la 24!!', ['migra']],
    ['llego la placa con la migra', ['la placa', 'migra']],
    ['agentes de inmigración en la escuela', ['inmigracion']],
    ['may mga taga-immigration sa kanto', ['immigration']],
    ['ICE’s vans are outside', ['ice']],
  ] as const)('item 7: %j names %j', (text, agencies) => {
    expect(readDetails(text).agencies).toEqual(agencies);
  });

  it('item 7: agency words that name a place or a person are not agents on the scene', () => {
    expect(readDetails('a raid near the immigration court').agencies).toBeUndefined();
    expect(readDetails('llamen a un abogado de inmigración').agencies).toBeUndefined();
    expect(readDetails('anoté la placa del carro').agencies).toBeUndefined();
    expect(readDetails('ice cream truck on Folsom').agencies).toBeUndefined();
  });

  it.each([
    'ICE at the school right now',
    'they are here now',
    'ICE on Mission rn',
    'la migra esta ahorita en la 24',
    'ahora mismo en el Home Depot',
    'en este momento hay agentes',
    'ICE sa Seafood City ngayon',
    'nandito ngayon na ang ICE',
  ])('item 7: %j is happening now', (text) => {
    expect(readDetails(text).happeningNow).toBe(true);
  });

  it.each([
    'they arrested two men',
    'ICE took my neighbor',
    'they detained 3 workers',
    'agents grabbing people at the bus stop',
    'se llevaron a mi hermano',
    'agarraron a dos señores',
    'detuvieron a varios en la fabrica',
    'hinuli nila yung kapitbahay',
    'dinampot ang tatlong lalaki',
    'kinuha nila si tatay',
  ])('item 7: %j tells of arrests', (text) => {
    expect(readDetails(text).arrests).toBe(true);
  });

  it.each(['took pictures of the vans', 'they took off toward 101', 'taking my kids to school, saw ICE on 24th'])(
    'item 7: %j is no arrest',
    (text) => {
      expect(readDetails(text).arrests).toBeUndefined();
    },
  );

  it.each([
    'agents with guns',
    'they are ARMED',
    'rifles out',
    'traen armas largas',
    'estan armados',
    'may baril sila',
  ])('item 7: %j tells of weapons', (text) => {
    expect(readDetails(text).weapons).toBe(true);
  });

  it.each([
    'kids are inside',
    'children at pickup',
    'hay niños en la casa',
    'hay ninos adentro',
    'may mga bata sa loob',
    'ICE near the bata',
    'los estudiantes estan saliendo',
  ])('item 7: %j tells of children', (text) => {
    expect(readDetails(text).children).toBe(true);
  });

  it('item 7: sets only what it finds', () => {
    expect(readDetails('24th and Folsom')).toEqual({});
    expect(readDetails('')).toEqual({});
    expect(readDetails('🚨🚨🚨')).toEqual({});
    expect(readDetails('LA MIGRA se llevaron a 3 señores, traen armas, hay 2 camionetas, hay niños, ahorita 😭')).toEqual({
      vehicles: 2,
      agencies: ['migra'],
      happeningNow: true,
      arrests: true,
      weapons: true,
      children: true,
    });
  });

  it('item 7: never throws and stays quick on huge or odd input', () => {
    expect(readDetails(undefined as unknown as string)).toEqual({});
    const started = performance.now();
    readDetails('3 vans ICE ahorita '.repeat(50_000));
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('soundsLikeReport', () => {
  it.each([
    'Also 3 vans at the church on Valencia, they are arresting people',
    'ICE at Home Depot',
    'la migra en la Misión',
    'hay agentes en la escuela Cesar Chavez',
    'tatlong van sa simbahan',
    'they took my neighbor',
    'se llevaron a mi tío',
    'hinuli nila si kuya',
    'help',
    'AYUDA por favor',
    'tulong po',
    'checkpoint on Geneva',
    'agents with guns',
    'raid on 24th',
    'redada en la 16',
    'knocking on doors on Shotwell',
    'white vans parked outside',
    'estan revisando papeles en la estacion de BART',
  ])('item 7: %j sounds like a report', (text) => {
    expect(soundsLikeReport(text)).toBe(true);
  });

  it.each([
    '24th and Folsom',
    '24th & Folsom',
    'Cesar Chavez y Bryant en la Mission',
    'en la Misión',
    'esquina de la 24 y Mission',
    'Home Depot',
    'the Home Depot on Cesar Chavez',
    'escuela Cesar Chavez',
    'sa kanto ng Mission at 24th',
    'malapit sa simbahan sa Geneva',
    'sa Seafood City',
    '94110',
    '2440 Mission St apt 3',
    'Van Ness and Market',
    'the car wash on 16th',
    'near the immigration court',
    '',
    // Answers to an alert are not reports either.
    'On my way',
    'On my way to home depot',
    'si voy',
    'papunta na ako',
    "can't, at work",
    'ok',
  ])('item 7: %j is a place or an answer, not a report', (text) => {
    expect(soundsLikeReport(text)).toBe(false);
  });
});

describe('word helpers', () => {
  it('folds case, accents, apostrophes and clause punctuation', () => {
    expect(foldWords('¡La MIGRA está aquí!! ICE’s vans, taga-immigration 🚨')).toEqual([
      ',', 'la', 'migra', 'esta', 'aqui', ',', 'ice', 's', 'vans', ',', 'taga', 'immigration',
    ]);
  });

  it('forgives one typo and no more', () => {
    expect(withinOneEdit('escuela', 'escula')).toBe(true);
    expect(withinOneEdit('factory', 'factroy')).toBe(true);
    expect(withinOneEdit('checkpoint', 'checkpiont')).toBe(true);
    expect(withinOneEdit('school', 'skool')).toBe(false);
    expect(withinOneEdit('market', 'marked')).toBe(true);
    expect(withinOneEdit('hearing', 'wearing!')).toBe(false);
  });
});
