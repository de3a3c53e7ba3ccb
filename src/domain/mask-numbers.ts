// Phone numbers typed into a report or a JOIN note ("call Jose at 415-555-0199") are masked before the text is
// stored: the console and its API show `•••-•••-0199`, never a third party's whole number.
import { findPhoneNumbersInText } from 'libphonenumber-js';

const MASK = '•';
const KEEP_DIGITS = 4;

// Digit runs that look like phone numbers but are not: a link, a lat/lng pair, a ZIP+4.
const NOT_PHONE_NUMBERS = [
  /\b(?:https?:\/\/|www\.)\S+/giu,
  /\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\/\S*/giu,
  // Anchored on both sides: "415.555.0100, 415.555.0101" is two phone numbers, not a pair of coordinates.
  /(?<![\d.])[-+]?\d{1,3}\.\d+(?![\d.])\s*[,;/\s]\s*[-+]?\d{1,3}\.\d+(?![\d.])/gu,
  /\b\d{5}-\d{4}\b/gu,
];

/** The text with every valid phone number in it (US by default) masked to its last four digits. */
export function maskPhoneNumbers(text: string): string {
  const kept = NOT_PHONE_NUMBERS.flatMap((pattern) => Array.from(text.matchAll(pattern), (m) => [m.index, m.index + m[0].length] as const));
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
  return masked + text.slice(at);
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
