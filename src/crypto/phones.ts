// Phone numbers at rest: AES-256-GCM ciphertexts for sending, HMAC-SHA-256 "blind index" hashes for lookup.
// The hash key is separate so that rotating the encryption key keeps every hash (and so every lookup) valid.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js';

export interface PhoneVault {
  /** Stable keyed hash of the normalized number, for lookups and uniqueness. */
  hash(phone: string): string;
  encrypt(phone: string): string;
  decrypt(ciphertext: string): string;
  /** True when the ciphertext was made with a key other than the current one (needs re-encryption). */
  isStale(ciphertext: string): boolean;
}

const FORMAT = 'p1';

/** A short id of a key, stored in each ciphertext so that old ciphertexts still find their key. */
export function keyId(key: Buffer): string {
  return createHmac('sha256', key).update('centinela key id').digest('base64url').slice(0, 8);
}

export function createPhoneVault(keys: { data: Buffer; dataPrevious?: Buffer; hash: Buffer }): PhoneVault {
  const currentId = keyId(keys.data);
  const byId = new Map<string, Buffer>([[currentId, keys.data]]);
  if (keys.dataPrevious) byId.set(keyId(keys.dataPrevious), keys.dataPrevious);

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
    encrypt(phone) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keys.data, nonce);
      const sealed = Buffer.concat([cipher.update(normalizePhone(phone), 'utf8'), cipher.final()]);
      return [FORMAT, currentId, Buffer.concat([nonce, sealed, cipher.getAuthTag()]).toString('base64url')].join(':');
    },
    decrypt(ciphertext) {
      const [format, id, payload] = ciphertext.split(':');
      const key = id ? byId.get(id) : undefined;
      if (format !== FORMAT || !key || !payload) throw new Error('phone ciphertext: unknown format or key');
      const raw = Buffer.from(payload, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(raw.length - 16));
      return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
    },
    isStale(ciphertext) {
      return ciphertext.split(':')[1] !== currentId;
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
