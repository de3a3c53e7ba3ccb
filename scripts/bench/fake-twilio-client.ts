// The bench's side of fake-twilio-child.ts.
import type { ChildProcess } from 'node:child_process';
import { forkSibling, nextMessage, stopChild } from './support.js';

export type FakeRequest = { type: 'wait'; count: number; timeoutMs: number } | { type: 'reset' };

export type FakeReply =
  | { type: 'ready'; url: string; accountSid: string }
  /** createdAt: when the fake accepted each message (ms since the epoch), in order of acceptance. */
  | { type: 'sent'; createdAt: number[]; distinctRecipients: number; requests: number }
  | { type: 'reset' }
  | { type: 'error'; message: string };

export interface RemoteFakeTwilio {
  url: string;
  accountSid: string;
  /** Resolves once the fake has accepted `count` messages. */
  waitForSent(count: number, timeoutMs: number): Promise<Extract<FakeReply, { type: 'sent' }>>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startRemoteFakeTwilio(): Promise<RemoteFakeTwilio> {
  const child = forkSibling('fake-twilio-child');
  const ready = await nextMessage<Extract<FakeReply, { type: 'ready' }>>(child, 'ready');
  return {
    url: ready.url,
    accountSid: ready.accountSid,
    async waitForSent(count, timeoutMs) {
      const answer = nextMessage<Extract<FakeReply, { type: 'sent' }>>(child, 'sent');
      send(child, { type: 'wait', count, timeoutMs });
      return answer;
    },
    async reset() {
      const answer = nextMessage(child, 'reset');
      send(child, { type: 'reset' });
      await answer;
    },
    close: () => stopChild(child),
  };
}

function send(child: ChildProcess, request: FakeRequest): void {
  child.send(request);
}
