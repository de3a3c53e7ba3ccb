import { beforeAll, describe, expect, it } from 'vitest';
import type { Location } from '../../../src/domain/types.js';
import { createCityIndex } from '../../../src/geo/cities.js';
import { distanceMeters } from '../../../src/geo/distance.js';
import type { StreetIndex } from '../../../src/geo/lookup.js';
import { buildPlaceIndex } from '../../../src/geo/place-index.js';
import { defaultGazetteers, type Gazetteers, readLocation } from '../../../src/geo/read-location.js';
import { readStreetIndexFile } from '../../../src/geo/street-index.js';
import { addressPoint, crossing, PLACES, streetNamed } from '../../fixtures/geo/city.js';
import { fixtureStreetsFile } from '../../support/geography.js';

const REGION = { lat: 37.7599, lng: -122.4148 };
let streets: StreetIndex;
let g: Gazetteers;
let bare: Gazetteers;

beforeAll(async () => {
  const loaded = readStreetIndexFile(await fixtureStreetsFile());
  if (!loaded) throw new Error('fixture street index did not load');
  streets = loaded;
  g = {
    places: buildPlaceIndex(PLACES.map((p, i) => ({ ...p, id: `p${i}` }))),
    streets,
    cities: createCityIndex({ region: REGION, radiusKm: 150 }),
    region: REGION,
  };
  // The same network without an imported street index.
  bare = { ...g, streets: null };
});

const at = (text: string) => readLocation(text, g).location;

function corner(a: string, b: string): { lat: number; lng: number } {
  const p = crossing(streetNamed(a)!, streetNamed(b)!);
  if (!p) throw new Error(`${a} and ${b} do not cross`);
  return { lat: p[0], lng: p[1] };
}

function expectNear(location: Location | null, point: { lat: number; lng: number }, meters = 60): void {
  expect(location, 'a location').not.toBeNull();
  expect(distanceMeters(location!, point)).toBeLessThanOrEqual(meters);
}

describe('readLocation: intersections', () => {
  const mission24 = () => corner('Mission Street', '24th Street');
  const cases: Array<[string, string, string, string]> = [
    ['en', 'ICE at 24th and Mission', '24th Street', 'Mission Street'],
    ['en', 'ICE at Mission & 24th St', '24th Street', 'Mission Street'],
    ['en', 'agents at 24th/Mission now', '24th Street', 'Mission Street'],
    ['en', 'corner of Cesar Chavez and Bryant', 'Cesar Chavez Street', 'Bryant Street'],
    ['en', 'ICE knocking on doors on 24th st near Folsom', '24th Street', 'Folsom Street'],
    ['en', 'ICE on Folsom near 24', '24th Street', 'Folsom Street'],
    ['en', 'ICE at twenty fourth and mission', '24th Street', 'Mission Street'],
    ['en', 'checkpoint on Mission at 24th', '24th Street', 'Mission Street'],
    ['es', 'la migra en la 24 y Mission', '24th Street', 'Mission Street'],
    ['es', 'esquina de Cesar Chavez y Bryant', 'Cesar Chavez Street', 'Bryant Street'],
    ['es', 'esq. Folsom y 22', 'Folsom Street', '22nd Street'],
    ['es', 'estan en la calle Folsom con la 22', 'Folsom Street', '22nd Street'],
    ['es', 'migra en la veinticuatro y mission', '24th Street', 'Mission Street'],
    ['es', 'veinticuatro y mission, migra', '24th Street', 'Mission Street'],
    ['tl', 'may ICE sa kanto ng Mission at 24th', '24th Street', 'Mission Street'],
    ['tl', 'Sa Valencia, malapit sa 21st, may hinuli', 'Valencia Street', '21st Street'],
    ['pt', 'a imigração está na 24 com Bryant', '24th Street', 'Bryant Street'],
    ['zh', '移民局的人在24街和Mission街', '24th Street', 'Mission Street'],
  ];
  for (const [language, text, a, b] of cases) {
    it(`item 1: ${language}: "${text}"`, () => {
      const location = at(text);
      expect(location?.precision).toBe('intersection');
      expectNear(location, corner(a, b));
      expect(location?.source).toBe('streets');
    });
  }

  it('item 1: all caps, emoji, accents and a typo in a longer street name', () => {
    expectNear(at('ICE AT 24 AND MISSION NOW 🚨🚨'), mission24());
    expectNear(at('🚨 migra en la 24 y Misión 😰'), mission24());
    expectNear(at('ice at flosom and 24th'), corner('Folsom Street', '24th Street'));
    expectNear(at('Folsm and 22nd, 2 unmarked cars'), corner('Folsom Street', '22nd Street'));
  });

  it('item 1: voice transcripts: misheard and split names, numbers said in words', () => {
    expectNear(at('there are agents on shot well street and nineteenth knocking'), corner('Shotwell Street', '19th Street'));
    expectNear(at('uh theyre at fulsome and twenty second right now'), corner('Folsom Street', '22nd Street'));
    expectNear(at('la migra esta en la calle veinte y tres y guerrero'), corner('23rd Street', 'Guerrero Street'));
  });

  it('item 1: "between X and Y" gives the first crossing', () => {
    expectNear(at('agents on Shotwell between 20th and 21st'), corner('Shotwell Street', '20th Street'));
    expectNear(at('ICE between 20th and 21st on Shotwell'), corner('Shotwell Street', '20th Street'));
    expectNear(at('ICE en Shotwell entre 20 y 21'), corner('Shotwell Street', '20th Street'));
  });

  it('item 1: where they are now, not where they were', () => {
    expectNear(at('not at 24th and mission anymore!! they moved to 24th and folsom'), corner('24th Street', 'Folsom Street'));
    expectNear(at('Hindi sa Mission at Geneva, sa John Daly at Mission sila ngayon'), { lat: 37.7061, lng: -122.4611 }, 300);
  });

  it('item 1: a ZIP or town in the same text picks between two streets of the same name', () => {
    const location = at('checkpoint on mission & geneva in daly city');
    expect(location?.precision).toBe('intersection');
    expect(location!.lat).toBeLessThan(37.72);
  });

  it('item 3: labels an intersection with both street names, the way alerts print them', () => {
    expect(at('Cesar Chavez y Bryant en la Mission')?.label).toBe('Cesar Chavez St & Bryant St');
    expect(at('Cesar Chavez y Bryant en la Mission')?.words).toBe('Cesar Chavez y Bryant');
    expect(at('Cesar Chavez y Bryant')?.zip).toBe('94110');
  });
});

