// Who is texting or calling: a phone number the line can text back, or a withheld caller ID.
import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** The caller IDs Twilio gives withheld calls ("Anonymous", "Restricted", … and these stand-in numbers). */
const WITHHELD_STAND_INS = new Set(['+266696687', '+86282452253', '+7378742833', '+2562533']);

/**
 * True for a sender that is one phone number. `Anonymous`, a withheld caller ID, a SIP or client address or a
 * short code is not: many people share it, so it never gets a contact, a per-number count or a text back.
 */
export function isPhoneNumber(from: string): boolean {
  const trimmed = from.trim();
  if (WITHHELD_STAND_INS.has(trimmed)) return false;
  return parsePhoneNumberFromString(trimmed, 'US')?.isPossible() ?? false;
}
