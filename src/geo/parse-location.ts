// Reads a place out of a free-text report without any network call. For now: a US ZIP code.
import type { Location } from '../domain/types.js';
import { isKnownZip, zipCentroid } from './zips.js';

// Five ASCII digits, optionally ZIP+4, standing alone: not glued to letters or other digits, not a piece of a
// hyphenated or decimal number ("1-94110", "94110.5"), not an amount of money ("$12345").
const ZIP_CANDIDATE = /(?<![\p{L}\p{N}_\p{Sc}]|\p{N}[.-])(\d{5})(?:-\d{4})?(?![\p{L}\p{N}_]|[.-]\p{N})/gu;

// Clause punctuation: a street name never runs across these.
const CLAUSE_END = /[.,;:!?¡¿()[\]\n]/u;
const WORD = /[\p{L}\p{N}]+/gu;

// Street types, either before the name ("Calle Ocho") or after it ("Main St"), in English, Spanish and Tagalog.
const STREET_WORDS = new Set([
  'st', 'street', 'ave', 'av', 'avenue', 'blvd', 'boulevard', 'rd', 'road', 'dr', 'drive', 'way', 'ln', 'lane',
  'ct', 'pl', 'pkwy', 'hwy', 'calle', 'avenida', 'camino', 'kalye',
]);

// Words that end a would-be street name: "94110 near Mission St" names a ZIP, then a street.
const CONNECTORS = new Set([
  'near', 'at', 'on', 'in', 'by', 'off', 'and', 'of', 'cerca', 'en', 'por', 'y', 'sa', 'malapit', 'ng',
]);

// A street name of up to three words ("Martin Luther King") before its street type.
const MAX_STREET_NAME_WORDS = 3;

function wordsAfter(text: string, index: number): string[] {
  const clause = text.slice(index).split(CLAUSE_END, 1)[0] ?? '';
  return (clause.match(WORD) ?? []).slice(0, MAX_STREET_NAME_WORDS + 1).map((word) => word.toLowerCase());
}

/** "12345 Main St", "10001 Calle Ocho": the number is a house number, not a ZIP. */
function isHouseNumber(text: string, endOfNumber: number): boolean {
  for (const word of wordsAfter(text, endOfNumber)) {
    if (STREET_WORDS.has(word)) return true;
    if (CONNECTORS.has(word)) return false;
  }
  return false;
}

function lastZipIn(text: string): string | null {
  let last: string | null = null;
  for (const match of text.matchAll(ZIP_CANDIDATE)) {
    const [whole, zip] = match;
    if (zip === undefined || !isKnownZip(zip)) continue;
    if (isHouseNumber(text, match.index + whole.length)) continue;
    last = zip;
  }
  return last;
}

/** The place a report names, or null when none can be read offline. When several ZIPs qualify the last one wins. */
export function parseLocationOffline(text: string): Location | null {
  const zip = lastZipIn(text);
  const centroid = zip === null ? null : zipCentroid(zip);
  if (zip === null || centroid === null) return null;
  return { ...centroid, label: `ZIP ${zip}`, precision: 'zip', zip };
}
