// Reads where a report is from its words, offline and without I/O: map pins and coordinates, the network's own
// places, addresses and intersections (looked up in the operator's street index), neighbourhoods and towns, ZIP
// codes. The most precise reading that resolves wins; what only an HTTP geocoder could resolve is handed on as a
// query. Numbers that count, tell the time, cost money, dial a phone or name a highway never become places.
import type { IncidentKind, LatLng, Location, Precision } from '../domain/types.js';
import { type AreaMatch, type AreaName, type CityIndex, createAreaMatcher, createCityIndex } from './cities.js';
import { distanceMeters } from './distance.js';
import type { StreetIndex } from './lookup.js';
import {
  digitsOrdinal, directionOf, oneDeletions, PREFIX_TYPES, readStreetNumber, type StreetName, SUFFIX_TYPES as NAME_SUFFIX_TYPES,
  type Token, tokenizeText, TYPE_ABBREVIATIONS, withinOneEdit,
} from './names.js';
import { buildPlaceIndex, type PlaceIndex, type PlaceMatch } from './place-index.js';
import { isKnownZip, nearestZip, zipCentroid } from './zips.js';

export interface Gazetteers {
  places: PlaceIndex;
  streets: StreetIndex | null;
  cities: CityIndex;
  region: LatLng | null;
}

export interface LocationReading {
  /** The most precise location that resolves offline, with its source and the words it was read from. */
  location: Location | null;
  /** Kind of the matched network place, when the location is one. */
  placeKind: IncidentKind | null;
  /** Free-form query for an HTTP geocoder: an address or intersection the offline sources could not resolve. */
  geocoderQuery: string | null;
  /** The text has place-like words (a street, "esquina", a ZIP, a link…), found or not. */
  mentionsPlace: boolean;
}

const MAX_TEXT = 2000;
// A pasted pin is named after the nearest corner this close; a short street named alone stands for its middle.
const PIN_INTERSECTION_METERS = 150;
const PIN_ZIP_METERS = 5000;
const SHORT_STREET_METERS = 400;
const FUZZY_MIN_LENGTH = 5;

let defaults: Gazetteers | undefined;

/** No places, no street index, no region: ZIPs, pins and well-introduced US cities only. */
export function defaultGazetteers(): Gazetteers {
  defaults ??= { places: buildPlaceIndex([]), streets: null, cities: createCityIndex({ region: null, radiusKm: 0 }), region: null };
  return defaults;
}

export function readLocation(input: string, gazetteers: Gazetteers): LocationReading {
  const none: LocationReading = { location: null, placeKind: null, geocoderQuery: null, mentionsPlace: false };
  if (typeof input !== 'string' || input.trim() === '') return none;
  const text = input.slice(0, MAX_TEXT);
  return new Reader(text, gazetteers).read();
}

// ── vocabulary ──────────────────────────────────────────────────────────────

// Street types after a name, plus the characters Chinese writes after one ("24街", "Mission街").
const SUFFIX_TYPES: ReadonlyMap<string, string> = new Map([...NAME_SUFFIX_TYPES, ['街', 'street'], ['路', 'road']]);

// Function words, agencies and pronouns of the three languages: never a street name unless a street type says so.
const STOP = new Set([
  'a', 'an', 'the', 'and', 'or', 'at', 'on', 'in', 'near', 'by', 'to', 'from', 'with', 'of', 'is', 'are', 'was', 'were',
  'be', 'they', 'there', 'here', 'this', 'that', 'it', 'its', 'we', 'you', 'i', 'he', 'she', 'my', 'our', 'your',
  'his', 'her', 'their', 'me', 'us', 'them', 'now', 'right', 'just', 'please', 'help', 'so', 'but', 'if', 'not',
  'no', 'yes', 'all', 'some', 'many', 'more', 'out', 'up', 'down', 'over', 'off', 'for', 'as', 'do', 'dont', 'got',
  'ice', 'migra', 'cbp', 'hsi', 'police', 'policia', 'agents', 'agentes', 'cops', 'officers',
  'el', 'la', 'los', 'las', 'lo', 'un', 'una', 'unos', 'unas', 'y', 'e', 'o', 'u', 'en', 'de', 'del', 'con', 'por',
  'para', 'que', 'se', 'su', 'sus', 'mi', 'mis', 'tu', 'al', 'es', 'esta', 'estan', 'hay', 'aqui', 'alli', 'ahi',
  'ahora', 'ahorita', 'muy', 'mas', 'ya', 'si', 'ni', 'cerca', 'frente', 'entre', 'esquina', 'esq', 'calle',
  'ang', 'ng', 'sa', 'mga', 'na', 'at', 'ay', 'si', 'ni', 'kay', 'may', 'nasa', 'dito', 'doon', 'ngayon', 'po',
  'sila', 'kami', 'tayo', 'kanto', 'malapit', 'yung', 'yan', 'ito', 'isang', 'wala', 'meron', 'din', 'rin',
  // Prepositions and motion words that stand before places.
  'outside', 'inside', 'behind', 'across', 'front', 'toward', 'towards', 'into', 'onto', 'around', 'along', 'past',
  'afuera', 'adentro', 'dentro', 'fuera', 'detras', 'enfrente', 'labas', 'loob', 'tapat', 'harap', 'likod',
  'going', 'walking', 'driving', 'parked', 'heading', 'um', 'uh', 'eh', 'este', 'like',
]);
// English determiners: "the church", "my school" are not Church St or School St.
const DETERMINERS = new Set(['the', 'a', 'an', 'my', 'our', 'your', 'his', 'her', 'their', 'this', 'that', 'some', 'every', 'any']);
// Articles that Spanish and Tagalog put before a street ("la 24", "la Mission", "ang Mission").
const STREET_ARTICLES = new Set(['la', 'el', 'ang']);
// Between two streets: what makes them a corner ("Mission y 24", "kanto ng X at Y", "X near Y", "X/Y").
const CONNECTORS = new Set([
  'and', 'n', '&', '/', '@', 'at', 'near', 'by', 'off', 'y', 'e', 'con', 'esquina', 'esq', 'cerca', 'x', 'kanto',
  'malapit', 'corner', 'between', 'entre', 'pagitan', 'crossing', 'cross', 'w', 'with', 'toward', 'towards',
  'hacia', 'papunta', 'gan',
  // "and" in other languages of the communities: Portuguese, Haitian Creole, Vietnamese, French, Chinese.
  'com', 'ak', 'va', 'et', '和', '与', '跟',
]);
// Negations before a place: "not at 24th and Mission anymore", "hindi sa Mission", "wala na sila sa …".
const NEGATIONS = new Set(['not', 'no', 'hindi', 'wala', 'left', 'nope', 'nor', 'ni']);
// After a clause break, these still join two streets: "Sa Valencia, malapit sa 21st".
const AFTER_COMMA = new Set(['near', 'cerca', 'malapit', 'esquina', 'esq', 'corner', 'kanto', 'by', 'at']);
const BETWEEN = new Set(['between', 'entre', 'pagitan', 'btwn', 'btw']);
const GAP_FILLERS = new Set(['the', 'la', 'el', 'de', 'del', 'of', 'sa', 'ng', 'calle', 'kalye', 'avenida', 'ang', 'mismo', 'mismas', 'con', 'a']);
// Before a street alone: "on Valencia", "en la Mission", "sa Mission".
const PLACE_WORDS = new Set([
  'esquina', 'esq', 'corner', 'kanto', 'calle', 'street', 'avenue', 'avenida', 'kalye', 'cuadra', 'block',
  'intersection', 'crossing', 'cruce', 'highway', 'freeway', 'carretera', 'blvd', 'boulevard', 'barrio', 'neighborhood',
  'neighbourhood', 'vecindario', 'colonia', 'zip', 'codigo', 'address', 'direccion',
]);

