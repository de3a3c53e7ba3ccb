import twilio from 'twilio';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { countSegments, startFakeTwilio, type FakeTwilio } from '../support/fake-twilio.js';

const FROM = '+15555550199';
const TO = '+15555550100';
const OTHER = '+15555550101';

let fake: FakeTwilio;
let client: twilio.Twilio;

function makeClient(f: FakeTwilio, opts: twilio.ClientOpts = {}, sid = f.accountSid): twilio.Twilio {
  const c = twilio(sid, 'test-auth-token', opts);
  c.api.baseUrl = f.url;
  return c;
}

/** Runs `fn`, expects it to reject, returns the rejection. */
async function rejection(fn: () => Promise<unknown>): Promise<Record<string, unknown> & Error> {
  try {
    await fn();
  } catch (err) {
    return err as Record<string, unknown> & Error;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  fake = await startFakeTwilio();
  client = makeClient(fake);
});
afterEach(() => fake.reset());
afterAll(() => fake.close());

describe('fake Twilio with the real SDK', () => {
  it('creates a message and records it', async () => {
    const msg = await client.messages.create({
      to: TO,
      from: FROM,
      body: 'ICE checkpoint reported at 5th & Main',
      statusCallback: 'https://example.test/twilio/status',
      validityPeriod: 600,
    });

    expect(msg.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(msg.accountSid).toBe(fake.accountSid);
    expect(msg.to).toBe(TO);
    expect(msg.from).toBe(FROM);
    expect(msg.status).toBe('queued');
    expect(msg.direction).toBe('outbound-api');
    expect(msg.numSegments).toBe('1');
    expect(msg.dateCreated).toBeInstanceOf(Date); // RFC 2822 parsed by the SDK
    expect(Math.abs(msg.dateCreated.getTime() - Date.now())).toBeLessThan(5_000);
    expect(msg.dateSent).toBeNull();
    expect(msg.errorCode).toBeNull();
    expect(msg.price).toBeNull();
    expect(msg.uri).toBe(`/2010-04-01/Accounts/${fake.accountSid}/Messages/${msg.sid}.json`);

    expect(fake.requests).toBe(1);
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]).toMatchObject({
      sid: msg.sid,
      to: TO,
      from: FROM,
      messagingServiceSid: null,
      body: 'ICE checkpoint reported at 5th & Main',
      statusCallback: 'https://example.test/twilio/status',
      validityPeriod: 600,
    });
    expect(fake.sent[0]!.createdAt).toBeInstanceOf(Date);
  });

  it('accepts a Messaging Service sender like Twilio does', async () => {
    const mg = `MG${'a'.repeat(32)}`;
    const msg = await client.messages.create({ to: TO, messagingServiceSid: mg, body: 'ñ🙂 unicode' });
    expect(msg.status).toBe('accepted');
    expect(msg.from).toBeNull();
    expect(msg.messagingServiceSid).toBe(mg);
    expect(msg.numSegments).toBe('1');
    expect(fake.sent[0]).toMatchObject({ from: null, messagingServiceSid: mg, validityPeriod: null, statusCallback: null });
  });

  it('lists newest first, filters by To / DateSent> and pages', async () => {
    const first = await client.messages.create({ to: TO, from: FROM, body: 'one' });
    await client.messages.create({ to: OTHER, from: FROM, body: 'other' });
    const second = await client.messages.create({ to: TO, from: FROM, body: 'two' });

    const list = await client.messages.list({ to: TO });
    expect(list.map((m) => m.sid)).toEqual([second.sid, first.sid]);
    expect(list[0]!.body).toBe('two');

    expect(await client.messages.list({ dateSentAfter: new Date(Date.now() - 60_000) })).toHaveLength(3);
    expect(await client.messages.list({ to: TO, dateSentAfter: new Date(Date.now() + 60_000) })).toHaveLength(0);
    expect(await client.messages.list({ to: '+15555550000' })).toEqual([]);

    // pageSize 1 forces the SDK to follow next_page_uri
    const paged = await client.messages.list({ pageSize: 1 });
    expect(paged).toHaveLength(3);
    const page = await client.messages.page({ to: TO, pageSize: 1 });
    expect(page.instances).toHaveLength(1);
    const next = await page.nextPage();
    expect(next?.instances[0]?.sid).toBe(first.sid);
  });

  it('refuses, loudly, a list filter or a request the app does not make', async () => {
    // A fake that ignored a filter would answer a question it was never asked.
    const err = await rejection(() => client.messages.list({ from: FROM }));
    expect(err).toBeInstanceOf(twilio.RestException);
    expect(err).toMatchObject({ status: 400, message: 'fake-twilio does not implement the message list filter From' });
    const msg = await client.messages.create({ to: TO, from: FROM, body: 'x' });
    expect(await rejection(() => client.messages(msg.sid).fetch())).toMatchObject({ status: 405 });
  });

  it('deletes a message; unknown sids are 404', async () => {
    const msg = await client.messages.create({ to: TO, from: FROM, body: 'bye' });
    expect(await client.messages(msg.sid).remove()).toBe(true);
    expect(fake.deleted).toEqual([msg.sid]);
    expect(fake.sent).toHaveLength(1); // history of what was sent is kept
    expect(await client.messages.list({ to: TO })).toEqual([]);

    const err = await rejection(() => client.messages(msg.sid).remove());
    expect(err).toBeInstanceOf(twilio.RestException);
    expect(err).toMatchObject({ status: 404, code: 20404 });
  });

  it("item 22: lists an inbound MMS's media the way the SDK reads it, and pages", async () => {
    const mms = fake.addInbound({ from: TO, to: FROM, body: '', numMedia: 3 });
    const text = fake.addInbound({ from: TO, to: FROM, body: 'no photo' });
    expect(mms.sid).toMatch(/^MM[0-9a-f]{32}$/);
    expect(text.sid).toMatch(/^SM[0-9a-f]{32}$/);

    const [listed] = await client.messages.list({ to: FROM, limit: 1 });
    expect(listed).toMatchObject({ sid: text.sid, direction: 'inbound', numMedia: '0' });
    const media = await client.messages(mms.sid).media.list({ limit: 10 });
    expect(media.map((m) => m.sid)).toEqual(mms.mediaSids);
    expect(media[0]).toMatchObject({ parentSid: mms.sid, contentType: 'image/jpeg', accountSid: fake.accountSid });
    expect(media[0]!.uri).toBe(`/2010-04-01/Accounts/${fake.accountSid}/Messages/${mms.sid}/Media/${mms.mediaSids[0]}.json`);
    expect(media[0]!.dateCreated).toBeInstanceOf(Date);
    expect(mms.mediaUrls[0]).toBe(`${fake.url}/2010-04-01/Accounts/${fake.accountSid}/Messages/${mms.sid}/Media/${mms.mediaSids[0]}`);
    // pageSize 2 forces the SDK to follow next_page_uri
    expect((await client.messages(mms.sid).media.list({ pageSize: 2 })).map((m) => m.sid)).toEqual(mms.mediaSids);
    expect(await client.messages(text.sid).media.list()).toEqual([]);

    // A deleted photo is no longer listed; an unknown message is 404.
    await client.messages(mms.sid).media(mms.mediaSids[1]!).remove();
    expect((await client.messages(mms.sid).media.list()).map((m) => m.sid)).toEqual([mms.mediaSids[0], mms.mediaSids[2]]);
    expect(await rejection(() => client.messages(`MM${'0'.repeat(32)}`).media.list())).toMatchObject({ status: 404, code: 20404 });
  });

  it('deletes media, recordings and seeded inbound messages', async () => {
    const inbound = fake.addInbound({ from: TO, to: FROM, body: 'raid at the plant', numMedia: 1 });
    const mediaSid = inbound.mediaSids[0]!;
    expect(await client.messages(inbound.sid).media(mediaSid).remove()).toBe(true);
    expect(await client.messages(inbound.sid).remove()).toBe(true);

    const recording = fake.addRecording();
    expect(await client.recordings(recording).remove()).toBe(true);
    expect(fake.deleted).toEqual([mediaSid, inbound.sid, recording]);

    const unknown = await rejection(() => client.recordings(`RE${'0'.repeat(32)}`).remove());
    expect(unknown).toMatchObject({ status: 404, code: 20404 });
  });

  it('surfaces a 429 as a RestException with code 20429, then recovers', async () => {
    fake.failNext(1, { status: 429, code: 20429 });
    const err = await rejection(() => client.messages.create({ to: TO, from: FROM, body: 'x' }));
    expect(err).toBeInstanceOf(twilio.RestException);
    expect(err).toMatchObject({
      status: 429,
      code: 20429,
      message: 'Too Many Requests',
      moreInfo: 'https://www.twilio.com/docs/errors/20429',
    });

    await client.messages.create({ to: TO, from: FROM, body: 'x' });
    expect(fake.requests).toBe(2);
    expect(fake.sent).toHaveLength(1);
    expect(fake.attempts.map((a) => a.outcome)).toEqual(['rejected', 'accepted']);
  });

  it('failFor gives a permanent per-recipient error (21610)', async () => {
    fake.failFor(TO, { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    for (let i = 0; i < 2; i++) {
      const err = await rejection(() => client.messages.create({ to: TO, from: FROM, body: 'x' }));
      expect(err).toMatchObject({ status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    }
    await client.messages.create({ to: OTHER, from: FROM, body: 'x' });
    expect(fake.sent.map((m) => m.to)).toEqual([OTHER]);
    expect(fake.requests).toBe(3);
  });

  it('failAll fails every create until cleared (401 / 20003)', async () => {
    fake.failAll({ status: 401, code: 20003 });
    for (const to of [TO, OTHER]) {
      const err = await rejection(() => client.messages.create({ to, from: FROM, body: 'x' }));
      expect(err).toMatchObject({ status: 401, code: 20003, message: 'Authenticate' });
    }
    fake.failAll(null);
    await client.messages.create({ to: TO, from: FROM, body: 'x' });
    expect(fake.sent).toHaveLength(1);
  });

  it('failNext is consumed in order, before failAll and failFor', async () => {
    fake.failFor(TO, { status: 400, code: 21211 });
    fake.failNext(1, { status: 500 });
    fake.failNext(1, { status: 503 });
    const codes: unknown[] = [];
    for (let i = 0; i < 3; i++) codes.push((await rejection(() => client.messages.create({ to: TO, from: FROM, body: 'x' }))).code);
    expect(codes).toEqual([20500, 20503, 21211]);
    fake.clearFaults();
    await client.messages.create({ to: TO, from: FROM, body: 'x' });
    expect(fake.sent).toHaveLength(1);
  });

  it('failEvery fails every nth create, counting the ones failNext took, until cleared', async () => {
    fake.failEvery(5, { status: 429 });
    for (let i = 0; i < 10; i++) await client.messages.create({ to: TO, from: FROM, body: `n${i}` }).catch(() => undefined);
    expect(fake.attempts.map((a) => a.code)).toEqual([null, null, null, null, 20429, null, null, null, null, 20429]);
    expect(fake.attempts[4]).toMatchObject({ outcome: 'rejected', status: 429 });

    // failNext takes the request it falls on; the count goes on, so the share stays one in five.
    fake.failNext(1, { status: 503 });
    for (let i = 0; i < 5; i++) await client.messages.create({ to: TO, from: FROM, body: `m${i}` }).catch(() => undefined);
    expect(fake.attempts.slice(10).map((a) => a.code)).toEqual([20503, null, null, null, 20429]);

    fake.failEvery(5, null);
    for (let i = 0; i < 5; i++) await client.messages.create({ to: TO, from: FROM, body: `k${i}` });
    expect(fake.sent).toHaveLength(8 + 3 + 5);
    expect(() => fake.failEvery(0, { status: 429 })).toThrow(TypeError);
  });

  it('rejects wrong credentials with 401 / 20003', async () => {
    const other = makeClient(fake, {}, `AC${'1'.repeat(32)}`);
    const err = await rejection(() => other.messages.create({ to: TO, from: FROM, body: 'x' }));
    expect(err).toBeInstanceOf(twilio.RestException);
    expect(err).toMatchObject({ status: 401, code: 20003 });
    expect(fake.requests).toBe(1);
    expect(fake.sent).toHaveLength(0);
  });

  it('validates like Twilio (21602 missing body, 21211 bad number)', async () => {
    expect(await rejection(() => client.messages.create({ to: TO, from: FROM }))).toMatchObject({ status: 400, code: 21602 });
    expect(await rejection(() => client.messages.create({ to: '555-0100', from: FROM, body: 'x' }))).toMatchObject({
      status: 400,
      code: 21211,
    });
    expect(fake.sent).toHaveLength(0);
    expect(fake.requests).toBe(2);
  });

  it('a malformed 200 body surfaces as a SyntaxError, not a RestException', async () => {
    fake.failNext(1, { kind: 'malformed' });
    const err = await rejection(() => client.messages.create({ to: TO, from: FROM, body: 'x' }));
    expect(err).toBeInstanceOf(SyntaxError);
    expect(fake.sent).toHaveLength(0);
  });

  it('a hung request surfaces as an axios timeout (ECONNABORTED)', async () => {
    const impatient = makeClient(fake, { timeout: 200 });
    fake.failNext(1, { kind: 'hang' });
    const err = await rejection(() => impatient.messages.create({ to: TO, from: FROM, body: 'x' }));
    expect(err).not.toBeInstanceOf(twilio.RestException);
    expect(err).toMatchObject({ isAxiosError: true, code: 'ECONNABORTED' });
    expect(err.message).toMatch(/timeout of 200ms exceeded/);
    expect(fake.attempts[0]).toMatchObject({ outcome: 'hang', status: null });
  });

  it('close() destroys hung sockets promptly', async () => {
    const own = await startFakeTwilio();
    const c = makeClient(own); // default 30 s SDK timeout
    own.failAll({ kind: 'hang' });
    const pending = c.messages.create({ to: TO, from: FROM, body: 'x' }).catch((e: unknown) => e);
    await own.waitForRequests(1);
    const started = Date.now();
    await own.close();
    expect(await pending).toMatchObject({ code: 'ECONNRESET' });
    expect(Date.now() - started).toBeLessThan(1_000);
    await own.close(); // idempotent
  });

  it('waitForSent resolves on the event, without polling', async () => {
    const seen: string[] = [];
    const listener = (m: { to: string }): void => void seen.push(m.to);
    fake.on('sent', listener);
    const waiting = fake.waitForSent(5);
    await Promise.all(Array.from({ length: 5 }, (_, i) => client.messages.create({ to: `+1555555020${i}`, from: FROM, body: `n${i}` })));
    const sent = await waiting;
    expect(sent).toHaveLength(5);
    expect(seen).toHaveLength(5);
    fake.off('sent', listener);
    // already satisfied → resolves at once
    expect(await fake.waitForSent(5, 1)).toHaveLength(5);
  });

  it('waitForSent rejects with a helpful message on timeout', async () => {
    fake.failNext(2, { status: 429 });
    await rejection(() => client.messages.create({ to: TO, from: FROM, body: 'x' }));
    await client.messages.create({ to: TO, from: FROM, body: 'x' }).catch(() => undefined);
    const err = await rejection(() => fake.waitForSent(3, 50));
    expect(err.message).toMatch(/timed out after 50 ms waiting for 3 accepted message/);
    expect(err.message).toMatch(/0 message\(s\) accepted out of 2 create request\(s\) \(failed: 2× 429\/20429\)/);
  });

  it('reset() clears messages, counters and faults', async () => {
    await client.messages.create({ to: TO, from: FROM, body: 'x' });
    fake.failAll({ status: 500 });
    const sentRef = fake.sent;
    fake.reset();
    expect(sentRef).toHaveLength(0); // cleared in place
    expect(fake.requests).toBe(0);
    expect(await client.messages.list({})).toEqual([]);
    await client.messages.create({ to: TO, from: FROM, body: 'x' });
    expect(fake.sent).toHaveLength(1);
  });

  it('counts segments like carriers do', () => {
    expect(countSegments('a'.repeat(160))).toBe(1);
    expect(countSegments('a'.repeat(161))).toBe(2);
    expect(countSegments('a'.repeat(306))).toBe(2); // 153 septets per part once split
    expect(countSegments('a'.repeat(307))).toBe(3);
    expect(countSegments('€'.repeat(80))).toBe(1); // extension chars take two septets
    expect(countSegments('€'.repeat(81))).toBe(2);
    expect(countSegments('ñ'.repeat(160))).toBe(1); // ñ is GSM-7
    expect(countSegments('á'.repeat(70))).toBe(1); // á is not
    expect(countSegments('á'.repeat(71))).toBe(2);
    expect(countSegments('á'.repeat(134))).toBe(2); // 67 UTF-16 units per part once split
    expect(countSegments('á'.repeat(135))).toBe(3);
    expect(countSegments('🙂'.repeat(35))).toBe(1); // two UTF-16 units each
    expect(countSegments('🙂'.repeat(36))).toBe(2);
  });
});
