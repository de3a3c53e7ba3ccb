// What a report says besides where: how many vehicles, which agency, whether it is happening now, arrests,
// weapons, children. A dispatcher reads these at a glance; none of them decides anything on its own, so a cue
// is only reported when the words are there. Also tells a report from a bare location answer.
// The word helpers here (folding, phrase tables) are shared with kind.ts and language.ts.
import type { ReportDetails } from './types.js';

// ── words ───────────────────────────────────────────────────────────────────

/** Clause punctuation becomes this token: phrases never match across it. */
export const BREAK = ',';

// Han characters are split from Latin ones they touch ("ICE在Daly City的Seafood City").
const TOKEN = /\p{Script=Han}+|(?:(?!\p{Script=Han})[\p{L}\p{M}\p{N}])+|[.,;:!?¡¿()[\]\n|]+/gu;
const PUNCTUATION = /^[.,;:!?¡¿()[\]\n|]+$/u;
// Dotted acronyms ("I.C.E.", "c.b.p") read as one word.
const DOTTED = /\b(\p{L})\.(\p{L})\.(\p{L})\b\.?/gu;

/**
 * The words of a text, lowercase and accent-free ("Fábrica" → "fabrica"), with clause punctuation as BREAK.
 * Apostrophes and hyphens split words ("ICE's" → "ice s", "taga-immigration" → "taga immigration"); emoji vanish.
 */
export function foldWords(text: string): string[] {
  if (typeof text !== 'string') return [];
  const folded = text
    .slice(0, 4000)
    .replace(DOTTED, '$1$2$3')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase();
  const words: string[] = [];
  for (const match of folded.matchAll(TOKEN)) {
    const word = PUNCTUATION.test(match[0]) ? BREAK : match[0];
    if (word === BREAK && words[words.length - 1] === BREAK) continue;
    words.push(word);
  }
  return words;
}

// ── phrase tables ───────────────────────────────────────────────────────────

export interface PhraseMatch<V> {
  start: number;
  /** Index after the last word of the match. */
  end: number;
  value: V;
}

/** Phrases (space-separated folded words) by their first word, longest first. */
export class PhraseTable<V> {
  private readonly byFirst = new Map<string, Array<{ words: string[]; value: V }>>();
  // Single words matched with one typo ("scool", "checkpint"): only long, distinctive words.
  private readonly fuzzy: Array<{ word: string; value: V }> = [];

  /** Entries are [phrase, value, fuzzy?]: a fuzzy one-word phrase of fuzzyMinLength letters also matches with one typo. */
  constructor(entries: Iterable<readonly [string, V, boolean?]>, options: { fuzzyMinLength?: number } = {}) {
    const fuzzyMin = options.fuzzyMinLength ?? Number.POSITIVE_INFINITY;
    for (const [phrase, value, fuzzy] of entries) {
      const words = phrase.split(' ');
      const first = words[0] ?? '';
      const list = this.byFirst.get(first) ?? [];
      list.push({ words, value });
      list.sort((a, b) => b.words.length - a.words.length);
      this.byFirst.set(first, list);
      if (fuzzy && words.length === 1 && first.length >= fuzzyMin) this.fuzzy.push({ word: first, value });
    }
  }

  /** The longest phrase starting at words[i], if any. */
  at(words: readonly string[], i: number): PhraseMatch<V> | null {
    const first = words[i];
    if (first === undefined || first === BREAK) return null;
    for (const candidate of this.byFirst.get(first) ?? []) {
      if (candidate.words.every((w, k) => words[i + k] === w)) {
        return { start: i, end: i + candidate.words.length, value: candidate.value };
      }
    }
    if (first.length >= 5 && !/\d/.test(first)) {
      for (const { word, value } of this.fuzzy) {
        if (withinOneEdit(first, word)) return { start: i, end: i + 1, value };
      }
    }
    return null;
  }

  /** Every match, left to right, longest first, not overlapping. */
  all(words: readonly string[]): Array<PhraseMatch<V>> {
    const found: Array<PhraseMatch<V>> = [];
    for (let i = 0; i < words.length; ) {
      const match = this.at(words, i);
      if (match) {
        found.push(match);
        i = match.end;
      } else {
        i += 1;
      }
    }
    return found;
  }
}