// Nouns counted by a number before them: "3 vans", "20 agentes", "5 na sasakyan".
const COUNT_NOUNS = new Set([
  'van', 'truck', 'car', 'suv', 'agent', 'officer', 'cop', 'people', 'person', 'men', 'women', 'guy', 'kid', 'children',
  'child', 'minute', 'min', 'hour', 'hr', 'day', 'week', 'month', 'year', 'block', 'mile', 'meter', 'unit', 'vehicle',
  'man', 'woman', 'worker', 'family', 'familie', 'time', 'patrol', 'marked', 'unmarked', 'white', 'black', 'more',
  'camioneta', 'carro', 'coche', 'patrulla', 'agente', 'persona', 'hombre', 'mujer', 'mujere', 'nino', 'minuto',
  'hora', 'dia', 'cuadra', 'ano', 'vehiculo', 'troca', 'vane', 'policia', 'oficiale', 'oficial', 'señor', 'senor',
  'trabajadore', 'trabajador', 'tao', 'katao', 'sasakyan', 'ahente', 'oras', 'araw', 'bata', 'na', 'ka', 'pulis',
  'kotse', 'trak', 'lalaki', 'babae', 'pamilya', 'x',
]);
const TIME_AFTER = new Set(['am', 'pm', 'a', 'p', 'hrs', 'horas', 'hr', 'h', 'oclock', 'min', 'mins', 'minutes', 'minutos', 'ng']);
const TIME_BEFORE = new Set(['at', '@', 'alas', 'las', 'around', 'by', 'before', 'after', 'since', 'until', 'til', 'desde', 'hasta', 'como', 'a', 'about', 'approx']);
const MONEY_AFTER = new Set(['dollars', 'dollar', 'dolares', 'dlls', 'pesos', 'bucks', 'usd', 'k']);
const ROAD_BEFORE = new Set(['highway', 'hwy', 'freeway', 'fwy', 'route', 'rte', 'ruta', 'interstate', 'i', 'us', 'sr', 'carretera', 'autopista', 'exit', 'salida', 'ca']);
const APARTMENT_BEFORE = new Set([
  'apt', 'apartment', 'unit', 'suite', 'ste', 'no', 'num', 'numero', 'depto', 'departamento', 'apto', 'apartamento',
  'room', 'rm', 'cuarto', 'piso', 'floor', 'fl', 'level', 'bldg', 'building', 'edificio', 'space', 'espacio', 'lot',
  'spc', 'space', 'kwarto', 'unidad', 'gate', 'door', 'puerta', 'bus', 'line', 'linea', 'ruta', 'route', 'pier',
  'muelle', 'platform', 'anden', 'tren', 'train', 'bart', 'number', 'case', 'caso', 'id', 'ref', 'order', 'account',
  'cuenta', 'folio', 'expediente', 'receipt', 'recibo', 'grade', 'grado', 'age', 'edad', 'code', 'codigo', 'pin',
]);
// A number beside a month is a date: "the 24th of March", "24 de marzo", "March 24".
const MONTHS = new Set([
  'january', 'february', 'march', 'april', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
  'jan', 'feb', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'enero', 'febrero', 'marzo', 'abril',
  'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'setiembre', 'octubre', 'noviembre', 'diciembre', 'pebrero',
  'marso', 'hunyo', 'hulyo', 'setyembre', 'oktubre', 'nobyembre', 'disyembre',
]);
// After a number, the thing it numbers: "the 24 bus", "line 14".
const NUMBERED_THINGS = new Set(['bus', 'muni', 'line', 'linea', 'express', 'train', 'tren', 'grade', 'grado', 'percent', 'por', 'ciento']);
const ORDINAL_WORDS = new Set([
  'first', 'second', 'third', 'primera', 'primero', 'segunda', 'segundo', 'tercera', 'tercero', 'cuarta', 'quinta',
  'sexta', 'septima', 'octava', 'novena', 'decima',
]);

// Words people leave off a neighbourhood's name: "Bernal" for Bernal Heights.
const GENERIC_AREA_WORDS = new Set(['heights', 'district', 'hills', 'hill', 'park', 'village', 'valley', 'terrace', 'gardens', 'estates', 'manor', 'point']);

function shortAreaName(name: string): string[] {
  const words = name.trim().split(/\s+/);
  return words.length > 1 && GENERIC_AREA_WORDS.has(words[words.length - 1]!.toLowerCase()) ? [words.slice(0, -1).join(' ')] : [];
}

interface KeyEntry {
  key: string;
  words: string[];
}

interface Vocabulary {
  byFirst: Map<string, KeyEntry[]>;
  /** One-deletion variants of first words (≥ 5 letters) → the first words: finds "Flosom" for "folsom". */
  fuzzyFirst: Map<string, string[]>;
  /** Consonant skeletons of first words (≥ 5 letters): finds what a transcript misheard ("fulsome"). */
  soundFirst: Map<string, string[]>;
  areas: ReturnType<typeof createAreaMatcher>;
}

const vocabularies = new WeakMap<StreetIndex, Vocabulary>();

// Derived once per street index and kept as long as the index lives: the keys split into comparable words.
function vocabularyOf(streets: StreetIndex): Vocabulary {
  const known = vocabularies.get(streets);
  if (known) return known;
  const byFirst = new Map<string, KeyEntry[]>();
  const fuzzyFirst = new Map<string, string[]>();
  const soundFirst = new Map<string, string[]>();
  for (const key of streets.keys) {
    const words = key.split(' ').filter(Boolean).map((w) => {
      const n = digitsOrdinal(w);
      return n === null ? w : String(n);
    });
    const first = words[0];
    if (first === undefined) continue;
    const list = byFirst.get(first);
    if (list) list.push({ key, words });
    else {
      byFirst.set(first, [{ key, words }]);
      if (first.length >= FUZZY_MIN_LENGTH && !/^\d/.test(first)) {
        const sound = skeleton(first);
        if (sound.length >= 3) soundFirst.set(sound, [...(soundFirst.get(sound) ?? []), first]);
        for (const d of new Set([first, ...oneDeletions(first)])) {
          const firsts = fuzzyFirst.get(d);
          if (firsts) firsts.push(first);
          else fuzzyFirst.set(d, [first]);
        }
      }
    }
  }
  const areas = createAreaMatcher(
    streets.areas.map((a): AreaName => ({ name: a.name, lat: a.lat, lng: a.lng, kind: a.kind, aliases: [...a.names, ...a.names.flatMap(shortAreaName)] })),
    { dropArticle: true },
  );
  const vocabulary = { byFirst, fuzzyFirst, soundFirst, areas };
  vocabularies.set(streets, vocabulary);
  return vocabulary;
}

// ── the reader ──────────────────────────────────────────────────────────────

type Strength = 'strong' | 'name' | 'weak';

interface Mention {
  from: number;
  to: number;
  street: StreetName;
  strength: Strength;
  fuzzy: boolean;
  /** In the street index's keys. */
  known: boolean;
  /** Has a street type word ("St", "calle"). */
  typed: boolean;
}

interface Pair {
  a: Mention;
  b: Mention;
}

interface Address {
  number: number;
  numberToken: number;
  mention: Mention;
}

interface Candidate {
  location: Location;
  placeKind?: IncidentKind | null;
}

interface NumberInfo {
  value: number;
  length: number;
  form: 'digits' | 'ordinal' | 'cardinal';
}

class Reader {
  private readonly blanked: string;
  private readonly tokens: Token[];
  private readonly words: string[];
  private readonly notPlace = new Set<number>();
  private readonly numbers: Array<NumberInfo | null>;
  private readonly vocabulary: Vocabulary | null;
  private mentionsPlace = false;
  private pin: Candidate | null = null;