describe('readLocation: addresses', () => {
  it('item 1: reads a house number on a street in every language', () => {
    const mission2440 = () => {
      const p = addressPoint(2440, streetNamed('Mission Street', [37.76, -122.42])!)!;
      return { lat: p[0], lng: p[1] };
    };
    for (const text of ['2440 Mission St apt 3', 'ICE at 2440 mission', 'estan en el 2440 de la Mission', 'Calle Mision numero 2440', 'nasa 2440 Mission St sila', 'ice at two four four zero mission street']) {
      const location = at(text);
      expect(location?.precision, text).toBe('address');
      expectNear(location, mission2440(), 60);
    }
  });

  it('item 3: an address is named by its block, never its house number', () => {
    const location = at('ICE knocking at 2440 Mission St apt 3');
    expect(location?.label).toBe('2400 block of Mission St');
    expect(location?.label).not.toContain('2440');
    expect(location?.words).toBe('2440 Mission St');
  });

  it('item 1: a Daly City address is in Daly City', () => {
    const location = at('Estan en el 6500 de la Mission en Daly City');
    expect(location?.precision).toBe('address');
    expect(location!.lat).toBeLessThan(37.72);
  });
});

describe('readLocation: places, neighbourhoods, cities, ZIPs', () => {
  it('item 1: a network place wins, with its kind', () => {
    const reading = readLocation('la migra esta en el Home Depot de Cesar Chavez y Bryant', g);
    expect(reading.location).toMatchObject({ precision: 'place', label: 'Home Depot Cesar Chavez', source: 'places' });
    expect(reading.placeKind).toBe('worksite');
    expect(readLocation('Hay agentes de ICE en la escuela Cesar Chavez en la calle Folsom y 22', g).location?.label).toBe('Cesar Chavez Elementary School');
  });

  it('item 1: a place name inside a street name is the street', () => {
    expect(at('agents at serramonte blvd & callan')?.precision).toBe('intersection');
  });

  it('item 1: neighbourhoods from the street index, with or without an article', () => {
    expect(at('ICE in the Mission')).toMatchObject({ precision: 'neighbourhood', label: 'Mission District', zip: '94110' });
    expect(at('migra en la Misión')?.label).toBe('Mission District');
    expect(at('en Bernal hay migra')?.label).toBe('Bernal Heights');
    expect(at('migra en fruitvale')?.label).toBe('Fruitvale');
    // A neighbourhood named like a street needs to be introduced as a place.
    expect(at('ICE on Mission')).toBeNull();
    expect(at('our mission is to keep families together')).toBeNull();
  });

  it('item 1: cities: the operator\'s, then the gazetteer\'s, introduced or multi-word', () => {
    expect(at('ICE en Oakland')).toMatchObject({ precision: 'city', label: 'Oakland' });
    expect(at('there is ICE in Hayward today')).toMatchObject({ precision: 'city', label: 'Hayward' });
    expect(at('checkpoint on 101 at the South San Francisco exit')?.label).toBe('South San Francisco');
    expect(at('ICE all over SF today')?.label).toBe('San Francisco');
    // Everyday words that are also towns ("Bell", "Commerce", "Salida") invent nothing.
    expect(at('ring the bell, ICE is here')).toBeNull();
    expect(at('esperando la salida de los muchachos')).toBeNull();
  });

  it('item 1: ZIP codes keep the old careful rules', () => {
    expect(at('La migra está en el 94110 ahorita')).toMatchObject({ precision: 'zip', label: 'ZIP 94110', zip: '94110', words: '94110' });
    expect(at('nine four one one zero there are ice agents')?.zip).toBe('94110');
    expect(at('case number 94110 at the court')).toBeNull();
    expect(at('pay $94110')).toBeNull();
  });

  it('item 1: precision order: a neighbourhood over a ZIP, a ZIP over a city', () => {
    expect(at('ICE in the Mission 94110')?.precision).toBe('neighbourhood');
    expect(at('ICE in Oakland 94601')?.precision).toBe('zip');
  });

  it('item 1: a short street named alone stands for its middle; a long one is no location', () => {
    expect(at('ICE on Valencia')).toBeNull();
    const short: StreetIndex = { ...streets, keys: streets.keys, street: (s, near) => { const hit = streets.street(s, near); return hit ? { ...hit, lengthMeters: 300 } : null; } };
    const location = readLocation('ICE on Valencia', { ...g, streets: short }).location;
    expect(location).toMatchObject({ precision: 'neighbourhood', label: 'Valencia St' });
  });
});