/** True when a and b differ by at most one insertion, deletion, substitution or swap of neighbours. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  const [long, short] = a.length > b.length ? [a, b] : [b, a];
  return long.slice(i + 1) === short.slice(i);
}

/** The plural forms of phrases: last word + s and + es (English and Spanish). */
export function pluralsOf(phrases: readonly string[]): string[] {
  return phrases.flatMap((p) => [`${p}s`, `${p}es`]);
}

function table(phrases: readonly string[]): PhraseTable<true> {
  return new PhraseTable(phrases.map((p) => [p, true] as const));
}

function near(words: readonly string[], from: number, to: number, set: ReadonlySet<string>): boolean {
  for (let k = Math.max(0, from); k < Math.min(words.length, to); k++) {
    if (set.has(words[k] ?? '')) return true;
  }
  return false;
}

// ── vehicles ────────────────────────────────────────────────────────────────

const NUMBER_WORDS: ReadonlyMap<string, number> = new Map([
  ['one', 1], ['two', 2], ['three', 3], ['four', 4], ['five', 5], ['six', 6], ['seven', 7], ['eight', 8],
  ['nine', 9], ['ten', 10], ['eleven', 11], ['twelve', 12], ['fifteen', 15], ['twenty', 20], ['dozen', 12],
  ['uno', 1], ['dos', 2], ['tres', 3], ['cuatro', 4], ['cinco', 5], ['seis', 6], ['siete', 7], ['ocho', 8],
  ['nueve', 9], ['diez', 10], ['once', 11], ['doce', 12], ['quince', 15], ['veinte', 20],
  // Tagalog numbers, bare and with the linker (-ng / "na" follows).
  ['isa', 1], ['isang', 1], ['dalawa', 2], ['dalawang', 2], ['tatlo', 3], ['tatlong', 3], ['apat', 4],
  ['lima', 5], ['limang', 5], ['anim', 6], ['pito', 7], ['pitong', 7], ['walo', 8], ['walong', 8], ['siyam', 9],
  ['sampu', 10], ['sampung', 10], ['kwatro', 4], ['kuwatro', 4], ['singko', 5],
]);
// "a van", "una camioneta", "isang van": one, but only right before the vehicle word.
const ARTICLE_ONE: ReadonlySet<string> = new Set(['a', 'an', 'un', 'una', 'isang']);
const COUPLE: ReadonlyArray<readonly string[]> = [
  ['a', 'couple', 'of'], ['a', 'couple'], ['couple', 'of'], ['un', 'par', 'de'], ['par', 'de'],
];

/** Vehicle words and the group they count in: a count per group, groups added up. */
const VEHICLES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    van: ['van', 'vans', 'minivan', 'minivans', 'furgoneta', 'furgonetas'],
    car: ['car', 'cars', 'carro', 'carros', 'coche', 'coches', 'auto', 'autos', 'kotse', 'sedan', 'sedans'],
    truck: ['truck', 'trucks', 'pickup', 'pickups', 'troca', 'trocas', 'troka', 'trokas', 'trak', 'camion', 'camiones'],
    suv: ['suv', 'suvs', 'suburban', 'suburbans', 'tahoe', 'tahoes', 'explorer', 'explorers', 'camioneta', 'camionetas'],
    patrol: ['cruiser', 'cruisers', 'patrulla', 'patrullas', 'patrol'],
    any: ['vehicle', 'vehicles', 'vehiculo', 'vehiculos', 'sasakyan', 'unit', 'units', 'unidades'],
  }).flatMap(([group, words]) => words.map((w) => [w, group] as const)),
);

