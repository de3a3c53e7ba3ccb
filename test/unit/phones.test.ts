import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPhoneVault, maskPhone, normalizePhone } from '../../src/crypto/phones.js';

const keys = () => ({ data: randomBytes(32), hash: randomBytes(32) });

describe('phone vault', () => {
  it('encrypts with a fresh nonce each time and decrypts back to E.164', () => {
    const vault = createPhoneVault(keys());
    const a = vault.encrypt('(415) 555-0101');
    const b = vault.encrypt('+14155550101');
    expect(a).not.toBe(b);
    expect(a).not.toContain('4155550101');
    expect(vault.decrypt(a)).toBe('+14155550101');
    expect(vault.decrypt(b)).toBe('+14155550101');
  });

  it('hashes the same number the same way however it is written, and differently under another key', () => {
    const k = keys();
    const vault = createPhoneVault(k);
    expect(vault.hash('+1 415-555-0101')).toBe(vault.hash('4155550101'));
    expect(vault.hash('+14155550101')).not.toBe(vault.hash('+14155550102'));
    expect(createPhoneVault({ ...k, hash: randomBytes(32) }).hash('+14155550101')).not.toBe(vault.hash('+14155550101'));
  });

  it('still decrypts under the previous key after rotation, keeps hashes, and marks old ciphertexts stale', () => {
    const old = keys();
    const before = createPhoneVault(old);
    const ciphertext = before.encrypt('+14155550101');
    const after = createPhoneVault({ data: randomBytes(32), dataPrevious: old.data, hash: old.hash });
    expect(after.decrypt(ciphertext)).toBe('+14155550101');
    expect(after.isStale(ciphertext)).toBe(true);
    expect(after.isStale(after.encrypt('+14155550101'))).toBe(false);
    expect(after.hash('+14155550101')).toBe(before.hash('+14155550101'));
    expect(() => createPhoneVault(keys()).decrypt(ciphertext)).toThrow(/unknown format or key/);
  });

  it('refuses a tampered ciphertext', () => {
    const vault = createPhoneVault(keys());
    const ciphertext = vault.encrypt('+14155550101');
    // A character well inside the text: the last one may carry only padding bits, which decode to the same bytes.
    const at = ciphertext.length - 8;
    const tampered = ciphertext.slice(0, at) + (ciphertext[at] === 'A' ? 'B' : 'A') + ciphertext.slice(at + 1);
    expect(() => vault.decrypt(tampered)).toThrow();
  });

  it('masks numbers to country code and last four digits', () => {
    expect(maskPhone('+14155550101')).toBe('+1•••••••0101');
    expect(maskPhone('+639171234567')).toBe('+63••••••••4567');
    expect(normalizePhone(' (415) 555-0101 ')).toBe('+14155550101');
    expect(normalizePhone('short')).toBe('short');
  });
});