describe('readLocation: map links and coordinates', () => {
  const pin = { lat: 37.7526, lng: -122.4188 };
  const links: Array<[string, string]> = [
    ['Google place', 'https://www.google.com/maps/place/37.7526,-122.4188'],
    ['Google ?q=', 'ICE here https://maps.google.com/?q=37.7526,-122.4188 hurry'],
    ['Google /@', 'https://www.google.com/maps/@37.7526,-122.4188,17z'],
    ['Google !3d!4d', 'https://www.google.com/maps/place/Some+Shop/@37.76,-122.42,17z/data=!3m1!4b1!4m5!3m4!1s0x0:0x0!8m2!3d37.7526!4d-122.4188'],
    ['Apple ?ll=', 'https://maps.apple.com/?ll=37.7526,-122.4188&q=Dropped%20Pin'],
    ['Apple ?q=', 'https://maps.apple.com/?q=37.7526,-122.4188'],
    ['OSM mlat/mlon', 'https://www.openstreetmap.org/?mlat=37.7526&mlon=-122.4188#map=17/37.7526/-122.4188'],
    ['OSM #map=', 'https://www.openstreetmap.org/#map=18/37.7526/-122.4188'],
    ['geo: URI', 'geo:37.7526,-122.4188'],
    ['raw pair', 'ICE at 37.7526, -122.4188 right now'],
    ['hemispheres', 'ICE 37.7526 N, 122.4188 W'],
  ];
  for (const [provider, text] of links) {
    it(`item 1: ${provider}`, () => {
      const location = at(text);
      expect(location?.precision).toBe('point');
      expect(location?.source).toBe('map');
      expectNear(location, pin, 5);
    });
  }

  it('item 3: a pin is named after the nearest corner within 150 m, else its ZIP, else its coordinates', () => {
    expect(at('geo:37.7526,-122.4188')).toMatchObject({ label: '24th St & Mission St', zip: '94110' });
    expect(readLocation('geo:37.7526,-122.4188', bare).location?.label).toBe('ZIP 94110');
    // Far from any ZIP (and, with no region known, not refused as far from the network): its coordinates.
    expect(readLocation('geo:45.0001,-30.0001', { ...bare, region: null }).location?.label).toBe('45.0001, -30.0001');
  });

  it('item 1: a short link that cannot be read offline mentions a place but places nothing', () => {
    const reading = readLocation('ICE here https://maps.app.goo.gl/AbCdEf123', g);
    expect(reading.location).toBeNull();
    expect(reading.mentionsPlace).toBe(true);
  });
});