// Words that may sit between a number and its vehicle: colours, "unmarked", agencies, Tagalog linkers.
const VEHICLE_FILLERS: ReadonlySet<string> = new Set([
  'white', 'black', 'grey', 'gray', 'silver', 'dark', 'blue', 'red', 'unmarked', 'marked', 'government', 'gov',
  'big', 'large', 'tinted', 'federal', 'police', 'more', 'other', 'of', 'de', 'ice', 'cbp', 'dhs', 'hsi',
  'migra', 'la', 'green', 'new', 'different', 'border',
  'blancas', 'blancos', 'blanca', 'blanco', 'negras', 'negros', 'negra', 'negro', 'grises', 'gris', 'grandes',
  'oscuras', 'otras', 'otros', 'mas',
  'na', 'mga', 'puting', 'puti', 'itim', 'malaking', 'malalaking', 'pang',
]);

function readCount(words: readonly string[], i: number): { value: number; length: number; article: boolean } | null {
  for (const phrase of COUPLE) {
    if (phrase.every((w, k) => words[i + k] === w)) return { value: 2, length: phrase.length, article: false };
  }
  const word = words[i] ?? '';
  if (/^\d{1,2}$/.test(word)) {
    const value = Number(word);
    return value > 0 ? { value, length: 1, article: false } : null;
  }
  const named = NUMBER_WORDS.get(word);
  if (named !== undefined) return { value: named, length: 1, article: false };
  if (ARTICLE_ONE.has(word)) return { value: 1, length: 1, article: true };
  return null;
}

/** The vehicle word a count at words[i] belongs to, and where it is; null if none follows closely. */
function vehicleAfter(words: readonly string[], i: number, maxFillers: number): { group: string; index: number } | null {
  for (let k = i, skipped = 0; k < words.length && skipped <= maxFillers; k++, skipped++) {
    const word = words[k] ?? '';
    const group = VEHICLES.get(word);
    // "Van Ness" is a street; "car wash" a place.
    if (group !== undefined && !(word === 'van' && words[k + 1] === 'ness') && !(word === 'car' && words[k + 1] === 'wash')) {
      return { group, index: k };
    }
    if (!VEHICLE_FILLERS.has(word)) return null;
  }
  return null;
}

function countVehicles(words: readonly string[]): number | undefined {
  const perGroup = new Map<string, number>();
  for (let i = 0; i < words.length; i++) {
    const count = readCount(words, i);
    if (!count) continue;
    const vehicle = vehicleAfter(words, i + count.length, count.article ? 2 : 3);
    if (!vehicle) continue;
    perGroup.set(vehicle.group, Math.max(perGroup.get(vehicle.group) ?? 0, count.value));
    i = vehicle.index;
  }
  if (perGroup.size === 0) return undefined;
  const any = perGroup.get('any') ?? 0;
  let specific = 0;
  for (const [group, value] of perGroup) if (group !== 'any') specific += value;
  return Math.min(Math.max(any, specific), 99);
}

// ── agencies ────────────────────────────────────────────────────────────────

/** Agency words, as a dispatcher reads them: the folded word, with "la migra" as "migra". */
const AGENCIES = new PhraseTable<string>([
  ['ice', 'ice'], ['cbp', 'cbp'], ['hsi', 'hsi'], ['ero', 'ero'], ['dhs', 'dhs'],
  ['border patrol', 'border patrol'], ['la border', 'border patrol'], ['borderpatrol', 'border patrol'],
  ['patrulla fronteriza', 'patrulla fronteriza'], ['la patrulla fronteriza', 'patrulla fronteriza'],
  ['migra', 'migra'], ['la migra', 'migra'], ['migras', 'migra'], ['la placa', 'la placa'],
  ['inmigracion', 'inmigracion'], ['immigracion', 'inmigracion'], ['migracion', 'migracion'],
  ['immigration', 'immigration'], ['imigration', 'immigration'], ['imigrasyon', 'imigrasyon'], ['imigracao', 'imigracao'],
  ['feds', 'feds'], ['federales', 'federales'], ['federal agents', 'feds'],
  ['police', 'police'], ['cops', 'police'], ['policia', 'policia'], ['la policia', 'policia'], ['pulis', 'pulis'],
  ['pulisya', 'pulis'], ['sheriff', 'sheriff'], ['sheriffs', 'sheriff'],
]);
// "immigration court", "abogado de inmigración", "police station": places and people, not agents on the scene.
const AGENCY_NOT_AFTER: ReadonlySet<string> = new Set([
  'court', 'courthouse', 'lawyer', 'lawyers', 'attorney', 'attorneys', 'office', 'offices', 'station', 'dept',
  'department', 'case', 'hearing', 'status', 'papers', 'cream', 'box', 'chest', 'cold', 'cube', 'cubes',
]);
const AGENCY_NOT_BEFORE: ReadonlySet<string> = new Set([
  'corte', 'abogado', 'abogada', 'abogados', 'oficina', 'oficinas', 'estacion', 'caso', 'cita', 'korte',
]);
// "la placa" is also a licence plate: "anoté la placa", "foto de la placa".
const PLATE_BEFORE: ReadonlySet<string> = new Set(['de', 'anote', 'apunte', 'tome', 'tengo', 'sin', 'su', 'numero']);