  constructor(
    private readonly text: string,
    private readonly g: Gazetteers,
  ) {
    const { blanked, pin, sawLink } = readPins(text);
    this.blanked = blanked;
    // A pin far from the network's region (a swapped or mistyped pair, a pasted link to somewhere else) places
    // nothing: the sender is asked where instead.
    if (pin && (!g.region || distanceMeters(pin.point, g.region) <= PIN_REGION_METERS)) this.pin = { location: this.pinLocation(pin) };
    this.mentionsPlace = sawLink || pin !== null;
    this.tokens = mergeSpokenNumbers(tokenizeText(blanked));
    this.words = this.tokens.map((t) => t.text);
    this.numbers = this.words.map((_, i) => this.numberAt(i));
    this.vocabulary = g.streets ? vocabularyOf(g.streets) : null;
    this.markNonPlaceNumbers();
  }

  read(): LocationReading {
    const zips = this.zips();
    const placeMatches = this.g.places.find(this.blanked);
    const { mentions, addresses } = this.streetMentions(zips.map((z) => z.token));
    const pairs = this.pairs(mentions);
    const used = new Set<number>();
    for (const p of pairs) for (const m of [p.a, p.b]) for (let i = m.from; i <= m.to; i++) used.add(i);
    for (const a of addresses) for (let i = a.numberToken; i <= a.mention.to; i++) used.add(i);
    for (const m of mentions) if (m.typed) for (let i = m.from; i <= m.to; i++) used.add(i);
    const placeTokens = new Set<number>();
    for (const m of placeMatches) this.tokensIn(m.start, m.end).forEach((i) => placeTokens.add(i));
    const areas = this.areaMatches(used, placeTokens, mentions);
    const zip = [...zips].reverse().find((z) => !this.negated(z.token)) ?? zips[zips.length - 1] ?? null;

    if (zips.length || placeMatches.length || mentions.length || areas.length) this.mentionsPlace = true;
    if (this.words.some((w) => PLACE_WORDS.has(w))) this.mentionsPlace = true;

    const near: LatLng | null = (zip ? zipCentroid(zip.zip) : null) ?? areas[0]?.area ?? this.g.region;
    const zipCode = zip?.zip ?? null;

    // A place inside a street's words is the street ("Serramonte Blvd" is not "the Serramonte").
    const typed = new Set(mentions.filter((m) => m.typed).flatMap((m) => range(m.from, m.to)));
    const places = placeMatches.filter((m) => !this.tokensIn(m.start, m.end).every((i) => typed.has(i)));
    const candidates: Array<(ok: (from: number) => boolean) => Candidate | null> = [
      () => this.pin,
      (ok) => {
        const place = places.find((m) => ok(this.tokensIn(m.start, m.end)[0] ?? 0));
        return place ? this.placeCandidate(place, zipCode) : null;
      },
      (ok) => this.addressCandidate(addresses.filter((a) => ok(Math.min(a.numberToken, a.mention.from))), near, zipCode),
      (ok) => this.intersectionCandidate(pairs.filter((p) => ok(Math.min(p.a.from, p.b.from))), near, zipCode),
      (ok) => this.areaCandidate(areas.filter((a) => ok(a.from)), 'neighbourhood', zipCode),
      (ok) => (zip && ok(zip.token) ? this.zipCandidate(zip) : null),
      (ok) => this.areaCandidate(areas.filter((a) => ok(a.from)), 'city', zipCode),
      (ok) => this.shortStreetCandidate(mentions.filter((m) => ok(m.from)), pairs, addresses, near, zipCode),
    ];
    // Where they are, before where they are not ("not at 24th and Mission anymore, now at …").
    let found: Candidate | null = null;
    for (const ok of [(from: number) => !this.negated(from), () => true]) {
      for (const candidate of candidates) {
        found = candidate(ok);
        if (found) break;
      }
      if (found) break;
    }
    const precise: Precision[] = ['point', 'address', 'intersection', 'place'];
    const geocoderQuery =
      found && precise.includes(found.location.precision) ? null : this.geocoderQuery(addresses, pairs, zipCode, areas);
    return {
      location: found?.location ?? null,
      placeKind: found?.placeKind ?? null,
      geocoderQuery,
      mentionsPlace: this.mentionsPlace || geocoderQuery !== null,
    };
  }

  /** A negation shortly before, in the same clause: "not at", "ya no están en", "hindi sa", "wala na sila sa". */
  private negated(from: number): boolean {
    for (let i = from - 1; i >= 0 && i >= from - 5; i--) {
      const w = this.words[i]!;
      if (w === ',') return false;
      if (NEGATIONS.has(w)) return true;
    }
    return false;
  }

  // ── numbers ───────────────────────────────────────────────────────────────

  private numberAt(i: number): NumberInfo | null {
    const word = this.words[i]!;
    if (!/^(\d|[a-z])/.test(word)) return null;
    const read = readStreetNumber(this.words, i);
    if (read === null) return null;
    const form: NumberInfo['form'] = /^\d+$/.test(word)
      ? 'digits'
      : /^\d/.test(word) || word === 'ika' || ORDINAL_WORDS.has(this.words[i + read.length - 1] ?? '') || /th$/.test(this.words[i + read.length - 1] ?? '')
        ? 'ordinal'
        : 'cardinal';
    return { ...read, form };
  }