describe('readLocation: never invents a place', () => {
  const nothing = [
    'ICE took 3 people at 5 this morning',
    'they have 2 vans and 4 trucks near the school',
    'call me at 415-555-0134 please',
    'tumawag kayo sa 415 555 0134',
    'we need $20 for the lawyer',
    'they came on the 24th of march',
    'llegaron el 24 de marzo a las 6',
    'the 24 bus stopped and ICE got on',
    'ICE on highway 101 near the exit',
    'my son is in 3rd grade, they took his dad',
    'a las 2 de la tarde llegaron 5 camionetas',
    'may 3 na van sa labas ng bahay namin',
    'apt 24, 2nd floor, they are at the door',
    'ICE is here help',
    'la migra esta aqui ayuda',
    'they took him in 2019',
  ];
  for (const text of nothing) {
    it(`item 1: "${text}"`, () => {
      const reading = readLocation(text, g);
      expect(reading.location).toBeNull();
      expect(reading.geocoderQuery).toBeNull();
    });
  }
});

describe('readLocation: for the HTTP geocoder', () => {
  it('item 2: without a street index, an address or corner becomes a query with its ZIP or town', () => {
    expect(readLocation('ICE at 24th and Mission 94110', bare)).toMatchObject({ geocoderQuery: '24th St & Mission, 94110', location: { precision: 'zip' } });
    expect(readLocation('ICE at 2440 Mission St in Oakland', bare).geocoderQuery).toBe('2440 Mission St, Oakland');
    expect(readLocation('ICE at the courthouse on 5th and Main', bare)).toMatchObject({ geocoderQuery: '5th St & Main', location: null, mentionsPlace: true });
  });

  it('item 2: streets the index lacks still make a query; resolved ones do not', () => {
    expect(readLocation('ICE at Elm St and 5th', g).geocoderQuery).toBe('Elm St & 5th St');
    expect(readLocation('ICE at 24th and Mission', g).geocoderQuery).toBeNull();
  });

  it('item 1: mentionsPlace tells place-like words from none', () => {
    expect(readLocation('ICE on Valencia', g).mentionsPlace).toBe(true);
    expect(readLocation('en la esquina', g).mentionsPlace).toBe(true);
    expect(readLocation('they are here, please come', g).mentionsPlace).toBe(false);
  });
});

describe('parseLocationOffline / defaultGazetteers', () => {
  it('item 1: with no network data it reads ZIPs, pins and introduced US cities only', () => {
    const d = defaultGazetteers();
    expect(readLocation('ICE en 94110', d).location?.zip).toBe('94110');
    expect(readLocation('geo:37.7526,-122.4188', d).location?.precision).toBe('point');
    expect(readLocation('ICE raids in Houston today', d).location).toMatchObject({ precision: 'city', label: 'Houston' });
    expect(readLocation('ICE en Mission', d).location).toBeNull();
    expect(readLocation('ICE at 24th and Mission', d).location).toBeNull();
  });
});

describe('item 1: hostile and broken input', () => {
  const gazetteers = defaultGazetteers();
  const region = { ...gazetteers, region: { lat: 37.7487, lng: -122.4158 } };

  it.each([
    ['a number and a long run of spaces', `37.123${' '.repeat(1600)}x`],
    ['numbers separated by many spaces', '37.1234 '.repeat(200)],
    ['commas and degrees', '37.1234°, '.repeat(160)],
    ['words and numbers', 'ICE at 24th and Mission and '.repeat(60)],
    ['emoji', '🚨'.repeat(800)],
  ])('item 1: %s (1,600 characters) is read in well under a second', (_name, text) => {
    const started = performance.now();
    readLocation(text, region);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it.each([
    '0.0000, 0.0000',
    'lat 0.000 lng 0.000',
    'https://www.google.com/maps/@0.0,0.0,15z',
    'ICE here 48.8566, 2.3522',
    'https://maps.google.com/?q=95.5,37.7',
  ])('item 1: "%s" is no place for a network in the Bay Area', (text) => {
    expect(readLocation(text, region).location).toBeNull();
  });
});
