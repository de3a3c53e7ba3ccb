// Guesses the language of a free-text report and what kind of place it describes.
// Both are hints for people and routing: a wrong guess must be cheap, so when the text is
// too short to tell we say nothing rather than answer someone in the wrong language.
import { franc } from 'franc-min';
import type { IncidentKind, Locale } from './types.js';

export interface DetectedLanguage {
  /** ISO 639-1 code of the guessed language, or null when unsure. */
  language: string | null;
  /** The guess when it is a language the hotline answers in. */
  locale: Locale | null;
}

// Languages of the communities the hotline serves; franc-min lacks Haitian Creole ('hat'),
// which is harmless to list and picked up if the data ever includes it.
const FRANC_ONLY = ['eng', 'spa', 'tgl', 'por', 'fra', 'vie', 'hat', 'cmn', 'kor', 'rus', 'arb'];

const ISO_639_1: Readonly<Record<string, string>> = {
  eng: 'en', spa: 'es', tgl: 'tl', por: 'pt', fra: 'fr', vie: 'vi',
  hat: 'ht', cmn: 'zh', kor: 'ko', rus: 'ru', arb: 'ar',
};

const LOCALE_OF: Readonly<Record<string, Locale>> = { en: 'en', es: 'es', tl: 'tl' };

const MIN_WORDS = 4;
const FRANC_MIN_LENGTH = 10;

// Scripts written without spaces: count about one word per two characters.
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;