  /** Counts, times, money, phone numbers, apartments and highway numbers: never a street or house number. */
  private markNonPlaceNumbers(): void {
    const { blanked, tokens, words } = this;
    // Phone numbers first: "415 555 0134", "(415) 555-0134", "555-0134".
    for (const m of blanked.matchAll(/(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b|\b\d{3}[\s.-]\d{4}\b|\d{6,}/g)) {
      this.tokensIn(m.index, m.index + m[0].length).forEach((i) => this.notPlace.add(i));
    }
    tokens.forEach((token, i) => {
      if (!/^\d/.test(token.text)) return;
      const before = blanked.slice(Math.max(0, token.start - 2), token.start);
      const after = blanked.slice(token.end, token.end + 2);
      const previous = words[i - 1] ?? '';
      const next = words[i + 1] ?? '';
      const bare = /^\d+$/.test(token.text);
      const value = Number.parseInt(token.text, 10);
      const stem = next.replace(/(es|s)$/, '');
      if (/[$€£]\s?$/.test(before) || MONEY_AFTER.has(next)) this.notPlace.add(i);
      else if (/^[:h]\d/.test(after) || (bare && TIME_AFTER.has(next) && value <= 24 && next !== 'a' && next !== 'ng')) this.notPlace.add(i);
      else if (bare && value <= 12 && TIME_BEFORE.has(previous)) this.notPlace.add(i);
      else if (bare && (COUNT_NOUNS.has(next) || COUNT_NOUNS.has(stem) || COUNT_NOUNS.has(next.replace(/s$/, '')))) this.notPlace.add(i);
      else if (ROAD_BEFORE.has(previous) || /#\s?$/.test(before) || APARTMENT_BEFORE.has(previous)) this.notPlace.add(i);
      else if (MONTHS.has(previous) || MONTHS.has(next) || ((next === 'of' || next === 'de') && MONTHS.has(words[i + 2] ?? ''))) this.notPlace.add(i);
      else if (NUMBERED_THINGS.has(next) && next !== 'por') this.notPlace.add(i);
      else if (bare && /^(19|20)\d\d$/.test(token.text) && !this.vocabularyHasAt(i + 1)) this.notPlace.add(i);
    });
  }

  private vocabularyHasAt(i: number): boolean {
    return this.vocabulary !== null && this.matchKeyAt(i) !== null;
  }

  private tokensIn(start: number, end: number): number[] {
    const out: number[] = [];
    this.tokens.forEach((t, i) => {
      if (t.start >= start && t.end <= end) out.push(i);
    });
    return out;
  }

  private slice(from: number, to: number): string {
    return this.text.slice(this.tokens[from]!.start, this.tokens[to]!.end);
  }

  // ── ZIP codes ─────────────────────────────────────────────────────────────

  private zips(): Array<{ zip: string; token: number; start: number; end: number }> {
    const out: Array<{ zip: string; token: number; start: number; end: number }> = [];
    for (const match of this.blanked.matchAll(ZIP_CANDIDATE)) {
      const [whole, zip] = match;
      if (zip === undefined || !isKnownZip(zip)) continue;
      if (isHouseNumber(this.blanked, match.index + whole.length)) continue;
      const token = this.tokens.findIndex((t) => t.start === match.index);
      if (token !== -1 && this.notPlace.has(token)) continue;
      out.push({ zip, token, start: match.index, end: match.index + whole.length });
    }
    // Said digit by digit ("nine four one one zero").
    this.tokens.forEach((t, token) => {
      if (!/^\d{5}$/.test(t.text) || this.text.slice(t.start, t.end) === t.text || !isKnownZip(t.text)) return;
      if (SUFFIX_TYPES.has(this.words[token + 1] ?? '') || this.notPlace.has(token)) return;
      out.push({ zip: t.text, token, start: t.start, end: t.end });
    });
    return out.sort((a, b) => a.start - b.start);
  }

  // ── streets ───────────────────────────────────────────────────────────────

  /** The longest street key of the index starting at token j, exact before one-edit matches. */
  private matchKeyAt(j: number): { entry: KeyEntry; end: number; fuzzy: boolean } | null {
    const vocabulary = this.vocabulary;
    const word = this.words[j];
    if (!vocabulary || word === undefined || !/^[\p{L}\p{N}]/u.test(word)) return null;
    const firsts = new Set<string>();
    const number = this.numbers[j];
    if (number) firsts.add(String(number.value));
    firsts.add(word);
    const direction = directionOf(word);
    if (direction) firsts.add(direction);
    if (word === 'st') firsts.add('saint');
    let fuzzyFirsts: string[] = [];
    if (word.length >= FUZZY_MIN_LENGTH - 1 && !/^\d/.test(word) && !vocabulary.byFirst.has(word)) {
      fuzzyFirsts = [...new Set([word, ...(word.length >= FUZZY_MIN_LENGTH ? oneDeletions(word) : [])].flatMap((d) => vocabulary.fuzzyFirst.get(d) ?? []))]
        .filter((f) => withinOneEdit(f, word));
      if (fuzzyFirsts.length === 0 && word.length >= FUZZY_MIN_LENGTH && !STOP.has(word)) fuzzyFirsts = vocabulary.soundFirst.get(skeleton(word)) ?? [];
    }
    let best: { entry: KeyEntry; end: number; fuzzy: boolean } | null = null;
    // A name a transcript split in two: "shot well" for Shotwell, "fruit vale" for Fruitvale.
    const glued = `${word}${this.words[j + 1] ?? ''}`;
    const next = this.words[j + 1] ?? '';
    if (/^\p{L}+$/u.test(word) && /^\p{L}{2,}$/u.test(next) && glued.length >= 6 && !STOP.has(next)) {
      for (const entry of vocabulary.byFirst.get(glued) ?? []) if (entry.words.length === 1) best = { entry, end: j + 1, fuzzy: false };
      if (best) return best;
    }
    for (const first of [...firsts, ...fuzzyFirsts]) {
      for (const entry of vocabulary.byFirst.get(first) ?? []) {
        const end = this.walkKey(entry, j);
        if (end === null) continue;
        const fuzzy = end.fuzzy;
        if (!best || end.end > best.end || (end.end === best.end && best.fuzzy && !fuzzy)) best = { entry, end: end.end, fuzzy };
      }
    }
    return best;
  }

  private walkKey(entry: KeyEntry, j: number): { end: number; fuzzy: boolean } | null {
    let p = j;
    let fuzzy = false;
    for (const kw of entry.words) {
      const tw = this.words[p];
      if (tw === undefined || !/^[\p{L}\p{N}]/u.test(tw)) return null;
      if (/^\d+$/.test(kw)) {
        const n = this.numbers[p];
        if (!n || String(n.value) !== kw) return null;
        p += n.length;
        continue;
      }
      if (tw === kw || directionOf(tw) === kw || (kw === 'saint' && tw === 'st')) {
        p++;
        continue;
      }
      if (kw.length >= FUZZY_MIN_LENGTH && tw.length >= FUZZY_MIN_LENGTH - 1 && !/^\d/.test(tw) && (withinOneEdit(kw, tw) || (tw.length >= FUZZY_MIN_LENGTH && skeleton(kw) === skeleton(tw)))) {
        fuzzy = true;
        p++;
        continue;
      }
      return null;
    }
    return { end: p - 1, fuzzy };
  }

  /** A street named at token i (with its article, prefix or suffix type), from the index or from street-type grammar. */
  private mentionAt(i: number): Mention | null {
    const { words } = this;
    let j = i;
    let article = false;
    let type: string | null = null;
    if (STREET_ARTICLES.has(words[j] ?? '') || words[j] === 'the') {
      article = true;
      j++;
    }
    const prefix = words[j] ?? '';
    if (PREFIX_TYPES.has(prefix) && prefix !== 'c' && words[j + 1] !== undefined && /^[\p{L}\p{N}]/u.test(words[j + 1]!)) {
      type = PREFIX_TYPES.get(prefix) ?? null;
      j++;
    }
    if (this.notPlace.has(j)) return null;
    const englishArticle = article && words[i] === 'the';
    // From the street index.
    const hit = this.matchKeyAt(j);
    if (hit) {
      const { entry, fuzzy } = hit;
      let end = hit.end;
      const suffix = words[end + 1] ?? '';
      if (SUFFIX_TYPES.has(suffix) && !(suffix === 'st' && this.isSaint(end + 1))) {
        type ??= SUFFIX_TYPES.get(suffix) ?? null;
        end++;
      }
      const numeric = /^\d+$/.test(entry.words.join(''));
      const number = this.numbers[j];
      let strength: Strength;
      if (type) strength = 'strong';
      else if (numeric) {
        if (number?.form === 'ordinal' && /^\d/.test(words[j]!)) strength = 'strong';
        else if (article && !englishArticle) strength = 'strong';
        else if (number?.form === 'digits') strength = 'weak';
        else if (number?.form === 'ordinal') strength = 'name';
        // "veinticuatro y Mission" pairs; "dos", "one" are too common to be streets without "la"/"calle".
        else if (number && number.value >= 10 && words[j] !== 'once') strength = 'weak';
        else return null;
      } else if (entry.words.length > 1) strength = 'strong';
      else strength = 'name';
      const single = entry.words.length === 1 && !numeric;
      if (single && !type && (STOP.has(words[j]!) || words[j]!.length <= 2)) return null;
      if (single && !type && DETERMINERS.has(words[j - 1] ?? '')) return null;
      if (fuzzy && !type && single && words[j]!.length < FUZZY_MIN_LENGTH) return null;
      if (numeric && this.notPlace.has(j)) return null;
      return {
        from: i,
        to: end,
        street: { key: entry.key, type },
        strength,
        fuzzy,
        known: true,
        typed: type !== null,
      };
    }
    return this.grammarMentionAt(i);
  }

  /** Without the index (or for streets it lacks): "Main St", "calle Ocho", "5th", "la 24". */
  private grammarMentionAt(i: number): Mention | null {
    const { words } = this;
    const word = words[i] ?? '';
    // Prefix type: "calle Ocho", "avenida Central", "kalye Rizal".
    if (PREFIX_TYPES.has(word) && word !== 'c' && word !== 'av' && word !== 'ave') {
      const name: string[] = [];
      let k = i + 1;
      while (k < words.length && name.length < 3 && isNameWord(words[k]!) && !this.notPlace.has(k)) name.push(words[k++]!);
      if (name.length === 0) return null;
      return this.grammarMention(i, k - 1, name, PREFIX_TYPES.get(word) ?? null);
    }
    // Ordinal: "5th", "la 24", "24th st".
    const number = this.numbers[i];
    const article = STREET_ARTICLES.has(word) && this.numbers[i + 1]?.form !== undefined;
    const n = article ? this.numbers[i + 1] : number;
    const at = article ? i + 1 : i;
    if (n && !this.notPlace.has(at) && (article || (n.form === 'ordinal' && /^\d/.test(words[at]!)))) {
      let end = at + n.length - 1;
      let type: string | null = null;
      if (SUFFIX_TYPES.has(words[end + 1] ?? '')) {
        type = SUFFIX_TYPES.get(words[end + 1]!) ?? null;
        end++;
      }
      return { from: i, to: end, street: { key: String(n.value), type }, strength: 'strong', fuzzy: false, known: this.knows(String(n.value)), typed: type !== null };
    }
    // Suffix type: "Main St", "Martin Luther King Jr Blvd".
    if (isNameWord(word) && !this.notPlace.has(i) && !DETERMINERS.has(words[i - 1] ?? '')) {
      const name: string[] = [word];
      let k = i + 1;
      while (k < words.length && name.length < 4) {
        const w = words[k]!;
        if (SUFFIX_TYPES.has(w) && !(w === 'st' && this.isSaint(k))) return this.grammarMention(i, k, name, SUFFIX_TYPES.get(w) ?? null);
        if (!isNameWord(w)) return null;
        name.push(w);
        k++;
      }
    }
    return null;
  }

  private grammarMention(from: number, to: number, name: string[], type: string | null): Mention {
    const key = name.map((w) => (digitsOrdinal(w) === null ? w : String(digitsOrdinal(w)))).join(' ');
    return { from, to, street: { key, type }, strength: 'strong', fuzzy: false, known: this.knows(key), typed: type !== null };
  }

  private knows(key: string): boolean {
    return this.g.streets?.keys.has(key) ?? false;
  }

  /** "St" before a name is a saint ("St Peters"), after one a street ("Mission St"). */
  private isSaint(k: number): boolean {
    const next = this.words[k + 1];
    const previous = this.words[k - 1];
    return next !== undefined && isNameWord(next) && (previous === undefined || (!isNameWord(previous) && !/^\d/.test(previous)));
  }

  private streetMentions(zipTokens: number[]): { mentions: Mention[]; addresses: Address[] } {
    const mentions: Mention[] = [];
    const addresses: Address[] = [];
    const zipSet = new Set(zipTokens);
    for (let i = 0; i < this.words.length; i++) {
      const word = this.words[i]!;
      // "2440 Mission St": a house number right before a street.
      if (/^\d{1,5}$/.test(word) && !this.notPlace.has(i) && !zipSet.has(i)) {
        // "el 2500 de la Mission": Spanish puts "de" between the number and the street.
        const at = (this.words[i + 1] === 'de' || this.words[i + 1] === 'del') && word.length >= 3 ? i + 2 : i + 1;
        const mention = this.mentionAt(at);
        if (mention && mention.from === at && (word.length >= 3 || mention.typed)) {
          addresses.push({ number: Number(word), numberToken: i, mention });
          mentions.push(mention);
          i = mention.to;
          continue;
        }
      }
      const mention = this.mentionAt(i);
      if (!mention) continue;
      // "Mission 2440", "calle Mission #2440": the number after the street.
      const marked = ['numero', 'no', 'num', 'n', 'number'].includes(this.words[mention.to + 1] ?? '');
      const after = mention.to + (marked ? 2 : 1);
      const numberAfter = this.words[after] ?? '';
      const hashed = /#\s?$/.test(this.blanked.slice(Math.max(0, (this.tokens[after]?.start ?? 0) - 2), this.tokens[after]?.start ?? 0));
      if (/^\d{3,5}$/.test(numberAfter) && (!this.notPlace.has(after) || hashed || marked) && !zipSet.has(after) && mention.strength !== 'weak' && !this.knows(numberAfter)) {
        addresses.push({ number: Number(numberAfter), numberToken: after, mention });
        mentions.push(mention);
        i = after;
        continue;
      }
      mentions.push(mention);
      i = mention.to;
    }
    // Untyped names beside a connector when the other side is a street: "5th and Main", "Main y 24".
    this.addPartners(mentions);
    mentions.sort((a, b) => a.from - b.from);
    return { mentions, addresses };
  }

  private addPartners(mentions: Mention[]): void {
    for (const m of [...mentions]) {
      // A street the index knows has its crossings in the index too; only unknown ones look for a partner.
      if (m.strength === 'weak' || m.known) continue;
      // After: "5th and Main".
      let k = m.to + 1;
      if (CONNECTORS.has(this.words[k] ?? '') && !BETWEEN.has(this.words[k] ?? '')) {
        k++;
        while (GAP_FILLERS.has(this.words[k] ?? '')) k++;
        const name = this.partnerWords(k, 1);
        if (name && !mentions.some((o) => o.from <= name.to && name.from <= o.to)) mentions.push(this.grammarMention(name.from, name.to, name.words, null));
      }
      // Before: "Main and 5th".
      k = m.from - 1;
      if (CONNECTORS.has(this.words[k] ?? '') && !BETWEEN.has(this.words[k] ?? '')) {
        k--;
        const name = this.partnerWords(k, -1);
        if (name && !mentions.some((o) => o.from <= name.to && name.from <= o.to)) mentions.push(this.grammarMention(name.from, name.to, name.words, null));
      }
    }
  }

  private partnerWords(k: number, step: 1 | -1): { from: number; to: number; words: string[] } | null {
    const out: number[] = [];
    for (let i = k; out.length < 2 && i >= 0 && i < this.words.length; i += step) {
      const w = this.words[i]!;
      if (!isNameWord(w) || this.notPlace.has(i)) break;
      out.push(i);
    }
    if (out.length === 0) return null;
    out.sort((a, b) => a - b);
    // One word is enough: "and Main"; a second only when it is not a verb or filler we can't know. Keep one.
    const idx = step === 1 ? out[0]! : out[out.length - 1]!;
    return { from: idx, to: idx, words: [this.words[idx]!] };
  }

  // ── corners ───────────────────────────────────────────────────────────────

  private pairs(mentions: Mention[]): Pair[] {
    const out: Pair[] = [];
    const between: Pair[] = [];
    for (let k = 0; k + 1 < mentions.length; k++) {
      const a = mentions[k]!;
      const b = mentions[k + 1]!;
      const gap = this.words.slice(a.to + 1, b.from);
      if (!this.joins(a, b, gap)) continue;
      if (gap.some((w) => BETWEEN.has(w))) {
        // "Shotwell between 20th and 21st": the first crossing is Shotwell & 20th.
        between.push({ a, b });
        const c = mentions[k + 2];
        if (c && this.joins(b, c, this.words.slice(b.to + 1, c.from))) between.push({ a, b: c });
        continue;
      }
      // "between 20th and 21st on Shotwell"
      const z = mentions[k + 2];
      const lead = this.words[a.from - 1] ?? '';
      if (BETWEEN.has(lead) && z) {
        const gap2 = this.words.slice(b.to + 1, z.from);
        if (gap2.length <= 2 && gap2.every((w) => ['on', 'en', 'sa', 'in', 'of', 'de', 'la', 'the', 'calle'].includes(w))) {
          between.push({ a: z, b: a }, { a: z, b });
        }
      }
      out.push({ a, b });
    }
    return [...between, ...out];
  }

  private joins(a: Mention, b: Mention, gapWords: string[]): boolean {
    let gap = gapWords;
    if (a.street.key === b.street.key) return false;
    if (a.strength === 'weak' && b.strength === 'weak') return false;
    if ((a.fuzzy && (b.fuzzy || b.strength === 'weak')) || (b.fuzzy && a.strength === 'weak')) return false;
    if (gap.length > 4) return false;
    const comma = gap.lastIndexOf(',');
    if (comma !== -1) {
      if (gap.indexOf(',') !== comma || !AFTER_COMMA.has(gap[comma + 1] ?? '')) return false;
      gap = gap.filter((w) => w !== ',');
    }
    // Side by side only with a numbered street: "Mission 24th", "la 24 Mission"; "Mission High" is a school.
    if (gap.length === 0) {
      const numbered = (m: Mention) => m.strength === 'strong' && /^\d+$/.test(m.street.key);
      return !a.fuzzy && !b.fuzzy && a.strength !== 'weak' && b.strength !== 'weak' && (numbered(a) || numbered(b));
    }
    if (!gap.some((w) => CONNECTORS.has(w))) return false;
    if (!gap.every((w) => CONNECTORS.has(w) || GAP_FILLERS.has(w))) return false;
    return true;
  }

  // ── areas ─────────────────────────────────────────────────────────────────

  private areaMatches(used: Set<number>, placeTokens: Set<number>, mentions: Mention[]): AreaMatch[] {
    const out: AreaMatch[] = [];
    const overlaps = (m: AreaMatch, set: Set<number>) => {
      for (let i = m.from; i <= m.to; i++) if (set.has(i)) return true;
      return false;
    };
    const typeAfter = (m: AreaMatch) => SUFFIX_TYPES.has(this.words[m.to + 1] ?? '');
    if (this.vocabulary) {
      const rank = (c: AreaName[]) => {
        const region = this.g.region;
        return region ? [...c].sort((a, b) => distanceMeters(region, a) - distanceMeters(region, b))[0] : c[0];
      };
      for (const m of this.vocabulary.areas.find(this.tokens, rank)) {
        if (overlaps(m, used) || overlaps(m, placeTokens) || typeAfter(m)) continue;
        // A neighbourhood that shares its one word with a street ("Mission", "Fruitvale") needs "in/en/the".
        const isStreet = mentions.some((s) => s.from <= m.to && m.from <= s.to);
        // A neighbourhood named like a street ("Mission", "Fruitvale") needs "in/en/sa/the…", or to stand alone as
        // a heading ("Fruitvale: ICE at …"); "our mission" and "on Mission" are not the district.
        const alone = (m.from === 0 || this.words[m.from - 1] === ',') && (this.words[m.to + 1] === undefined || this.words[m.to + 1] === ',');
        if (isStreet && !m.multiWord && !m.introduced && !alone) continue;
        if (!m.multiWord && DETERMINERS.has(this.words[m.from - 1] ?? '') && this.words[m.from - 1] !== 'the') continue;
        if (isStreet && !m.multiWord && ['on', 'at', 'de', 'to', 'from', 'por'].includes(this.words[m.from - 1] ?? '')) continue;
        out.push(m);
      }
    }
    for (const m of this.g.cities.find(this.tokens, this.text)) {
      if (overlaps(m, used) || overlaps(m, placeTokens) || typeAfter(m)) continue;
      // The longer name wins: "South San Francisco" over the operator's "San Francisco".
      const clash = out.filter((o) => o.from <= m.to && m.from <= o.to);
      if (clash.some((o) => o.to - o.from >= m.to - m.from)) continue;
      for (const o of clash) out.splice(out.indexOf(o), 1);
      if (mentions.some((s) => s.from <= m.to && m.from <= s.to) && !m.multiWord && !m.stated) continue;
      out.push(m);
    }
    return out.sort((a, b) => a.from - b.from);
  }

  // ── candidates ────────────────────────────────────────────────────────────

  private location(point: LatLng, label: string, precision: Precision, source: Location['source'], from: number, to: number, zip: string | null): Location {
    return { lat: point.lat, lng: point.lng, label, precision, zip, source, words: this.text.slice(from, to) };
  }

  private placeCandidate(match: PlaceMatch, zip: string | null): Candidate {
    const { place } = match;
    return {
      location: this.location(place, place.name, 'place', 'places', match.start, match.end, zip ?? nearestZip(place)),
      placeKind: place.kind,
    };
  }

  private addressCandidate(addresses: Address[], near: LatLng | null, zip: string | null): Candidate | null {
    const streets = this.g.streets;
    if (!streets) return null;
    for (const a of addresses) {
      if (!a.mention.known) continue;
      const hit = streets.address(a.number, a.mention.street, near);
      if (!hit) continue;
      const street = hit.name.replace(/^\s*\d+[a-z]?\s+/i, '');
      const from = Math.min(a.numberToken, a.mention.from);
      const to = Math.max(a.numberToken, a.mention.to);
      return { location: this.location(hit, blockLabel(a.number, street), 'address', 'streets', this.tokens[from]!.start, this.tokens[to]!.end, zip ?? nearestZip(hit)) };
    }
    return null;
  }

  private intersectionCandidate(pairs: Pair[], near: LatLng | null, zip: string | null): Candidate | null {
    const streets = this.g.streets;
    if (!streets) return null;
    for (const { a, b } of pairs) {
      if (!a.known || !b.known) continue;
      const hit = streets.intersection(a.street, b.street, near);
      if (!hit) continue;
      const from = Math.min(a.from, b.from);
      const to = Math.max(a.to, b.to);
      return { location: this.location(hit, hit.name, 'intersection', 'streets', this.tokens[from]!.start, this.tokens[to]!.end, zip ?? nearestZip(hit)) };
    }
    return null;
  }

  private areaCandidate(areas: AreaMatch[], kind: 'neighbourhood' | 'city', zip: string | null): Candidate | null {
    const m = areas.find((a) => a.area.kind === kind);
    if (!m) return null;
    const fromStreets = this.g.streets?.areas.some((a) => a.name === m.area.name && a.lat === m.area.lat) ?? false;
    return {
      location: this.location(m.area, m.area.name, kind, fromStreets ? 'streets' : 'city', m.start, m.end, kind === 'neighbourhood' ? (zip ?? nearestZip(m.area)) : zip),
    };
  }

  private zipCandidate(zip: { zip: string; start: number; end: number }): Candidate | null {
    const centroid = zipCentroid(zip.zip);
    if (!centroid) return null;
    return { location: this.location(centroid, `ZIP ${zip.zip}`, 'zip', 'zip', zip.start, zip.end, zip.zip) };
  }

  private shortStreetCandidate(mentions: Mention[], pairs: Pair[], addresses: Address[], near: LatLng | null, zip: string | null): Candidate | null {
    const streets = this.g.streets;
    if (!streets) return null;
    const busy = new Set<Mention>([...pairs.flatMap((p) => [p.a, p.b]), ...addresses.map((a) => a.mention)]);
    for (const m of mentions) {
      if (busy.has(m) || !m.known || m.fuzzy || m.strength === 'weak') continue;
      const hit = streets.street(m.street, near);
      if (!hit || hit.lengthMeters > SHORT_STREET_METERS) continue;
      return { location: this.location(hit, hit.name, 'neighbourhood', 'streets', this.tokens[m.from]!.start, this.tokens[m.to]!.end, zip ?? nearestZip(hit)) };
    }
    return null;
  }

  private pinLocation(pin: { point: LatLng; start: number; end: number }): Location {
    const { point } = pin;
    const corner = this.g.streets?.nearestIntersection(point, PIN_INTERSECTION_METERS) ?? null;
    const zip = nearestZip(point);
    const centroid = zip ? zipCentroid(zip) : null;
    const label = corner?.name
      ?? (zip && centroid && distanceMeters(point, centroid) <= PIN_ZIP_METERS ? `ZIP ${zip}` : `${point.lat.toFixed(4)}, ${point.lng.toFixed(4)}`);
    return { lat: point.lat, lng: point.lng, label, precision: 'point', zip, source: 'map', words: this.text.slice(pin.start, pin.end) };
  }

  // ── for the HTTP geocoder ─────────────────────────────────────────────────

  private geocoderQuery(addresses: Address[], pairs: Pair[], zip: string | null, areas: AreaMatch[]): string | null {
    let query: string | null = null;
    const address = addresses[0];
    if (address) query = `${address.number} ${this.streetText(address.mention)}`;
    else if (pairs[0]) query = `${this.streetText(pairs[0].a)} & ${this.streetText(pairs[0].b)}`;
    if (query === null) return null;
    const area = areas[0]?.area.name;
    if (zip) query += `, ${zip}`;
    else if (area) query += `, ${area}`;
    return query;
  }

  /** A street as a geocoder reads it: "24th St", "Mission St", "Folsom". */
  private streetText(m: Mention): string {
    const type = m.street.type ? TYPE_ABBREVIATIONS.get(m.street.type) ?? '' : '';
    if (/^\d+$/.test(m.street.key)) return `${ordinal(Number(m.street.key))}${type ? ` ${type}` : ' St'}`;
    let from = m.from;
    while (from < m.to && (STREET_ARTICLES.has(this.words[from]!) || this.words[from] === 'the' || PREFIX_TYPES.has(this.words[from]!))) from++;
    let to = m.to;
    if (to > from && SUFFIX_TYPES.has(this.words[to]!)) to--;
    const name = this.slice(from, to).replace(/\s+/g, ' ');
    return type ? `${name} ${type}` : name;
  }
}

// ── numbers said aloud (voice transcripts) ─────────────────────────────────

const DIGIT_WORDS: ReadonlyMap<string, number> = new Map([
  ['zero', 0], ['oh', 0], ['one', 1], ['two', 2], ['three', 3], ['four', 4], ['five', 5], ['six', 6], ['seven', 7],
  ['eight', 8], ['nine', 9], ['cero', 0], ['uno', 1], ['dos', 2], ['tres', 3], ['cuatro', 4], ['cinco', 5],
  ['seis', 6], ['siete', 7], ['ocho', 8], ['nueve', 9],
]);
const SMALL_WORDS: ReadonlyMap<string, number> = new Map([
  ...[...DIGIT_WORDS].filter(([w]) => w !== 'oh'),
  ['un', 1], ['una', 1], ['ten', 10], ['eleven', 11], ['twelve', 12], ['thirteen', 13], ['fourteen', 14],
  ['fifteen', 15], ['sixteen', 16], ['seventeen', 17], ['eighteen', 18], ['nineteen', 19], ['diez', 10], ['once', 11],
  ['doce', 12], ['trece', 13], ['catorce', 14], ['quince', 15], ['dieciseis', 16], ['diecisiete', 17],
  ['dieciocho', 18], ['diecinueve', 19], ['veintiuno', 21], ['veintidos', 22], ['veintitres', 23],
  ['veinticuatro', 24], ['veinticinco', 25], ['veintiseis', 26], ['veintisiete', 27], ['veintiocho', 28],
  ['veintinueve', 29],
]);
const TENS_WORDS: ReadonlyMap<string, number> = new Map([
  ['twenty', 20], ['thirty', 30], ['forty', 40], ['fifty', 50], ['sixty', 60], ['seventy', 70], ['eighty', 80],
  ['ninety', 90], ['veinte', 20], ['treinta', 30], ['cuarenta', 40], ['cincuenta', 50], ['sesenta', 60],
  ['setenta', 70], ['ochenta', 80], ['noventa', 90],
]);
const HUNDREDS_WORDS: ReadonlyMap<string, number> = new Map([
  ['cien', 100], ['ciento', 100], ['doscientos', 200], ['trescientos', 300], ['cuatrocientos', 400],
  ['quinientos', 500], ['seiscientos', 600], ['setecientos', 700], ['ochocientos', 800], ['novecientos', 900],
]);
const ORDINAL_UNITS_WORDS = new Set(['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth']);

/**
 * Numbers a speech-to-text service writes out, merged into one digits token: "two four four zero" → 2440,
 * "thirty one hundred" → 3100, "dos mil seiscientos" → 2600, "veinte y tres" → 23, "nine four one one zero" →
 * 94110. Ordinals ("twenty fourth") are left for the street reader.
 */
function mergeSpokenNumbers(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; ) {
    const spoken = spokenNumberAt(tokens, i);
    if (spoken) {
      out.push({ text: spoken.digits, start: tokens[i]!.start, end: tokens[spoken.end]!.end });
      i = spoken.end + 1;
    } else out.push(tokens[i++]!);
  }
  return out;
}

function spokenNumberAt(tokens: readonly Token[], i: number): { digits: string; end: number } | null {
  const word = (k: number) => tokens[k]?.text ?? '';
  // Digit by digit: three or more.
  let k = i;
  let digits = '';
  while (DIGIT_WORDS.has(word(k))) digits += String(DIGIT_WORDS.get(word(k++)));
  if (digits.length >= 3 && !(digits.startsWith('0') && digits.length < 5)) return { digits, end: k - 1 };
  // An amount: units, tens, hundreds, thousands.
  let total = 0;
  let current = 0;
  let big = false;
  let joined = false;
  let last = -1;
  for (k = i; k < tokens.length; k++) {
    const w = word(k);
    const next = word(k + 1);
    if (TENS_WORDS.has(w)) {
      if (ORDINAL_UNITS_WORDS.has(next) || current % 100 >= 10) break;
      current += TENS_WORDS.get(w)!;
    } else if (SMALL_WORDS.has(w)) {
      if (current % 10 !== 0 || (current % 100 >= 10 && SMALL_WORDS.get(w)! >= 10)) break;
      current += SMALL_WORDS.get(w)!;
    } else if (w === 'hundred' && current > 0 && current < 100) {
      current *= 100;
      big = true;
    } else if (HUNDREDS_WORDS.has(w) && current % 1000 === 0) {
      current += HUNDREDS_WORDS.get(w)!;
      big = true;
    } else if ((w === 'thousand' || w === 'mil') && current < 1000) {
      total += (current || 1) * 1000;
      current = 0;
      big = true;
    } else if ((w === 'y' || w === 'and') && last === k - 1 && (SMALL_WORDS.has(next) || TENS_WORDS.has(next)) && !ORDINAL_UNITS_WORDS.has(word(k + 2))) {
      // "veinte y tres", "one hundred and five"; not "24 y Mission".
      if (w === 'y' && !(current % 10 === 0 && current % 100 >= 20 && (SMALL_WORDS.get(next) ?? 10) < 10) && !big) break;
      joined = true;
      continue;
    } else break;
    last = k;
  }
  if (last <= i || !(big || joined)) return null;
  return { digits: String(total + current), end: last };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, k) => from + k);
}

