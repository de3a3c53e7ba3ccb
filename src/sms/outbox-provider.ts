import { randomBytes } from 'node:crypto';
import { maskPhone, type PhoneVault } from '../crypto/phones.js';
import type { createOutboxRepository } from '../db/repositories/misc.js';
import type { SmsProvider } from './provider.js';
import { parseTwilioStatusCallback } from './status.js';

/** Development without Twilio: messages are kept in the outbox table instead of being sent. */
export function createOutboxProvider(outbox: ReturnType<typeof createOutboxRepository>, vault: PhoneVault, now: () => number): SmsProvider {
  return {
    name: 'outbox',
    async send(message) {
      const sid = `SM${randomBytes(16).toString('hex')}`;
      outbox.add({ sid, toHash: vault.hash(message.to), toMask: maskPhone(message.to), body: message.body, createdAt: now() });
      return { sid };
    },
    async findSent(to, since, body) {
      return outbox.findSent(vault.hash(to), since, body)?.sid ?? null;
    },
    async listInbound() {
      return [];
    },
    async deleteMessage() {},
    async deleteMedia() {},
    async deleteRecording() {},
    // Nothing posts callbacks for the outbox; a hand-made one (the simulator, curl) is read as Twilio's.
    parseStatusCallback: parseTwilioStatusCallback,
  };
}
