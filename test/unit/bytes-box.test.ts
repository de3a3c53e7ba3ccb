import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createBytesBox } from '../../src/crypto/secrets.js';

describe('sealed files (photos, recordings)', () => {
  const file = randomBytes(4096);

  it('opens what it sealed, and what the previous key sealed after a rotation', () => {
    const old = randomBytes(32);
    const sealedBefore = createBytesBox({ data: old }).seal(file);
    expect(sealedBefore.includes(file.subarray(0, 32))).toBe(false);
    const rotated = createBytesBox({ data: randomBytes(32), dataPrevious: old });
    expect(rotated.open(sealedBefore).equals(file)).toBe(true);
    expect(rotated.open(rotated.seal(file)).equals(file)).toBe(true);
  });

  it('refuses a changed byte, another key and another format', () => {
    const key = randomBytes(32);
    const sealed = createBytesBox({ data: key }).seal(file);
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 100] = (tampered[tampered.length - 100] ?? 0) ^ 1;
    expect(() => createBytesBox({ data: key }).open(tampered)).toThrow();
    expect(() => createBytesBox({ data: randomBytes(32) }).open(sealed)).toThrow(/unknown format or key/);
    expect(() => createBytesBox({ data: key }, 'g1').open(sealed)).toThrow(/unknown format or key/);
    expect(() => createBytesBox({ data: key }).open(Buffer.from('f1:'))).toThrow();
  });
});
