// Phone numbers typed into a report or a JOIN note ("call Jose at 415-555-0199") are masked before the text is
// stored: the console and its API show `•••-•••-0199`, never a third party's whole number.
import { findPhoneNumbersInText, isValidPhoneNumber } from 'libphonenumber-js';

const MASK = '•';
const KEEP_DIGITS = 4;

// Digit runs that look like phone numbers but are not: a link, a lat/lng pair, a ZIP+4.
const NOT_PHONE_NUMBERS = [
  /\b(?:https?:\/\/|www\.)\S+/giu,
  /\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\/\S*/giu,
  /\b\d{5}-\d{4}\b/gu,
];
// Anchored on both sides ("415.555.0100, 415.555.0101" is two phone numbers), and only within a latitude's and a
// longitude's range ("415.5550199, 415.5550188" is no place on Earth).
const COORDINATES = /(?<![\d.])([-+]?\d{1,3}\.\d+)(?![\d.])\s*[,;/\s]\s*([-+]?\d{1,3}\.\d+)(?![\d.])/gu;
// US-shaped numbers that libphonenumber's text search misses when other digits stand beside them
// ("415 555 0199 2 guys", "94110 415 555 0199"): each is checked for validity on its own.
const US_SHAPED = /(?<![\p{Nd}•])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\p{Nd})/gu;

/** The text with every valid phone number in it (US by default) masked to its last four digits. */
export function maskPhoneNumbers(text: string): string {
  const coordinates = Array.from(text.matchAll(COORDINATES)).filter((m) => Math.abs(Number(m[1])) <= 90 && Math.abs(Number(m[2])) <= 180);
  const kept = [...NOT_PHONE_NUMBERS.flatMap((pattern) => Array.from(text.matchAll(pattern))), ...coordinates].map((m) => [m.index, m.index + m[0].length] as const);
  const shelteredAt = (start: number, end: number) => kept.some(([keptStart, keptEnd]) => start < keptEnd && end > keptStart);
  const findFrom = (from: number) =>
    findPhoneNumbersInText(text.slice(from), 'US').map((found) => ({ ...found, startsAt: from + found.startsAt, endsAt: from + found.endsAt }));
  let masked = '';
  let at = 0;
  let candidates = findFrom(0);
  for (let rescans = 0; candidates.length > 0; ) {
    const next = candidates.shift();
    if (!next || next.startsAt < at || shelteredAt(next.startsAt, next.endsAt)) continue;
    let end = next.endsAt;
    if (next.number.ext) {
      // What libphonenumber took for an extension ("415-555-0199,415-555-0188") may be the start of the next
      // number: only the number itself is masked, and what follows it is looked at again.
      end = next.startsAt + withoutExtension(text.slice(next.startsAt, next.endsAt), next.number.ext).length;
      if (rescans++ < MAX_RESCANS) candidates = findFrom(end);
    }
    masked += text.slice(at, next.startsAt) + maskDigits(text.slice(next.startsAt, end));
    at = end;
  }
  masked += text.slice(at);
  // Masking keeps every character's place, so the sheltered spans still line up.
  return masked.replace(US_SHAPED, (candidate: string, offset: number) =>
    !shelteredAt(offset, offset + candidate.length) && isValidPhoneNumber(candidate, 'US') ? maskDigits(candidate) : candidate,
  );
}

/** A bound on the rescans: an SMS (1,600 characters) holds fewer numbers than this. */
const MAX_RESCANS = 150;

function withoutExtension(typed: string, ext: string): string {
  const cut = typed.lastIndexOf(ext);
  return (cut > 0 ? typed.slice(0, cut) : typed).replace(/[^\p{Nd})]+$/u, '');
}

/** "415-555-0199" → "•••-•••-0199": the shape stays readable, every digit but the last four is hidden. */
function maskDigits(number: string): string {
  let toHide = (number.match(/\p{Nd}/gu) ?? []).length - KEEP_DIGITS;
  return number.replace(/\p{Nd}/gu, (digit) => (toHide-- > 0 ? MASK : digit));
}