/** How a word sounds, roughly: its consonants, doubled ones once ("fulsome" and "folsom" both "flsm"). */
function skeleton(word: string): string {
  return word.replace(/e$/, '').replace(/[aeiouy]/g, '').replace(/(.)\1+/g, '$1');
}

function isNameWord(word: string): boolean {
  return /^\p{L}[\p{L}\p{N}]*$/u.test(word) && !STOP.has(word) && !CONNECTORS.has(word) && !SUFFIX_TYPES.has(word) && !PREFIX_TYPES.has(word);
}

function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${suffix}`;
}

/** What an alert may say about a home: the block, never the house number. */
export function blockLabel(number: number, street: string): string {
  return number < 100 ? `first block of ${street}` : `${Math.floor(number / 100) * 100} block of ${street}`;
}

// ── ZIP codes (the rules parse-location.ts had) ─────────────────────────────

// Five ASCII digits, optionally ZIP+4, standing alone: not glued to letters or other digits, not a piece of a
// hyphenated or decimal number ("1-94110", "94110.5"), not an amount of money ("$12345").
const ZIP_CANDIDATE = /(?<![\p{L}\p{N}_\p{Sc}]|\p{N}[.-])(\d{5})(?:-\d{4})?(?![\p{L}\p{N}_]|[.-]\p{N})/gu;
const CLAUSE_END = /[.,;:!?¡¿()[\]\n]/u;
const WORD = /[\p{L}\p{N}]+/gu;
// Street types, before the name ("Calle Ocho") or after it ("Main St").
const STREET_WORDS = new Set([
  'st', 'street', 'ave', 'av', 'avenue', 'blvd', 'boulevard', 'rd', 'road', 'dr', 'drive', 'way', 'ln', 'lane',
  'ct', 'pl', 'pkwy', 'hwy', 'calle', 'avenida', 'camino', 'kalye',
]);
// Words that end a would-be street name: "94110 near Mission St" names a ZIP, then a street.
const ZIP_CONNECTORS = new Set(['near', 'at', 'on', 'in', 'by', 'off', 'and', 'of', 'cerca', 'en', 'por', 'y', 'sa', 'malapit', 'ng']);
const MAX_STREET_NAME_WORDS = 3;

/** "12345 Main St", "10001 Calle Ocho": the number is a house number, not a ZIP. */
function isHouseNumber(text: string, endOfNumber: number): boolean {
  const clause = text.slice(endOfNumber).split(CLAUSE_END, 1)[0] ?? '';
  for (const word of (clause.match(WORD) ?? []).slice(0, MAX_STREET_NAME_WORDS + 1).map((w) => w.toLowerCase())) {
    if (STREET_WORDS.has(word)) return true;
    if (ZIP_CONNECTORS.has(word)) return false;
  }
  return false;
}

// ── pins: map links and coordinates ─────────────────────────────────────────

const NUM = String.raw`[-+]?\d{1,3}\.\d+`;
const LINK = /\b(?:https?:\/\/|www\.)[^\s<>"]+|\b(?:maps\.(?:google|apple)\.[a-z.]+|google\.[a-z.]+\/maps|(?:www\.)?openstreetmap\.org|osm\.org|(?:maps\.app\.)?goo\.gl)[^\s<>"]*|\bgeo:[^\s<>"]+/giu;
const LINK_PATTERNS: readonly RegExp[] = [
  new RegExp(String.raw`!3d(${NUM})!4d(${NUM})`),
  new RegExp(String.raw`[?&](?:q|query|ll|sll|daddr|destination|center|coordinate|saddr|loc)=(?:loc:)?\s*(${NUM})\s*,\s*(${NUM})`),
  new RegExp(String.raw`[?&]mlat=(${NUM}).*?[?&]mlon=(${NUM})`),
  new RegExp(String.raw`[?&]lat=(${NUM}).*?[?&](?:lon|lng)=(${NUM})`),
  new RegExp(String.raw`#map=\d+(?:\.\d+)?/(${NUM})/(${NUM})`),
  new RegExp(String.raw`/@(${NUM}),(${NUM})`),
  new RegExp(String.raw`^geo:(${NUM}),(${NUM})`),
  new RegExp(String.raw`(?<![\d.])([-+]?\d{1,2}\.\d{3,}),\s*([-+]?\d{1,3}\.\d{3,})`),
];
const LATLNG_WORDS = new RegExp(String.raw`\blat(?:itude)?\s*[:=]?\s*(${NUM})\s*[,;]?\s*(?:lng|lon|long|longitude)\s*[:=]?\s*(${NUM})`, 'giu');
/** How far from the committees' region a pasted pin may be and still be taken as where a raid is. */
const PIN_REGION_METERS = 300_000;

