// Phone numbers at rest: AES-256-GCM ciphertexts for sending, HMAC-SHA-256 "blind index" hashes for lookup.
// The hash key is separate so that rotating the encryption key keeps every hash (and so every lookup) valid.
import { createHmac } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { createSecretBox } from './secrets.js';

export interface PhoneVault {
  /** Stable keyed hash of the normalized number, for lookups and uniqueness. */
  hash(phone: string): string;
  encrypt(phone: string): string;
  decrypt(ciphertext: string): string;
  /** True when the ciphertext was made with a key other than the current one (needs re-encryption). */
  isStale(ciphertext: string): boolean;
  /** HMAC-SHA-256 under HASH_KEY of a value that is not a phone number (nothing is normalized), e.g. to derive a key. */
  digest(value: string): Buffer;
}

export function createPhoneVault(keys: { data: Buffer; dataPrevious?: Buffer; hash: Buffer }): PhoneVault {
  const box = createSecretBox(keys, 'p1');
  // One inbound message asks for its sender's hash several times; parsing the number is the costly part.
  const recentHashes = new Map<string, string>();
  return {
    hash(phone) {
      let digest = recentHashes.get(phone);
      if (digest === undefined) {
        digest = createHmac('sha256', keys.hash).update(normalizePhone(phone)).digest('base64url');
        if (recentHashes.size >= 1000) recentHashes.clear();
        recentHashes.set(phone, digest);
      }
      return digest;
    },
    encrypt: (phone) => box.seal(normalizePhone(phone)),
    decrypt: (ciphertext) => box.open(ciphertext),
    isStale: (ciphertext) => box.isStale(ciphertext),
    digest(value) {
      return createHmac('sha256', keys.hash).update(value).digest();
    },
  };
}

/** E.164 where the number parses (US by default, as Twilio sends it); otherwise the trimmed input. */
export function normalizePhone(phone: string): string {
  const parsed = parsePhoneNumberFromString(phone.trim(), 'US');
  return parsed?.isPossible() ? parsed.number : phone.trim();
}

/** What the console shows of a number: country code and last four digits, e.g. +1•••••••1234. */
export function maskPhone(phone: string): string {
  const normalized = normalizePhone(phone);
  const parsed = parsePhoneNumberFromString(normalized);
  const digits = normalized.replace(/\D/g, '');
  const last4 = digits.slice(-4);
  const country = parsed?.countryCallingCode ?? '';
  // As many dots as hidden digits, counting the country code's: +1 and 7 dots and the last four for the US.
  const hidden = Math.max(digits.length - 4, 3);
  return `+${country}${'•'.repeat(hidden)}${last4}`;
}
