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

/** The current key, and every key that still opens what it sealed, by id. */
function keyring(keys: { data: Buffer; dataPrevious?: Buffer }) {
  const currentId = keyId(keys.data);
  const byId = new Map<string, Buffer>([[currentId, keys.data]]);
  if (keys.dataPrevious) byId.set(keyId(keys.dataPrevious), keys.dataPrevious);
  return { current: keys.data, currentId, byId };
}

/** nonce (12) | ciphertext | tag (16) */
function sealBytes(key: Buffer, plain: Buffer): Buffer {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([nonce, sealed, cipher.getAuthTag()]);
}

function openBytes(key: Buffer, raw: Buffer): Buffer {
  if (raw.length < 28) throw new Error('sealed: too short');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
}

/** `format` tags what was sealed (`p1` phone numbers, `s1` other secrets): one kind is never opened as the other. */
export function createSecretBox(keys: { data: Buffer; dataPrevious?: Buffer }, format = 's1'): SecretBox {
  const ring = keyring(keys);
  return {
    seal: (plain) => [format, ring.currentId, sealBytes(ring.current, Buffer.from(plain, 'utf8')).toString('base64url')].join(':'),
    open(sealed) {
      const [tag, id, payload] = sealed.split(':');
      const key = id ? ring.byId.get(id) : undefined;
      if (tag !== format || !key || !payload) throw new Error('sealed secret: unknown format or key');
      return openBytes(key, Buffer.from(payload, 'base64url')).toString('utf8');
    },
    isStale: (sealed) => sealed.split(':')[1] !== ring.currentId,
  };
}

export interface BytesBox {
  seal(plain: Buffer): Buffer;
  open(sealed: Buffer): Buffer;
  /** True when it was sealed with a key other than the current one (re-seal it). */
  isStale(sealed: Buffer): boolean;
}

/**
 * Files at rest (photos, recordings): the same AES-256-GCM under DATA_KEY, in binary. Layout: `format:keyId:`
 * in ASCII, then nonce (12), ciphertext, tag (16). `format` keeps a file from ever being opened as a secret.
 */
export function createBytesBox(keys: { data: Buffer; dataPrevious?: Buffer }, format = 'f1'): BytesBox {
  const ring = keyring(keys);
  const header = (id: string) => Buffer.from(`${format}:${id}:`, 'ascii');
  const idOf = (sealed: Buffer) => {
    const [tag, id] = sealed.subarray(0, format.length + 10).toString('ascii').split(':');
    return tag === format ? id : undefined;
  };
  return {
    seal: (plain) => Buffer.concat([header(ring.currentId), sealBytes(ring.current, plain)]),
    open(sealed) {
      const id = idOf(sealed);
      const key = id ? ring.byId.get(id) : undefined;
      if (!id || !key) throw new Error('sealed file: unknown format or key');
      return openBytes(key, sealed.subarray(header(id).length));
    },
    isStale: (sealed) => idOf(sealed) !== ring.currentId,
  };
}
