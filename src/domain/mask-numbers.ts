// Phone numbers typed into a report or a JOIN note ("call Jose at 415-555-0199") are masked before the text is
// stored: the console and its API show `•••-•••-0199`, never a third party's whole number.
import { findPhoneNumbersInText } from 'libphonenumber-js';

const MASK = '•';
const KEEP_DIGITS = 4;

// Digit runs that look like phone numbers but are not: a link, a lat/lng pair, a ZIP+4.
const NOT_PHONE_NUMBERS = [
  /\b(?:https?:\/\/|www\.)\S+/giu,
  /\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\/\S*/giu,
  /[-+]?\d{1,3}\.\d+\s*[,;/\s]\s*[-+]?\d{1,3}\.\d+/gu,
  /\b\d{5}-\d{4}\b/gu,
];

/** The text with every valid phone number in it (US by default) masked to its last four digits. */
export function maskPhoneNumbers(text: string): string {
  const found = findPhoneNumbersInText(text, 'US');
  if (found.length === 0) return text;
  const kept = NOT_PHONE_NUMBERS.flatMap((pattern) => Array.from(text.matchAll(pattern), (m) => [m.index, m.index + m[0].length] as const));
  let masked = '';
  let at = 0;
  for (const { startsAt, endsAt } of found) {
    if (kept.some(([start, end]) => startsAt < end && endsAt > start)) continue;
    masked += text.slice(at, startsAt) + maskDigits(text.slice(startsAt, endsAt));
    at = endsAt;
  }
  return masked + text.slice(at);
}

/** "415-555-0199" → "•••-•••-0199": the shape stays readable, every digit but the last four is hidden. */
function maskDigits(number: string): string {
  let toHide = (number.match(/\p{Nd}/gu) ?? []).length - KEEP_DIGITS;
  return number.replace(/\p{Nd}/gu, (digit) => (toHide-- > 0 ? MASK : digit));
}