function readAgencies(words: readonly string[]): string[] {
  const found = new Set<string>();
  for (const match of AGENCIES.all(words)) {
    const before = words[match.start - 1] ?? '';
    const after = words[match.end] ?? '';
    if (AGENCY_NOT_AFTER.has(after)) continue;
    // "corte de inmigración", "abogado de ICE": the agency names what the word before is.
    if (before === 'de' && AGENCY_NOT_BEFORE.has(words[match.start - 2] ?? '')) continue;
    if (AGENCY_NOT_BEFORE.has(before)) continue;
    if (match.value === 'la placa' && PLATE_BEFORE.has(before)) continue;
    found.add(match.value);
  }
  return [...found];
}

// ── the rest ────────────────────────────────────────────────────────────────

const NOW = table([
  'right now', 'now', 'rn', 'currently', 'as we speak', 'happening now', 'still here', 'still there',
  'right this moment', 'at this moment', 'ahorita', 'ahora', 'ahora mismo', 'ahorita mismo', 'horita', 'orita',
  'en este momento', 'en estos momentos', 'en este instante', 'todavia estan', 'siguen ahi', 'siguen aqui',
  'ngayon', 'ngayon na', 'ngayon mismo', 'nandito pa', 'nandyan pa', 'andito pa', 'andyan pa', 'as of now',
]);
// "not now", "ahora no": not a statement that it is happening.
const NOW_NEGATED_BEFORE: ReadonlySet<string> = new Set(['not', 'no']);

const ARRESTS = table([
  'arrest', 'arrests', 'arrested', 'arresting', 'detain', 'detained', 'detaining', 'detains', 'detention',
  'grabbed', 'grabbing', 'handcuffed', 'handcuffing', 'cuffed', 'cuffing', 'apprehended', 'in custody',
  'rounding up', 'rounded up', 'took away', 'taken away', 'taking away', 'taken', 'took', 'taking',
  'se llevaron', 'llevaron', 'se lo llevaron', 'se la llevaron', 'se los llevaron', 'se las llevaron', 'llevando',
  'llevandose', 'llevandoselos', 'se estan llevando', 'agarraron', 'agarrando', 'agarro', 'detuvieron',
  'deteniendo', 'detenido', 'detenidos', 'detenida', 'detenidas', 'arrestaron', 'arrestando', 'arrestado',
  'arrestados', 'arrestada', 'arrestadas', 'esposado', 'esposados', 'esposando', 'capturaron', 'levantaron',
  'hinuli', 'hinuhuli', 'nahuli', 'nahuhuli', 'dinampot', 'dinadampot', 'kinuha', 'kinukuha', 'inaresto',
  'inaaresto', 'inaresto na', 'dinakip', 'dinadakip', 'isinakay', 'sinakay',
]);
// "took pictures", "took off", "taking my kids to school": not an arrest.
const TAKE_NOT_FOLLOWED: ReadonlySet<string> = new Set([
  'picture', 'pictures', 'pic', 'pics', 'photo', 'photos', 'video', 'videos', 'off', 'note', 'notes', 'look',
  'while', 'time', 'long', 'place', 'forever', 'school', 'turns', 'care', 'over',
]);

