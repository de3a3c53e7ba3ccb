// How place and street names are compared: folded to lowercase ASCII words, with street types, directions and
// ordinals in one canonical form, so "24th St", "24 street", "calle 24", "la veinticuatro" and "Twenty-fourth
// Street" all have the key "24". Shared by the street index (names from OSM) and the reader (names from texts).

/** Lowercase, accents removed ("César Chávez" → "cesar chavez"), apostrophes dropped ("O'Farrell" → "ofarrell"). */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['\u2019\u2018`´]/gu, '');
}

export interface Token {
  /** Folded word ("24th", "mission"), or a separator: "&", "/", "@", or "," for any clause break. */
  text: string;
  /** Offsets into the original text, so a match can quote the words it came from. */
  start: number;
  end: number;
}

// Letters and digits glued together ("24th", "3n5tyk"), or one separator that can join two street names.
const TOKEN = /[\p{L}\p{M}\p{N}'\u2019]+|[&/@+]|[.,;:!?¡¿()[\]\n|]+/gu;
const CLAUSE = /^[.,;:!?¡¿()[\]\n|]+$/u;

/** The words of a text with their positions; clause punctuation becomes a "," token, emoji and the rest vanish. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const raw = match[0];
    const start = match.index;
    const folded = CLAUSE.test(raw) ? ',' : raw === '+' ? '&' : fold(raw);
    if (folded === '') continue;
    tokens.push({ text: folded, start, end: start + raw.length });
  }
  return tokens;
}

// ── street types and directions ─────────────────────────────────────────────

/** Street-type words after a name ("Mission St") in English, and their canonical form. */
export const SUFFIX_TYPES: ReadonlyMap<string, string> = new Map([
  ['st', 'street'], ['str', 'street'], ['street', 'street'], ['sts', 'street'],
  ['ave', 'avenue'], ['av', 'avenue'], ['avenue', 'avenue'], ['avn', 'avenue'],
  ['blvd', 'boulevard'], ['boulevard', 'boulevard'], ['bl', 'boulevard'],
  ['rd', 'road'], ['road', 'road'], ['dr', 'drive'], ['drive', 'drive'], ['way', 'way'],
  ['ln', 'lane'], ['lane', 'lane'], ['pl', 'place'], ['ct', 'court'], ['ter', 'terrace'], ['terrace', 'terrace'],
  ['hwy', 'highway'], ['highway', 'highway'], ['pkwy', 'parkway'], ['parkway', 'parkway'], ['expy', 'expressway'],
  ['expressway', 'expressway'], ['cir', 'circle'], ['circle', 'circle'], ['aly', 'alley'], ['alley', 'alley'],
  ['plz', 'plaza'], ['plaza', 'plaza'], ['sq', 'square'], ['square', 'square'],
]);

/** Street-type words before a name ("Calle Ocho", "Avenida Mission", "Kalye Rizal"), and their canonical form. */
export const PREFIX_TYPES: ReadonlyMap<string, string> = new Map([
  ['calle', 'street'], ['c', 'street'], ['avenida', 'avenue'], ['av', 'avenue'], ['ave', 'avenue'],
  ['avda', 'avenue'], ['bulevar', 'boulevard'], ['boulevard', 'boulevard'], ['camino', 'road'],
  ['carretera', 'highway'], ['kalye', 'street'], ['kalsada', 'road'], ['daan', 'road'], ['abenida', 'avenue'],
]);

const DIRECTIONS: ReadonlyMap<string, string> = new Map([
  ['n', 'north'], ['north', 'north'], ['s', 'south'], ['south', 'south'], ['e', 'east'], ['east', 'east'],
  ['w', 'west'], ['west', 'west'], ['norte', 'north'], ['sur', 'south'], ['este', 'east'], ['oeste', 'west'],
]);

// ── numbers as street names ─────────────────────────────────────────────────

const UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const TEENS = ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const ORDINAL_UNITS = ['zeroth', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth'];
const ORDINAL_TEENS = [
  'tenth', 'eleventh', 'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth',
  'nineteenth',
];
const ORDINAL_TENS = ['', '', 'twentieth', 'thirtieth', 'fortieth', 'fiftieth', 'sixtieth', 'seventieth', 'eightieth', 'ninetieth'];

// Spanish numbers people use for street names ("la veinticuatro", "la 16", "calle dieciséis"), folded.
const SPANISH: ReadonlyArray<readonly [string, number]> = [
  ['uno', 1], ['primera', 1], ['primero', 1], ['dos', 2], ['segunda', 2], ['tres', 3], ['tercera', 3], ['cuatro', 4],
  ['cuarta', 4], ['cinco', 5], ['quinta', 5], ['seis', 6], ['sexta', 6], ['siete', 7], ['septima', 7], ['ocho', 8],
  ['octava', 8], ['nueve', 9], ['novena', 9], ['diez', 10], ['decima', 10], ['once', 11], ['doce', 12], ['trece', 13],
  ['catorce', 14], ['quince', 15], ['dieciseis', 16], ['diecisiete', 17], ['dieciocho', 18], ['diecinueve', 19],
  ['veinte', 20], ['veintiuno', 21], ['veintiun', 21], ['veintidos', 22], ['veintitres', 23], ['veinticuatro', 24],
  ['veinticinco', 25], ['veintiseis', 26], ['veintisiete', 27], ['veintiocho', 28], ['veintinueve', 29], ['treinta', 30],
];

const WORD_NUMBERS: ReadonlyMap<string, number> = new Map<string, number>([
  ...UNITS.slice(1).map((w, i) => [w, i + 1] as const),
  ...ORDINAL_UNITS.slice(1).map((w, i) => [w, i + 1] as const),
  ...TEENS.map((w, i) => [w, i + 10] as const),
  ...ORDINAL_TEENS.map((w, i) => [w, i + 10] as const),
  ...TENS.flatMap((w, i) => (w ? [[w, i * 10] as const] : [])),
  ...ORDINAL_TENS.flatMap((w, i) => (w ? [[w, i * 10] as const] : [])),
  ...SPANISH,
]);
const TENS_VALUES = new Set(TENS.filter(Boolean));

/** "24th", "24", "24nd", "24va", "1st" → 24 / 1; anything else → null. */
export function digitsOrdinal(word: string): number | null {
  const match = /^(\d{1,3})(st|nd|rd|th|ra|ro|va|vo|a|o|na|ta|ma)?$/.exec(word);
  if (!match) return null;
  const value = Number(match[1]);
  return value > 0 ? value : null;
}

/**
 * A street number written out, starting at tokens[i]: "24th" (1 token), "twenty fourth" / "twenty-fourth"
 * (2 tokens), "veinticuatro" (1 token). Returns the value and how many tokens it took.
 */
export function readStreetNumber(words: readonly string[], i: number): { value: number; length: number } | null {
  const first = words[i];
  if (first === undefined) return null;
  const digits = digitsOrdinal(first);
  if (digits !== null) return { value: digits, length: 1 };
  // "ika-24" / "ika 24": Tagalog ordinal prefix.
  if (first === 'ika') {
    const next = words[i + 1];
    const value = next === undefined ? null : digitsOrdinal(next);
    return value === null ? null : { value, length: 2 };
  }
  const value = WORD_NUMBERS.get(first);
  if (value === undefined) return null;
  if (TENS_VALUES.has(first) || first.endsWith('ieth')) {
    const unit = words[i + 1] === undefined ? undefined : WORD_NUMBERS.get(words[i + 1] ?? '');
    if (!first.endsWith('ieth') && unit !== undefined && unit < 10) return { value: value + unit, length: 2 };
  }
  return { value, length: 1 };
}

// ── street keys ─────────────────────────────────────────────────────────────

export interface StreetName {
  /** The name without its type, folded, numbers as digits, directions spelled out: "24", "south van ness". */
  key: string;
  /** Canonical street type when the name carries one ("street", "avenue"), else null. */
  type: string | null;
}

/**
 * The comparable form of a street name as OSM or a person writes it. "Cesar Chavez Street" → {key: "cesar
 * chavez", type: "street"}; "24th St" and "Calle 24" → {key: "24", type: "street"}; "S Van Ness Ave" → {key:
 * "south van ness", type: "avenue"}; "St Marys Ave" → {key: "saint marys", type: "avenue"}.
 */
export function parseStreetName(name: string): StreetName {
  let words = tokenize(name)
    .map((t) => t.text)
    .filter((w) => w !== ',' && w !== '&' && w !== '/' && w !== '@');
  let type: string | null = null;
  // Articles people put before a street: "la 24", "the Embarcadero", "el Camino Real" keeps "camino real".
  if (words.length > 1 && ['la', 'el', 'the', 'ang'].includes(words[0] ?? '') && !(words[0] === 'el' && words[1] === 'camino')) {
    words = words.slice(1);
  }
  const first = words[0] ?? '';
  if (words.length > 1 && PREFIX_TYPES.has(first) && !(first === 'camino' && words[1] === 'real')) {
    type = PREFIX_TYPES.get(first) ?? null;
    words = words.slice(1);
  }
  const last = words[words.length - 1] ?? '';
  if (words.length > 1 && SUFFIX_TYPES.has(last)) {
    type = SUFFIX_TYPES.get(last) ?? null;
    words = words.slice(0, -1);
  }
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    const number = readStreetNumber(words, i);
    // Only a whole name that is a number is an ordinal street ("24th"); "Highway 101" keeps its words.
    if (number !== null && number.length === words.length - i && out.length === 0) {
      out.push(String(number.value));
      break;
    }
    if (i === 0 && words.length > 1 && (word === 'st' || word === 'sta' || word === 'san' || word === 'santa')) {
      out.push(word === 'st' ? 'saint' : word);
      continue;
    }
    out.push(DIRECTIONS.get(word) !== undefined && words.length > 1 ? (DIRECTIONS.get(word) ?? word) : word);
  }
  return { key: out.join(' '), type };
}

/** Key of a place, neighbourhood or city name: folded words without leading articles ("The Home Depot" → "home depot"). */
export function nameKey(name: string): string {
  const words = tokenize(name)
    .map((t) => t.text)
    .filter((w) => /^[\p{L}\p{N}]+$/u.test(w));
  while (words.length > 1 && ARTICLES.has(words[0] ?? '')) words.shift();
  return words.join(' ');
}

/** Articles dropped at the start of names in all three languages. */
export const ARTICLES: ReadonlySet<string> = new Set(['the', 'el', 'la', 'los', 'las', 'ang', 'mga', 'a', 'an']);

/** Short forms of canonical street types, as street signs and alerts write them. */
export const TYPE_ABBREVIATIONS: ReadonlyMap<string, string> = new Map([
  ['street', 'St'], ['avenue', 'Ave'], ['boulevard', 'Blvd'], ['road', 'Rd'], ['drive', 'Dr'], ['way', 'Way'],
  ['lane', 'Ln'], ['place', 'Pl'], ['court', 'Ct'], ['terrace', 'Ter'], ['highway', 'Hwy'], ['parkway', 'Pkwy'],
  ['expressway', 'Expy'], ['circle', 'Cir'], ['alley', 'Aly'], ['plaza', 'Plz'], ['square', 'Sq'],
]);

/** A street name the way alerts print it, its trailing type abbreviated: "Cesar Chavez Street" → "Cesar Chavez St". */
export function abbreviateStreetName(name: string): string {
  const trimmed = name.trim().replace(/\s+/g, ' ');
  const match = /^(.*\S) (\S+?)\.?$/u.exec(trimmed);
  if (!match?.[1] || !match[2]) return trimmed;
  const type = SUFFIX_TYPES.get(fold(match[2]));
  const short = type === undefined ? undefined : TYPE_ABBREVIATIONS.get(type);
  return short === undefined ? trimmed : `${match[1]} ${short}`;
}

// ── fuzzy words (added for the location reader) ─────────────────────────────

/** Canonical direction of a direction word ("n" → "north", "sur" → "south"), else null. */
export function directionOf(word: string): string | null {
  return DIRECTIONS.get(word) ?? null;
}

/**
 * Whether two words differ by at most one edit: a letter added, dropped or changed, or two neighbours swapped
 * ("mision"/"mission", "flosom"/"folsom"). Bounded, so it costs one pass over the shorter word.
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** The word with each one letter left out: keys of a deletion index that finds one-edit neighbours by lookup. */
export function oneDeletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

// Words people abbreviate with a period; the period then ends no clause ("St. Peter's", "Mission St. y 24").
const ABBREVIATED = new Set([
  ...SUFFIX_TYPES.keys(), ...PREFIX_TYPES.keys(), 'esq', 'apt', 'no', 'jr', 'sr', 'mt', 'ft', 'sta', 'sto', 'dept', 'depto',
  'num', 'ste', 'bldg', 'approx', 'aprox', 'sn', 'dra', 'mr', 'mrs', 'ms',
]);

// Scripts written without spaces: each character is its own word, and Latin words or digits inside them stand
// apart ("24街和Mission街" → "24", "街", "和", "mission", "街").
const UNSPACED_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[^\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/gu;
const UNSPACED_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/**
 * Like tokenize, but a lone period after an abbreviation or an initial is dropped instead of breaking the clause,
 * and words of unspaced scripts are split into characters.
 */
export function tokenizeText(text: string): Token[] {
  const tokens = tokenize(text).flatMap((token) => {
    if (!UNSPACED_CHAR.test(token.text)) return [token];
    const raw = text.slice(token.start, token.end);
    return [...raw.matchAll(UNSPACED_RUN)].map((m) => ({ text: fold(m[0]), start: token.start + m.index, end: token.start + m.index + m[0].length }));
  });
  return tokens.filter((token, i) => {
    if (token.text !== ',' || text.slice(token.start, token.end) !== '.') return true;
    const previous = tokens[i - 1];
    if (previous === undefined || previous.end !== token.start) return true;
    return !(ABBREVIATED.has(previous.text) || /^\p{L}$/u.test(previous.text));
  });
}
