// Finds the network's own places (/api/places) in a text by name or alias, the way people write them: any case
// and accents, with or without articles, "escuela Cesar Chavez" for "Cesar Chavez Elementary School", one typo in a
// longer word. Built once per list of places; each name is indexed by its rarest word, so a text costs a few map
// lookups per word however many places the network has.
import type { Place } from './lookup.js';
import { oneDeletions, readStreetNumber, SUFFIX_TYPES, tokenizeText, type Token, withinOneEdit } from './names.js';

export interface PlaceMatch {
  place: Place;
  /** Offsets into the text of the words the place was read from. */
  start: number;
  end: number;
  /** How many words of the name matched: longer names win over the shorter ones they contain. */
  words: number;
  /** Words that matched only with one edit. */
  typos: number;
}

export interface PlaceIndex {
  readonly size: number;
  /** The places named in a text, best first, without overlaps. */
  find(text: string): PlaceMatch[];
}

// Generic words that say what sort of place it is, in any of the three languages: "escuela X" names the same
// place as "X Elementary School". A name that has one needs one of the same class near its proper words.
const CLASSES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['school', ['school', 'escuela', 'elementary', 'primaria', 'high', 'highschool', 'academy', 'academia', 'colegio', 'paaralan', 'eskwelahan', 'eskwela', 'iskul', 'middle', 'secundaria', 'preparatoria', 'prepa']],
  ['church', ['church', 'iglesia', 'simbahan', 'parish', 'parroquia', 'chapel', 'capilla', 'templo', 'temple']],
  ['station', ['station', 'estacion', 'istasyon', 'bart', 'metro', 'subway']],
  ['center', ['center', 'centre', 'centro', 'mall', 'plaza', 'shopping']],
  ['court', ['court', 'courthouse', 'corte', 'korte', 'tribunal', 'juzgado']],
  ['market', ['market', 'mercado', 'palengke']],
  ['office', ['office', 'oficina', 'opisina']],
];
const CLASS_OF: ReadonlyMap<string, string> = new Map(CLASSES.flatMap(([cls, words]) => words.map((w) => [w, cls] as const)));

// Little words that can sit inside or around a name without changing it ("the Home Depot on Cesar Chavez").
const ARTICLES = new Set(['the', 'el', 'la', 'los', 'las', 'lo', 'ang', 'mga', 'de', 'del', 'of', 'ng', 'a', 'an', '&', 'and', 'y']);
// Prepositions allowed between a name's proper words, never between them and the class word: "school in the
// Mission" is not "Mission High School".
const INNER = new Set(['on', 'en', 'in', 'at', 'sa', 'by', 'near', 'cerca', 'malapit', 'off', 'por']);
// Before "St", these make it a saint: "outside St Peters".
const BEFORE_SAINT = new Set(['outside', 'inside', 'behind', 'near', 'to', 'from', 'front', 'across', 'afuera', 'frente', 'labas', 'tapat', 'harap', 'likod', 'nasa']);
// Street types mean nothing in a place's name ("24th St BART" = "24th Street BART").
const DROPPED = new Set([...SUFFIX_TYPES.keys()].filter((w) => w !== 'st'));

/** A word of a name or text in comparable form: numbers as digits, saints as "saint", plurals and possessives cut. */
function comparable(words: readonly string[], i: number): { word: string; length: number } {
  const word = words[i] ?? '';
  const number = /^\d/.test(word) || word.length > 3 ? readStreetNumber(words, i) : null;
  if (number !== null) return { word: String(number.value), length: number.length };
  if (word === 'st' || word === 'saint' || word === 'sto') {
    // "St Peters" is a saint; "24th St BART" a street type.
    const previous = words[i - 1];
    const saint = previous === undefined || !/^[\p{L}\p{N}]/u.test(previous) || ARTICLES.has(previous) || INNER.has(previous) || BEFORE_SAINT.has(previous);
    return { word: saint ? 'saint' : '', length: 1 };
  }
  if (DROPPED.has(word)) return { word: '', length: 1 };
  const cls = CLASS_OF.get(word) ?? fuzzyClass(word);
  if (cls !== undefined) return { word: `@${cls}`, length: 1 };
  return { word: word.length >= 4 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word, length: 1 };
}