const WEAPONS = table([
  'gun', 'guns', 'armed', 'rifle', 'rifles', 'weapon', 'weapons', 'firearm', 'firearms', 'pistol', 'pistols',
  'handgun', 'handguns', 'long guns', 'guns drawn', 'arma', 'armas', 'armado', 'armados', 'armada', 'armadas',
  'pistola', 'pistolas', 'rifles', 'baril', 'mga baril', 'armadong', 'may baril', 'nakabaril',
]);

const CHILDREN = table([
  'kid', 'kids', 'child', 'children', 'baby', 'babies', 'toddler', 'toddlers', 'minor', 'minors', 'student',
  'students', 'ninos', 'nino', 'ninas', 'nina', 'bebe', 'bebes', 'menores', 'hijos', 'hijas', 'chamacos',
  'chiquitos', 'estudiantes', 'estudiante', 'bata', 'mga bata', 'batang', 'anak', 'mga anak', 'estudyante',
  'estudyante', 'kabataan', 'alumnos',
]);

/** Only what was found is set. */
export function readDetails(text: string): ReportDetails {
  const words = foldWords(text);
  const details: ReportDetails = {};
  const vehicles = countVehicles(words);
  if (vehicles !== undefined) details.vehicles = vehicles;
  const agencies = readAgencies(words);
  if (agencies.length > 0) details.agencies = agencies;
  if (NOW.all(words).some((m) => !NOW_NEGATED_BEFORE.has(words[m.start - 1] ?? ''))) details.happeningNow = true;
  if (mentionsArrest(words)) details.arrests = true;
  if (WEAPONS.all(words).length > 0) details.weapons = true;
  if (CHILDREN.all(words).length > 0) details.children = true;
  return details;
}

/** True when the words tell of someone arrested or taken (not "took pictures"). */
function mentionsArrest(words: readonly string[]): boolean {
  return ARRESTS.all(words).some((m) => {
    const verb = words[m.start] ?? '';
    if (m.end - m.start === 1 && (verb === 'took' || verb === 'taking' || verb === 'taken')) {
      return !near(words, m.end, m.end + 4, TAKE_NOT_FOLLOWED);
    }
    return true;
  });
}

// ── does it sound like a report? ────────────────────────────────────────────

const REPORT_WORDS = table([
  'raid', 'raids', 'raiding', 'redada', 'redadas', 'operativo', 'operativos', 'sweep', 'round up', 'roundup',
  'checkpoint', 'checkpoints', 'check point', 'roadblock', 'reten', 'retenes', 'punto de control',
  'knocking', 'knocked', 'banging', 'tocando', 'tocaron', 'kumakatok', 'kumatok',
  'agent', 'agents', 'agente', 'agentes', 'ahente', 'ahenteng', 'mga ahente', 'officer', 'officers', 'oficiales',
  'uniformed', 'vests', 'chalecos', 'soldiers', 'soldados', 'sundalo',
  'vans', 'trucks', 'suvs', 'cruisers', 'camionetas', 'trocas', 'patrullas', 'mga sasakyan', 'mga van',
  'help', 'ayuda', 'auxilio', 'socorro', 'tulong', 'saklolo', 'sos', 'emergency', 'emergencia', 'hurry',
  'apurense', 'vengan', 'come quick', 'please come',
  'arresting', 'chasing', 'persiguiendo', 'hinahabol',
  'papers', 'papeles', 'documentos', 'checking ids', 'pidiendo papeles', 'revisando papeles', 'asking for papers',
]);

/**
 * True when the text reads as a report rather than as a place: agency words, raid words, vehicles, arrests,
 * weapons, a plea for help. "24th and Folsom", "en la Misión", "Home Depot" are places, not reports.
 */
export function soundsLikeReport(text: string): boolean {
  const words = foldWords(text);
  if (words.length === 0) return false;
  if (REPORT_WORDS.all(words).some((m) => !(words[m.start] === 'help' && words[m.end] === 'center'))) return true;
  if (readAgencies(words).length > 0) return true;
  if (countVehicles(words) !== undefined) return true;
  return mentionsArrest(words) || WEAPONS.all(words).length > 0;
}
