// The Twilio provider keeps at most TWILIO_MAX_IN_FLIGHT requests open at once: Twilio answers 429 to an account
// with too many concurrent API requests, and a fan-out would otherwise open one per message it is sending.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTwilioProvider } from '../../src/sms/twilio-provider.js';
import { type FakeTwilio, startFakeTwilio } from '../support/fake-twilio.js';

const TIMEOUT_MS = 300;

describe('requests in flight to Twilio', () => {
  let fake: FakeTwilio;
  beforeEach(async () => {
    fake = await startFakeTwilio();
  });
  afterEach(() => fake.close());

  const provider = (maxInFlight: number) =>
    createTwilioProvider({
      accountSid: fake.accountSid,
      authToken: 'test-auth-token',
      fromNumber: '+15005550006',
      apiBaseUrl: fake.url,
      statusCallbackUrl: 'https://centinela.example.org/twilio/status',
      timeoutMs: TIMEOUT_MS,
      maxInFlight,
    });

  it('a fourth message waits for one of three unanswered requests to end before it is sent', async () => {
    // Twilio does not answer: each request ends only when the provider's timeout gives up on it.
    fake.failAll({ kind: 'hang' });
    const sms = provider(3);
    const sends = Array.from({ length: 6 }, (_, i) => sms.send({ to: `+1415555010${i}`, body: 'ALERT' }).catch((error: Error) => error));
    const attempts = await fake.waitForRequests(6, 10_000);
    const started = attempts.map((attempt) => attempt.at.getTime() - (attempts[0]?.at.getTime() ?? 0));
    // The first three at once; the next three only after the first ones timed out.
    expect(started.slice(0, 3).every((ms) => ms < TIMEOUT_MS)).toBe(true);
    expect(started.slice(3).every((ms) => ms >= TIMEOUT_MS / 2)).toBe(true);
    expect((await Promise.all(sends)).every((outcome) => outcome instanceof Error)).toBe(true);
  });

  it('with room, every message is sent at once', async () => {
    const sms = provider(10);
    await Promise.all(Array.from({ length: 10 }, (_, i) => sms.send({ to: `+1415555010${i}`, body: 'ALERT' })));
    expect(fake.sent).toHaveLength(10);
  });
});