const LONG_CLASS_WORDS = [...CLASS_OF.keys()].filter((w) => w.length >= 6);

/** "elementry", "escuala": a class word with one typo, for the longer class words only. */
function fuzzyClass(word: string): string | undefined {
  if (word.length < 5) return undefined;
  const hit = LONG_CLASS_WORDS.find((w) => withinOneEdit(w, word));
  return hit === undefined ? undefined : CLASS_OF.get(hit);
}

interface TextWord {
  word: string;
  start: number;
  end: number;
  /** A clause break (",", ".") or a word that can't be part of a name stops the window. */
  kind: 'word' | 'article' | 'inner' | 'break';
}

/** The text as comparable words; separators other than "&" break names. */
function textWords(tokens: readonly Token[]): TextWord[] {
  const raw = tokens.map((t) => t.text);
  const out: TextWord[] = [];
  for (let i = 0; i < tokens.length; ) {
    const token = tokens[i]!;
    if (token.text === ',' || token.text === '/' || token.text === '@') {
      out.push({ word: ',', start: token.start, end: token.end, kind: 'break' });
      i++;
      continue;
    }
    if (ARTICLES.has(token.text) || INNER.has(token.text)) {
      out.push({ word: token.text, start: token.start, end: token.end, kind: ARTICLES.has(token.text) ? 'article' : 'inner' });
      i++;
      continue;
    }
    const { word, length } = comparable(raw, i);
    const last = tokens[i + length - 1] ?? token;
    // A dropped street type reads as filler, so "24th St BART" stays one name.
    out.push({ word, start: token.start, end: last.end, kind: word === '' ? 'article' : 'word' });
    i += length;
  }
  return out;
}

interface Variant {
  place: Place;
  /** Proper words of the name (everything but classes and filler), in order. */
  core: string[];
  classes: string[];
  anchor: string;
}

function variantOf(place: Place, name: string): Variant | null {
  const words = textWords(tokenizeText(name)).filter((w) => w.kind === 'word');
  const core = words.filter((w) => !w.word.startsWith('@')).map((w) => w.word);
  const classes = [...new Set(words.filter((w) => w.word.startsWith('@')).map((w) => w.word))];
  if (core.length === 0) return null;
  return { place, core, classes, anchor: core[0]! };
}

const FUZZY_MIN_LENGTH = 5;

export function buildPlaceIndex(places: readonly Place[]): PlaceIndex {
  const variants: Variant[] = [];
  for (const place of places) {
    const seen = new Set<string>();
    for (const name of [place.name, ...place.aliases]) {
      const variant = variantOf(place, name);
      const key = variant ? `${variant.core.join(' ')}|${variant.classes.join(' ')}` : '';
      if (!variant || seen.has(key)) continue;
      seen.add(key);
      variants.push(variant);
    }
  }
  // Anchor each name on its rarest proper word, so common words ("san", "24") don't fan out to every place.
  const frequency = new Map<string, number>();
  for (const v of variants) for (const w of new Set(v.core)) frequency.set(w, (frequency.get(w) ?? 0) + 1);
  const byKey = new Map<string, number[]>();
  const add = (key: string, id: number) => {
    const list = byKey.get(key);
    if (list) list.push(id);
    else byKey.set(key, [id]);
  };
  variants.forEach((v, id) => {
    v.anchor = [...v.core].sort((a, b) => (frequency.get(a) ?? 0) - (frequency.get(b) ?? 0) || b.length - a.length)[0]!;
    add(v.anchor, id);
    if (v.anchor.length >= FUZZY_MIN_LENGTH) for (const d of new Set(oneDeletions(v.anchor))) add(d, id);
  });

  function candidates(word: string): Set<number> {
    const ids = new Set<number>(byKey.get(word) ?? []);
    if (word.length >= FUZZY_MIN_LENGTH - 1) {
      for (const d of word.length >= FUZZY_MIN_LENGTH ? oneDeletions(word) : []) for (const id of byKey.get(d) ?? []) ids.add(id);
    }
    return ids;
  }

  return {
    size: places.length,
    find(text) {
      const words = textWords(tokenizeText(text));
      const found: Array<PlaceMatch & { from: number; to: number; exactName: boolean }> = [];
      words.forEach((tw, at) => {
        if (tw.kind !== 'word' || tw.word.startsWith('@')) return;
        for (const id of candidates(tw.word)) {
          const v = variants[id]!;
          if (!sameWord(v.anchor, tw.word)) continue;
          const match = verify(v, words, at);
          if (match) found.push({ ...match, exactName: match.typos === 0 });
        }
      });
      // Best first: more words, fewer typos, earlier; then drop matches overlapping a better one.
      found.sort((a, b) => b.words - a.words || a.typos - b.typos || a.from - b.from);
      const taken: Array<[number, number]> = [];
      const out: PlaceMatch[] = [];
      for (const m of found) {
        if (taken.some(([from, to]) => m.from <= to && from <= m.to)) continue;
        taken.push([m.from, m.to]);
        out.push({ place: m.place, start: m.start, end: m.end, words: m.words, typos: m.typos });
      }
      return out;
    },
  };
}