// Separators are bounded ([ \t]{0,2}) rather than \s*: overlapping unbounded runs made a number followed by a long
// run of spaces take time to the fourth power of its length (a 1,600-character text could hang the webhook).
const PAIR = /(?<![\d.\w-])([-+]?\d{1,3}\.\d{3,})[ \t]{0,2}°?([NSns])?[ \t]{0,2}[,;]?[ \t]{1,3}([-+]?\d{1,3}\.\d{3,})[ \t]{0,2}°?([EWew])?(?![\d.])|(?<![\d.\w-])([-+]?\d{1,3}\.\d{3,})[ \t]{0,2}°?([NSns])?,([-+]?\d{1,3}\.\d{3,})[ \t]{0,2}°?([EWew])?(?![\d.])/gu;

/** A plausible pin: in range, not the (0, 0) of an empty GPS or a blank form; [lng, lat] only when [lat, lng] can't be. */
function validPair(lat: number, lng: number): LatLng | null {
  if (!Number.isFinite(lat) || !Number.isFinite(lng) || (lat === 0 && lng === 0)) return null;
  if (Math.abs(lat) <= 90 && Math.abs(lng) <= 180) return { lat, lng };
  // GeoJSON order, [lng, lat]
  if (Math.abs(lng) <= 90 && Math.abs(lat) <= 180) return { lat: lng, lng: lat };
  return null;
}

