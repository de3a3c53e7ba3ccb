import { describe, expect, it } from 'vitest';
import type { Place } from '../../../src/geo/lookup.js';
import { buildPlaceIndex } from '../../../src/geo/place-index.js';
import { PLACES } from '../../fixtures/geo/city.js';

const places: Place[] = PLACES.map((p, i) => ({ ...p, id: `p${i}` }));
const index = buildPlaceIndex(places);
const found = (text: string) => index.find(text)[0]?.place.name ?? null;

describe('buildPlaceIndex', () => {
  it('item 1: finds a place by name or alias, in any case, with accents or without', () => {
    expect(found('ICE AT MISSION HIGH SCHOOL')).toBe('Mission High School');
    expect(found('la migra en la corte de inmigracion')).toBe('Immigration Court 100 Montgomery');
    expect(found('la migra en la corte de inmigración')).toBe('Immigration Court 100 Montgomery');
    expect(found('ICE en la fábrica de tortillas')).toBe('Mi Rancho Tortilla Factory');
    expect(found('may ICE sa Seafood City ngayon')).toBe('Seafood City Daly City');
  });

  it('item 1: ignores articles and possessives ("the", "el", "la", "ang", St. Peter\'s / St Peters)', () => {
    expect(found('agents outside the Home Depot')).toBe('Home Depot Cesar Chavez');
    expect(found('ICE outside St. Peter\'s church')).toBe("St. Peter's Church");
    expect(found('ICE outside St Peters')).toBe("St. Peter's Church");
    expect(found('nasa ang Opera House sila')).toBe('Bayview Opera House');
  });

  it('item 1: takes the words of a multi-word name in another order only where a class word moves ("escuela Cesar Chavez")', () => {
    expect(found('en la escuela Cesar Chavez')).toBe('Cesar Chavez Elementary School');
    expect(found('elementary Cesar Chavez')).toBe('Cesar Chavez Elementary School');
    expect(found('la iglesia San Pedro')).toBe("St. Peter's Church");
    // A class word separated by a preposition names no school: "a school in the Mission".
    expect(found('ICE at a school in the Mission')).toBeNull();
    // Proper words out of order with a preposition between them are not the name.
    expect(found('jornaleros en la esquina')).toBeNull();
    expect(found('la esquina de los jornaleros')).toBe('Day Labor Program');
  });

  it('item 1: allows one typo in a word of five letters or more, not in short words', () => {
    expect(found('ICE at Cesar Chavez Elementry')).toBe('Cesar Chavez Elementary School');
    expect(found('ICE at the Westlake mal')).toBeNull();
    expect(found('ICE at Malcom X Academy')).toBe('Malcolm X Academy');
    expect(found('ICE at UPS')).toBeNull();
  });

  it('item 1: matches the shorter alias of a longer name, and the longest match wins', () => {
    const [match] = index.find('la migra esta en el Home Depot de Cesar Chavez y Bryant');
    expect(match?.place.name).toBe('Home Depot Cesar Chavez');
    expect(match?.words).toBe(4);
    expect(found('On my way to home depot')).toBe('Home Depot Cesar Chavez');
  });

  it('item 1: reads numbered names as numbers ("BART de la 24" / "24th St BART")', () => {
    expect(found('migra en el BART de la 24')).toBe('24th Street BART');
    expect(found('ICE at 24th St BART')).toBe('24th Street BART');
    expect(found('ICE at the 16th BART station')).toBe('16th Street BART');
  });

  it('item 1: reports where the words were, for highlighting', () => {
    const text = 'Hay agentes de ICE en la escuela Cesar Chavez ahorita';
    const [match] = index.find(text);
    expect(text.slice(match!.start, match!.end)).toBe('escuela Cesar Chavez');
  });

  it('item 1: names nothing for a text without a place', () => {
    expect(index.find('ICE is here, help')).toEqual([]);
    expect(index.find('')).toEqual([]);
    expect(index.find('Cesar Chavez y Bryant')).toEqual([]);
  });

  it('item 11: reads a message in well under a millisecond with 5,000 places', () => {
    const many: Place[] = [...places];
    const words = ['taqueria', 'market', 'bakery', 'church', 'school', 'laundry', 'garage', 'clinic', 'salon', 'center'];
    for (let i = 0; many.length < 5000; i++) {
      many.push({ id: `s${i}`, name: `Place${i} ${words[i % words.length]}`, aliases: [`alias${i}`], lat: 37.7, lng: -122.4, kind: null });
    }
    const big = buildPlaceIndex(many);
    const texts = [
      'la migra esta en el Home Depot de Cesar Chavez y Bryant, ayuda por favor, hay 3 camionetas',
      'ICE knocking on doors on 24th st near Folsom, the school is around the corner, Place4321 market too',
      'may mga ICE sa tapat ng simbahan malapit sa Mission at 24th, mag-ingat kayo',
    ];
    for (const t of texts) big.find(t); // warm up
    const runs = 300;
    const start = performance.now();
    for (let i = 0; i < runs; i++) big.find(texts[i % texts.length]!);
    const perMessage = (performance.now() - start) / runs;
    expect(big.find(texts[1]!).map((m) => m.place.name)).toContain('Place4321 market');
    expect(perMessage).toBeLessThan(1);
  });
});
