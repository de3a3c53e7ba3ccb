import { randomInt } from 'node:crypto';

// No 0/O, 1/I/L: codes are read off a phone screen and typed back.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const DIGITS = '23456789';
const LETTERS = 'ABCDEFGHJKMNPQRSTUVWXYZ';

/** Digits then a suffix read as a word, not a code: "5732ND" is an ordinal to the keyword parser, "10PM" a time. */
const LOOKS_LIKE_A_WORD = /^\d+(ST|ND|RD|TH|AM|PM)$/;

/**
 * A random code with at least one digit and one letter, so that the keyword parser can tell
 * "JOIN K7Q2M9" (a code) from "join us at the factory" (a report).
 */
export function randomCode(length: number): string {
  for (;;) {
    const code = drawCode(length);
    if (!LOOKS_LIKE_A_WORD.test(code)) return code;
  }
}

function drawCode(length: number): string {
  const chars = Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)] ?? 'A');
  chars[randomInt(length)] = DIGITS[randomInt(DIGITS.length)] ?? '2';
  if (!chars.some((c) => LETTERS.includes(c))) {
    const at = chars.findIndex((c) => DIGITS.includes(c));
    chars[(at + 1) % length] = LETTERS[randomInt(LETTERS.length)] ?? 'A';
  }
  return chars.join('');
}

export const inviteCode = () => randomCode(6);
export const incidentCode = () => randomCode(4);