/** The first map pin or coordinate pair in a text, and the text with every link and pair blanked out. */
function readPins(text: string): { blanked: string; pin: { point: LatLng; start: number; end: number } | null; sawLink: boolean } {
  let blanked = text;
  let pin: { point: LatLng; start: number; end: number } | null = null;
  let sawLink = false;
  const blank = (start: number, end: number) => {
    blanked = blanked.slice(0, start) + ' '.repeat(end - start) + blanked.slice(end);
  };
  for (const m of text.matchAll(LINK)) {
    const url = m[0].replace(/[).,!?]+$/, '');
    const mapLike = /map|goo\.gl|geo:|openstreetmap|osm\.org|apple/i.test(url);
    if (!mapLike) {
      blank(m.index, m.index + url.length);
      continue;
    }
    sawLink = true;
    let decoded = url;
    try {
      decoded = decodeURIComponent(url.replace(/\+/g, ' '));
    } catch {
      // A malformed escape: read it as written.
    }
    if (!pin) {
      for (const pattern of LINK_PATTERNS) {
        const hit = pattern.exec(decoded);
        const point = hit ? validPair(Number(hit[1]), Number(hit[2])) : null;
        if (point) {
          pin = { point, start: m.index, end: m.index + url.length };
          break;
        }
      }
    }
    blank(m.index, m.index + url.length);
  }
  for (const m of blanked.matchAll(LATLNG_WORDS)) {
    const point = validPair(Number(m[1]), Number(m[2]));
    if (point && !pin) pin = { point, start: m.index, end: m.index + m[0].length };
    if (point) blank(m.index, m.index + m[0].length);
  }
  for (const m of blanked.matchAll(PAIR)) {
    const latText = m[1] ?? m[5];
    const lngText = m[3] ?? m[7];
    const ns = m[2] ?? m[6];
    const ew = m[4] ?? m[8];
    if (latText === undefined || lngText === undefined) continue;
    let lat = Number(latText);
    let lng = Number(lngText);
    if (ns && /s/i.test(ns)) lat = -Math.abs(lat);
    if (ew && /w/i.test(ew)) lng = -Math.abs(lng);
    const point = validPair(lat, lng);
    if (!point) continue;
    if (!pin) pin = { point, start: m.index, end: m.index + m[0].length };
    blank(m.index, m.index + m[0].length);
  }
  return { blanked, pin, sawLink };
}
