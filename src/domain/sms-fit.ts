// Keeps outgoing texts within a segment budget. Carriers bill (and sometimes drop)
// long concatenated messages, and one accented letter switches the whole text to
// UCS-2, which cuts a segment from 153 to 67 characters.
import { SegmentedMessage } from 'sms-segments-calculator';

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentInfo {
  encoding: SmsEncoding;
  segments: number;
}

// GSM 03.38 basic table plus the extension table (escape-prefixed characters).
// Note ñ, é, ü, ¿ and ¡ are GSM-7, so Spanish keeps them: only á í ó ú etc. force UCS-2.
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '\f^{}\\[~]|€';
const GSM_CHARS = new Set<string>([...GSM_BASIC, ...GSM_EXTENSION]);

// Typographic characters phones insert on their own; plain equivalents keep GSM-7.
const PUNCTUATION_MAP: Readonly<Record<string, string>> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201A': "'",
  '\u201B': "'",
  '\u00B4': "'",
  '\u0060': "'",
  '\u201C': '"',
  '\u201D': '"',
  '\u201E': '"',
  '\u00AB': '"',
  '\u00BB': '"',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u2026': '...',
  '\u00A0': ' ',
  '\u2007': ' ',
  '\u202F': ' ',
  '\t': ' ',
  '\u2022': '-',
  '\u00B7': '-',
};

const COMBINING_MARKS = /\p{M}/gu;

/** Encoding and segment count of `text`, as the carrier will bill it. */
export function segmentsOf(text: string): SegmentInfo {
  // GSM-7 text is counted here (extension characters take two septets): the calculator costs ~0.5 ms a call.
  if (isGsm7(text)) {
    let septets = 0;
    for (const ch of text) septets += GSM_EXTENSION.includes(ch) ? 2 : 1;
    return { encoding: 'GSM-7', segments: septets === 0 ? 1 : septets <= 160 ? 1 : Math.ceil(septets / 153) };
  }
  const message = new SegmentedMessage(text, 'auto', false);
  return { encoding: message.encodingName, segments: message.segmentsCount };
}

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!GSM_CHARS.has(ch)) return false;
  return true;
}

/**
 * The GSM-7 spelling of `text` (accents stripped, smart quotes and dashes made plain),
 * or null when some character has no GSM-7 equivalent (emoji, CJK, Cyrillic…).
 */
export function toGsm7(text: string): string | null {
  let out = '';
  for (const ch of text) {
    if (GSM_CHARS.has(ch)) {
      out += ch;
      continue;
    }
    const mapped = PUNCTUATION_MAP[ch];
    if (mapped !== undefined) {
      out += mapped;
      continue;
    }
    // á → a, Ú → U; keeps GSM letters such as ñ intact because they were handled above.
    const stripped = ch.normalize('NFKD').replace(COMBINING_MARKS, '');
    if (stripped !== '' && isGsm7(stripped)) {
      out += stripped;
      continue;
    }
    return null;
  }
  return out;
}

/**
 * Makes `text` fit in `maxSegments`: first by dropping accents when they are the only
 * reason for UCS-2, then by cutting at a word boundary with an ellipsis.
 * Never throws: a message that can't be measured is still better sent than lost.
 */
export function fitSms(text: string, maxSegments = 2): string {
  // Replies come from a small catalogue: remember recent answers instead of measuring them again.
  const key = `${maxSegments}\u0000${text}`;
  const cached = fitted.get(key);
  if (cached !== undefined) return cached;
  const result = fitUncached(text, maxSegments);
  if (fitted.size >= FIT_CACHE_SIZE) fitted.clear();
  fitted.set(key, result);
  return result;
}

const FIT_CACHE_SIZE = 1000;
const fitted = new Map<string, string>();

function fitUncached(text: string, maxSegments: number): string {
  const max = Number.isFinite(maxSegments) ? Math.max(1, Math.floor(maxSegments)) : 2;
  try {
    // No segment holds more than 160 characters: anything longer is cut anyway, so only its
    // head is examined (measuring a megabyte of text would stall the sender).
    const limit = 160 * max;
    const tooLong = text.length > limit;
    if (!tooLong && segmentsOf(text).segments <= max) return text;
    const head = tooLong ? text.slice(0, limit + 1).replace(/[\uD800-\uDBFF]$/u, '') : text;
    const gsm = toGsm7(head);
    if (gsm !== null && gsm !== head) {
      if (!tooLong && segmentsOf(gsm).segments <= max) return gsm;
      return truncate(gsm, max, '...');
    }
    return truncate(head, max, isGsm7(head) ? '...' : '\u2026');
  } catch {
    // Last resort: a UCS-2 segment holds 67 characters whatever the content.
    return Array.from(text.slice(0, 67 * max)).slice(0, 67 * max - 1).join('');
  }
}

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function truncate(text: string, max: number, ellipsis: string): string {
  // Whole graphemes only, so an emoji or accented letter is never cut in half.
  const graphemes = Array.from(graphemeSegmenter.segment(text), (s) => s.segment);
  const fits = (n: number): boolean => segmentsOf(cutAt(graphemes, n) + ellipsis).segments <= max;
  let lo = 0;
  let hi = graphemes.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  const cut = cutAt(graphemes, lo);
  return cut === '' ? ellipsis : cut + ellipsis;
}

/** The first `n` graphemes, backed up to the last word boundary when one is reasonably close. */
function cutAt(graphemes: readonly string[], n: number): string {
  const prefix = graphemes.slice(0, n).join('');
  if (n >= graphemes.length) return prefix.trimEnd();
  const nextStartsWord = !/\s/u.test(graphemes[n] ?? ' ');
  let cut = prefix;
  if (nextStartsWord) {
    const lastSpace = prefix.search(/\s\S*$/u);
    // Don't throw away more than a third of the text just to avoid splitting one long word.
    if (lastSpace > prefix.length * (2 / 3)) cut = prefix.slice(0, lastSpace);
  }
  return cut.trimEnd().replace(/[\s,;:\-]+$/u, '');
}