function sameWord(name: string, text: string): boolean {
  if (name === text) return true;
  return name.length >= FUZZY_MIN_LENGTH && text.length >= FUZZY_MIN_LENGTH - 1 && withinOneEdit(name, text);
}

/** Whether the name's proper words surround the anchor as one phrase, and its classes stand right beside it. */
function verify(v: Variant, words: readonly TextWord[], at: number): (PlaceMatch & { from: number; to: number }) | null {
  const reach = v.core.length + 2;
  const used = new Set<number>([at]);
  let typos = v.anchor === words[at]!.word ? 0 : 1;
  const remaining = [...v.core];
  const anchorAt = remaining.indexOf(v.anchor);
  remaining.splice(anchorAt, 1);
  const order: number[] = [];
  for (const [k, want] of remaining.entries()) {
    let best = -1;
    for (let d = 1; d <= reach && best === -1; d++) {
      for (const i of [at - d, at + d]) {
        const w = words[i];
        if (!w || used.has(i) || w.kind !== 'word' || !sameWord(want, w.word)) continue;
        if (!reachable(words, at, i)) continue;
        best = i;
        break;
      }
    }
    if (best === -1) return null;
    used.add(best);
    order[k >= anchorAt ? k + 1 : k] = best;
    if (words[best]!.word !== want) typos++;
  }
  order[anchorAt] = at;
  let from = Math.min(...used);
  let to = Math.max(...used);
  // Between the proper words: only articles, and prepositions when the words keep the name's order ("Home Depot
  // on Cesar Chavez"); reordered words must stand together ("elementary Cesar Chavez", not "workers at the corner").
  const inOrder = order.every((p, k) => k === 0 || p > order[k - 1]!);
  for (let i = from; i <= to; i++) {
    const w = words[i]!;
    if (!used.has(i) && w.kind !== 'article' && !(w.kind === 'inner' && inOrder)) return null;
  }
  // Each class of the name must stand beside the phrase, articles allowed between ("escuela de la X").
  let matched = v.core.length;
  for (const cls of v.classes) {
    const before = besideClass(words, from, -1, cls);
    const after = besideClass(words, to, 1, cls);
    if (before === -1 && after === -1) return null;
    if (after !== -1) to = Math.max(to, after);
    else from = Math.min(from, before);
    matched++;
  }
  // Typos need company: one misspelt word alone is too easily some other word.
  if (typos > 0 && matched < 2) return null;
  return { place: v.place, start: words[from]!.start, end: words[to]!.end, words: matched, typos, from, to };
}

function reachable(words: readonly TextWord[], a: number, b: number): boolean {
  const [lo, hi] = a < b ? [a, b] : [b, a];
  for (let i = lo + 1; i < hi; i++) if (words[i]!.kind === 'break') return false;
  return true;
}

/** Index of a word of class `cls` next to position `edge` in direction `step` (over class words and articles). */
function besideClass(words: readonly TextWord[], edge: number, step: 1 | -1, cls: string): number {
  for (let i = edge + step, hops = 0; hops < 4 && i >= 0 && i < words.length; i += step, hops++) {
    const w = words[i]!;
    if (w.word === cls) return i;
    if (w.kind === 'article' || (w.kind === 'word' && w.word.startsWith('@'))) continue;
    return -1;
  }
  return -1;
}
