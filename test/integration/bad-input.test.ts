// Whatever a client sends, it gets a clear 4xx or a sane reply: never a 500, never a crash, and a rejected
// request changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { AUTH_TOKEN, type ApiClient, newMessageSid, PUBLIC_URL, sign, startSystem, type TestSystem, twimlText } from '../support/system.js';

const FORM = 'application/x-www-form-urlencoded';

describe('bad input', () => {
  let system: TestSystem;
  let dispatcher: ApiClient;
  const counts = () => {
    const db = system.deps.db.$client;
    const n = (table: string) => (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    return { reports: n('reports'), contacts: n('contacts'), inbound: n('inbound_messages'), committees: n('committees'), members: n('members') };
  };

  beforeAll(async () => {
    system = await startSystem();
    dispatcher = await system.login();
  });
  afterAll(() => system?.close());

  const signedPost = (params: Record<string, string>, path = '/twilio/sms') =>
    system.app.inject({ method: 'POST', url: path, headers: { 'content-type': FORM, 'x-twilio-signature': sign(path, params) }, payload: new URLSearchParams(params).toString() });

  describe('webhooks', () => {
    it('answers 400 to a signed request missing From or MessageSid, and stores nothing', async () => {
      const before = counts();
      expect((await signedPost({ MessageSid: newMessageSid(), Body: 'raid 94110' })).statusCode).toBe(400);
      expect((await signedPost({ From: '+14155550300', Body: 'raid 94110' })).statusCode).toBe(400);
      expect((await signedPost({ MessageSid: 'SMx', From: '+14155550300' }, '/twilio/status')).statusCode).toBe(400);
      expect(counts()).toEqual(before);
    });

    it('item 12: a captured signed SMS re-split between neighbouring fields is refused with 400 and files nothing', async () => {
      const sid = newMessageSid();
      const captured = { AccountSid: system.twilio.accountSid, Body: 'raid at the plant 94110', From: '+14155550306', MessageSid: sid, NumMedia: '0', SmsMessageSid: sid, SmsSid: sid, To: '+15005550006' };
      const signature = sign('/twilio/sms', captured);
      const post = (params: Record<string, string>) =>
        system.app.inject({ method: 'POST', url: '/twilio/sms', headers: { 'content-type': FORM, 'x-twilio-signature': signature }, payload: new URLSearchParams(params).toString() });
      expect((await post(captured)).statusCode).toBe(200);
      const before = counts();
      // The signature covers the fields run together, so these carry the captured signature validly.
      const { NumMedia: _numMedia, ...withoutNumMedia } = captured;
      const resplits = [
        { ...withoutNumMedia, MessageSid: `${sid}NumMedia0` },
        { ...captured, SmsMessageSid: `${sid}SmsSid${sid}`, SmsSid: undefined },
      ].map((params) => Object.fromEntries(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined)));
      for (const params of resplits) {
        expect(twilio.validateRequest(AUTH_TOKEN, signature, `${PUBLIC_URL}/twilio/sms`, params)).toBe(true);
        const response = await post(params);
        expect(response.statusCode).toBe(400);
        expect(response.json().error).toMatch(/MessageSid/);
      }
      expect(counts()).toEqual(before);
    });

    it('item 12: answers 400 to a MessageSid or CallSid not of Twilio\'s shape, or an SmsSid that differs, and stores nothing', async () => {
      const before = counts();
      const sid = newMessageSid();
      const from = '+14155550307';
      for (const bad of ['SMx', `SM${'0'.repeat(31)}`, `SM${'A'.repeat(32)}`, `XX${'0'.repeat(32)}`, `${sid}0`, ` ${sid}`]) {
        expect((await signedPost({ MessageSid: bad, From: from, Body: 'raid 94110' })).statusCode, bad).toBe(400);
      }
      expect((await signedPost({ MessageSid: sid, SmsSid: newMessageSid(), From: from, Body: 'raid 94110' })).statusCode).toBe(400);
      expect((await signedPost({ MessageSid: sid, SmsMessageSid: '', From: from, Body: 'raid 94110' })).statusCode).toBe(400);
      expect((await signedPost({ MessageSid: 'SM1', MessageStatus: 'delivered' }, '/twilio/status')).statusCode).toBe(400);
      for (const bad of ['CA1', `CA${'f'.repeat(31)}`, `CA${'F'.repeat(32)}`, `SM${'f'.repeat(32)}`]) {
        expect((await signedPost({ CallSid: bad, From: from }, '/twilio/voice')).statusCode, bad).toBe(400);
        expect((await signedPost({ CallSid: bad, From: from, RecordingUrl: 'https://api.twilio.com/rec/RE1' }, '/twilio/voice/recording?lang=en')).statusCode, bad).toBe(400);
      }
      expect(counts()).toEqual(before);
      // Twilio's own shapes pass: MM for a message with media, an SmsSid equal to the MessageSid.
      const mms = `MM${sid.slice(2)}`;
      expect((await signedPost({ MessageSid: mms, SmsSid: mms, SmsMessageSid: mms, From: from, Body: 'HELP' })).statusCode).toBe(200);
      expect((await signedPost({ CallSid: `CA${'f'.repeat(32)}`, From: 'Anonymous' }, '/twilio/voice')).statusCode).toBe(200);
    });

    it('refuses a 1 MB body with 413 and stores nothing', async () => {
      const before = counts();
      const params = { MessageSid: newMessageSid(), From: '+14155550301', Body: 'x'.repeat(1024 * 1024) };
      const response = await signedPost(params);
      expect(response.statusCode).toBe(413);
      expect(response.json()).toEqual({ error: 'body too large' });
      expect(counts()).toEqual(before);
    });

    it('treats a body that is not a form as a bad signature, not a crash', async () => {
      for (const payload of ['%%%', '=&=&==', 'From=%ZZ&MessageSid=%', '\u0000\u0001binary']) {
        const response = await system.app.inject({ method: 'POST', url: '/twilio/sms', headers: { 'content-type': FORM, 'x-twilio-signature': 'x' }, payload });
        expect(response.statusCode).toBe(403);
      }
      // Twilio posts forms: JSON (even JSON objects built to break the signature check) is refused unparsed.
      for (const payload of ['{"From": 1', '{"From":{"toString":1}}']) {
        const json = await system.app.inject({ method: 'POST', url: '/twilio/sms', headers: { 'content-type': 'application/json', 'x-twilio-signature': 'x' }, payload });
        expect(json.statusCode).toBe(415);
      }
      const xml = await system.app.inject({ method: 'POST', url: '/twilio/sms', headers: { 'content-type': 'text/xml' }, payload: '<a/>' });
      expect(xml.statusCode).toBe(415);
    });

    it('answers repeated form fields with 400 instead of guessing which one counts', async () => {
      const before = counts();
      const payload = `MessageSid=${newMessageSid()}&From=%2B14155550302&From=%2B14155550303&Body=hi`;
      const params: Record<string, string | string[]> = {};
      for (const [key, value] of new URLSearchParams(payload)) {
        const seen = params[key];
        params[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
      }
      const signature = sign('/twilio/sms', params as Record<string, string>);
      const response = await system.app.inject({ method: 'POST', url: '/twilio/sms', headers: { 'content-type': FORM, 'x-twilio-signature': signature }, payload });
      expect(response.statusCode).toBe(400);
      expect(counts()).toEqual(before);
    });

    it('takes emoji, non-UTF-8 bytes and SQL-looking text as ordinary reports', async () => {
      const texts = ['🚨🚨 ICE 🚐 en la escuela 94110 😱', "'; DROP TABLE reports; -- 94110", 'Robert"); DELETE FROM members;--', '\uFFFD\uFFFD raid \uD800 94110'];
      for (const body of texts) {
        const response = await signedPost({ MessageSid: newMessageSid(), From: '+14155550304', Body: body });
        expect(response.statusCode).toBe(200);
        expect(response.headers['content-type']).toMatch(/text\/xml/);
        expect(twimlText(response.body)).not.toBe('');
      }
      // Raw bytes that are not UTF-8 still decode to something (U+FFFD), and get an answer.
      const raw = Buffer.concat([Buffer.from(`MessageSid=${newMessageSid()}&From=%2B14155550305&Body=migra`), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('+94110')]);
      const params = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
      const response = await system.app.inject({ method: 'POST', url: '/twilio/sms', headers: { 'content-type': FORM, 'x-twilio-signature': sign('/twilio/sms', params) }, payload: raw });
      expect(response.statusCode).toBe(200);
      await system.idle();
      const stored = (await dispatcher.get('/api/reports')).json() as Array<{ text: string }>;
      expect(stored.map((r) => r.text)).toContain("'; DROP TABLE reports; -- 94110");
      expect(counts().members).toBe(0);
    });
  });

  describe('console API', () => {
    it('answers 401 without a session on every route but login and health', async () => {
      for (const url of ['/api/committees', '/api/incidents', '/api/reports', '/api/committees/x/members', '/api/incidents/x']) {
        expect((await system.app.inject({ method: 'GET', url })).statusCode).toBe(401);
      }
      const post = await system.app.inject({ method: 'POST', url: '/api/incidents/x/confirm', headers: { 'content-type': 'application/json' }, payload: '{}' });
      expect(post.statusCode).toBe(401);
      expect((await system.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    });

    it('refuses state changes that are not JSON with 415 (the CSRF defence)', async () => {
      const before = counts();
      for (const type of [FORM, 'text/plain', 'multipart/form-data; boundary=x']) {
        const response = await system.app.inject({ method: 'POST', url: '/api/committees', headers: { cookie: dispatcher.cookie, 'content-type': type }, payload: 'name=x' });
        expect(response.statusCode).toBe(415);
        expect(response.json().error).toMatch(/JSON/);
      }
      const bare = await system.app.inject({ method: 'POST', url: '/api/committees', headers: { cookie: dispatcher.cookie } });
      expect(bare.statusCode).toBe(415);
      expect(counts()).toEqual(before);
    });

    it('refuses a request from a foreign origin with 403', async () => {
      const response = await system.app.inject({
        method: 'POST',
        url: '/api/committees',
        headers: { cookie: dispatcher.cookie, 'content-type': 'application/json', origin: 'https://evil.example' },
        payload: JSON.stringify({ name: 'x', area: { type: 'zips', zips: ['94110'] } }),
      });
      expect(response.statusCode).toBe(403);
      const own = await system.app.inject({
        method: 'GET',
        url: '/api/committees',
        headers: { cookie: dispatcher.cookie, origin: 'https://centinela.example.org' },
      });
      expect(own.statusCode).toBe(200);
    });

    it('answers bad JSON, wrong types and huge bodies with a clear 4xx', async () => {
      const before = counts();
      const post = (payload: string) =>
        system.app.inject({ method: 'POST', url: '/api/committees', headers: { cookie: dispatcher.cookie, 'content-type': 'application/json' }, payload });
      const cases: Array<[string, number]> = [
        ['{"name": ', 400],
        ['', 400],
        ['[]', 400],
        ['"text"', 400],
        ['{"name": 5, "area": {"type": "zips", "zips": ["94110"]}}', 400],
        ['{"name": "x", "area": {"type": "zips", "zips": ["00000"]}}', 400],
        ['{"name": "x", "area": {"type": "circle", "center": {"lat": 91, "lng": 0}, "radiusMeters": 10}}', 400],
        ['{"name": "x", "area": {"type": "polygon", "geojson": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1]]]}}}', 400],
        [JSON.stringify({ name: 'x'.repeat(200_000), area: { type: 'zips', zips: ['94110'] } }), 413],
        ['{"name": "x", "name": "y", "area": {"type": "zips", "zips": ["94110"]}, "__proto__": {"admin": true}}', 400],
      ];
      for (const [payload, status] of cases) {
        const response = await post(payload);
        expect(response.statusCode, payload.slice(0, 80)).toBe(status);
        expect(typeof response.json().error).toBe('string');
      }
      expect(counts()).toEqual(before);
      expect((await dispatcher.get('/api/incidents?limit=abc')).statusCode).toBe(400);
      expect((await dispatcher.get('/api/incidents?status=nope')).statusCode).toBe(400);
      expect((await dispatcher.get('/api/reports?since=yesterday')).statusCode).toBe(400);
      expect((await dispatcher.patch('/api/members/nope', { status: 'active' })).statusCode).toBe(404);
      expect((await dispatcher.post('/api/incidents/nope/confirm', {})).statusCode).toBe(404);
      expect((await dispatcher.get('/api/no-such-route')).statusCode).toBe(404);
    });

    it('answers a wrong password with 401, and repeated ones with 429 for that account and address only', async () => {
      await system.login('dispatcher', 'victim@example.org');
      const attempt = (password: string, ip = '203.0.113.7') =>
        system.app.inject({ method: 'POST', url: '/api/session', remoteAddress: ip, payload: { email: 'victim@example.org', password } });
      for (let i = 0; i < 5; i++) expect((await attempt(`guess-${i}`)).statusCode).toBe(401);
      const slowed = await attempt('correct horse battery staple');
      expect(slowed.statusCode).toBe(429);
      expect(Number(slowed.headers['retry-after'])).toBeGreaterThan(0);
      // A forged X-Forwarded-For does not buy a fresh count (no proxy is trusted unless TRUST_PROXY says so).
      const forged = await system.app.inject({
        method: 'POST',
        url: '/api/session',
        remoteAddress: '203.0.113.7',
        headers: { 'x-forwarded-for': '192.0.2.99' },
        payload: { email: 'victim@example.org', password: 'guess-again' },
      });
      expect(forged.statusCode).toBe(429);
      // The dispatcher herself, from her own address, is not locked out.
      expect((await attempt('correct horse battery staple', '198.51.100.20')).statusCode).toBe(204);
      expect((await system.app.inject({ method: 'POST', url: '/api/session', payload: { email: 'nobody@example.org', password: 'x' } })).statusCode).toBe(401);
    });
  });
});
