// Small secrets at rest (phone numbers, a console user's TOTP secret): AES-256-GCM under DATA_KEY, with the key's
// id in each ciphertext so that DATA_KEY_PREVIOUS still opens what was sealed before a rotation.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
  /** True when it was sealed with a key other than the current one (re-seal it). */
  isStale(sealed: string): boolean;
}

/** A short id of a key, stored in each ciphertext so that old ciphertexts still find their key. */
export function keyId(key: Buffer): string {
  return createHmac('sha256', key).update('centinela key id').digest('base64url').slice(0, 8);
}

/** `format` tags what was sealed (`p1` phone numbers, `s1` other secrets): one kind is never opened as the other. */
export function createSecretBox(keys: { data: Buffer; dataPrevious?: Buffer }, format = 's1'): SecretBox {
  const currentId = keyId(keys.data);
  const byId = new Map<string, Buffer>([[currentId, keys.data]]);
  if (keys.dataPrevious) byId.set(keyId(keys.dataPrevious), keys.dataPrevious);
  return {
    seal(plain) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keys.data, nonce);
      const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [format, currentId, Buffer.concat([nonce, sealed, cipher.getAuthTag()]).toString('base64url')].join(':');
    },
    open(sealed) {
      const [tag, id, payload] = sealed.split(':');
      const key = id ? byId.get(id) : undefined;
      if (tag !== format || !key || !payload) throw new Error('sealed secret: unknown format or key');
      const raw = Buffer.from(payload, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(raw.length - 16));
      return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
    },
    isStale(sealed) {
      return sealed.split(':')[1] !== currentId;
    },
  };
}