/** Word tokens made of letters only: ZIPs, codes like X7K2 and numbers don't count. */
function letterWords(text: string): string[] {
  return text
    .split(/[^\p{L}\p{M}\p{N}'\u2019]+/u)
    .filter((w) => w !== '' && /^[\p{L}\p{M}'\u2019]+$/u.test(w));
}

function wordCount(words: readonly string[]): number {
  let count = 0;
  for (const w of words) count += UNSPACED.test(w) ? Math.ceil(Array.from(w).length / 2) : 1;
  return count;
}

// franc-min has no Haitian Creole and no Mayan languages, and tends to file them (and other
// unknown Latin-script text) under Tagalog. Answering those people in Tagalog would be worse
// than not guessing, so a Tagalog verdict needs at least one common Tagalog function word.
// The two lists share no word, so counting both settles Haitian-vs-Tagalog mix-ups.
const TAGALOG_MARKERS = new Set([
  'ang', 'ng', 'mga', 'sa', 'ay', 'po', 'opo', 'namin', 'natin', 'nila', 'ninyo', 'nyo', 'niyo', 'ngayon',
  'nasa', 'ito', 'iyan', 'yan', 'yung', 'dito', 'doon', 'hindi', 'wala', 'walang', 'may', 'meron',
  'nandito', 'andito', 'nandyan', 'kami', 'sila', 'siya', 'kayo', 'tayo', 'ako', 'din', 'rin',
  'naman', 'nang', 'kanto', 'bahay', 'tulong', 'pumunta', 'dumating', 'maraming', 'ahente',
]);
const HAITIAN_MARKERS = new Set([
  'mwen', 'nou', 'yo', 'kounye', 'lakay', 'ki', 'gen', 'nan', 'sou', 'li', 'kote', 'lapolis', 'ajan', 'isit',
  'imigrasyon', 'pa', 'ak', 'pou', 'ye', 'anpil', 'machin',
]);

/** Guesses the language of a report. Both fields are null for short or unclear texts. */
export function detectLanguage(text: string): DetectedLanguage {
  const none: DetectedLanguage = { language: null, locale: null };
  if (typeof text !== 'string') return none;
  const words = letterWords(text.slice(0, 4000));
  if (wordCount(words) < MIN_WORDS) return none;

  const sample = words.join(' ');
  const code = franc(sample, { only: FRANC_ONLY, minLength: FRANC_MIN_LENGTH });
  let language = ISO_639_1[code] ?? null;

  if (language === 'tl') {
    const lower = words.map((w) => w.toLowerCase());
    const tagalog = lower.filter((w) => TAGALOG_MARKERS.has(w)).length;
    const haitian = lower.filter((w) => HAITIAN_MARKERS.has(w)).length;
    if (haitian >= 2 && haitian > tagalog) language = 'ht';
    else if (tagalog === 0) language = null;
  }
  if (language === null) return none;
  return { language, locale: LOCALE_OF[language] ?? null };
}

// ── kind of place ───────────────────────────────────────────────────────────────

/** Lowercase, accent-free, single-spaced words padded with spaces for whole-word search. */
function normalizeForKind(text: string): string {
  const words = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['\u2019]/gu, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
  return ` ${words.join(' ')} `;
}

// Terms are accent-free and lowercase; a term also matches its plural (+s / +es).
const KIND_TERMS: ReadonlyArray<readonly [IncidentKind, readonly string[]]> = [
  [
    'school',
    [
      'school', 'high school', 'elementary', 'middle school', 'preschool', 'daycare', 'kindergarten',
      'escuela', 'colegio', 'primaria', 'secundaria', 'preparatoria', 'prepa', 'kinder', 'guarderia',
      'paaralan', 'eskwela', 'eskwelahan', 'iskul',
    ],
  ],
  ['court', ['court', 'courthouse', 'immigration court', 'corte', 'tribunal', 'juzgado', 'korte', 'hukuman']],
  [
    'checkpoint',
    ['checkpoint', 'check point', 'roadblock', 'road block', 'reten', 'punto de control', 'control de transito'],
  ],
  [
    // Knocking on doors is unmistakably a home operation, whatever else the text mentions.
    'home',
    [
      'knocking', 'knocked', 'door knock', 'knock on the door', 'tocando la puerta', 'tocando puertas',
      'tocan la puerta', 'kumakatok', 'kinakatok',
    ],
  ],
  [
    'worksite',
    [
      'work', 'job', 'jobsite', 'job site', 'worksite', 'work site', 'factory', 'factories', 'warehouse',
      'farm', 'field',
      'construction', 'construction site', 'car wash', 'carwash', 'restaurant', 'store', 'shop', 'market',
      'plant', 'home depot', 'lowes', 'swap meet', 'day laborer', 'day labor', 'packing house',
      'trabajo', 'fabrica', 'almacen', 'construccion', 'obra', 'rancho', 'tienda', 'taller', 'restaurante',
      'mercado', 'planta', 'empacadora', 'lavado de carros', 'lavado de autos', 'jornaleros', 'bodega',
      'campo', 'trabaho', 'pabrika', 'tindahan', 'sakahan', 'bukid', 'opisina',
    ],
  ],
  [
    'home',
    [
      'house', 'home', 'apartment', 'apt', 'apartments', 'condo', 'trailer', 'mobile home', 'residence',
      'casa', 'hogar', 'departamento', 'apartamento', 'vivienda', 'traila',
      'bahay', 'tahanan', 'paupahan',
    ],
  ],
];

const KIND_PATTERNS: ReadonlyArray<readonly [IncidentKind, RegExp]> = KIND_TERMS.map(([kind, terms]) => {
  return [kind, new RegExp(` (?:${terms.join('|')})(?:e?s)? `)] as const;
});

/**
 * The kind of place a report describes. Priority (first match wins):
 * school > court > checkpoint > door-knocking > worksite > home > other.
 * Schools, courts and checkpoints are specific places that change who responds.
 * Generic home words come last because people use them as landmarks
 * ("cerca de mi casa", "near my house") far more often than to describe the raid,
 * while a workplace word almost always names where the agents are.
 */
export function classifyKind(text: string): IncidentKind {
  if (typeof text !== 'string') return 'other';
  const normalized = normalizeForKind(text.slice(0, 4000));
  for (const [kind, pattern] of KIND_PATTERNS) {
    if (pattern.test(normalized)) return kind;
  }
  return 'other';
}
