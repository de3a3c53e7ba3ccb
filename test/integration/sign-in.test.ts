// Console sign-in behind a reverse proxy: a guesser slows only its own address, an account takes a capped number
// of wrong guesses an hour across all addresses, and past that a device that signed in before (or a second-factor
// code) still gets in. Time moves on a TestClock.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { LightMyRequestResponse } from 'fastify';
import { generate } from 'otplib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/http/api/auth.js';
import { apiClient, startSystem, TestClock, type TestSystem } from '../support/system.js';

const PASSWORD = 'correct horse battery staple';
const PROXY = '127.0.0.1';
const HOUR = 3600_000;

describe('console sign-in', () => {
  const clock = new TestClock();
  let system: TestSystem;

  beforeAll(async () => {
    system = await startSystem({ clock, workers: false, env: { TRUST_PROXY: PROXY } });
  });
  afterAll(() => system?.close());
  // Each test starts a little into a fresh clock hour, so that an hour's count cannot roll over mid-test.
  beforeEach(() => clock.advance(HOUR - (clock.now() % HOUR) + 60_000));

  async function createUser(email: string): Promise<void> {
    system.deps.repos.users.create({ email, role: 'dispatcher', passwordHash: await hashPassword(PASSWORD) }, clock.now());
  }

  /** A sign-in as the proxy forwards it: the client's address in X-Forwarded-For. */
  function signIn(email: string, password: string, from: { client: string; cookie?: string; code?: string; remote?: string }) {
    return system.app.inject({
      method: 'POST',
      url: '/api/session',
      remoteAddress: from.remote ?? PROXY,
      headers: { 'x-forwarded-for': from.client, ...(from.cookie ? { cookie: from.cookie } : {}) },
      payload: { email, password, ...(from.code !== undefined ? { code: from.code } : {}) },
    });
  }

  function cookie(response: LightMyRequestResponse, name: string): string {
    const found = response.cookies.find((c) => c.name === name);
    if (!found) throw new Error(`no ${name} cookie in the answer`);
    return `${name}=${found.value}`;
  }

  const codeAt = (secret: string) => generate({ secret, epoch: Math.floor(clock.now() / 1000) });

  it('item 7: guesses from the address a dispatcher shares (a NAT, an office) do not slow her browser that signed in before', async () => {
    await createUser('shared@example.org');
    const office = '198.51.100.77';
    const first = await signIn('shared@example.org', PASSWORD, { client: office });
    expect(first.statusCode).toBe(204);
    const device = cookie(first, 'centinela_device');

    const guesses: number[] = [];
    for (let i = 1; i <= 8; i++) guesses.push((await signIn('shared@example.org', `guess-${i}`, { client: office })).statusCode);
    expect(guesses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    // Another browser at the same address waits; hers, with her password, gets in at once.
    expect((await signIn('shared@example.org', PASSWORD, { client: office })).statusCode).toBe(429);
    expect((await signIn('shared@example.org', PASSWORD, { client: office, cookie: device })).statusCode).toBe(204);
  });

  it('item 7: behind the proxy, a new X-Forwarded-For per try buys at most 20 guesses an hour; then only a device that signed in before gets in', async () => {
    await createUser('owner@example.org');
    const first = await signIn('owner@example.org', PASSWORD, { client: '198.51.100.20' });
    expect(first.statusCode).toBe(204);
    const device = cookie(first, 'centinela_device');

    // X-Forwarded-For from anyone but the proxy is not believed: a client there cannot pose as many.
    const direct: number[] = [];
    for (let i = 1; i <= 8; i++) {
      direct.push((await signIn('owner@example.org', `direct-${i}`, { client: `192.0.2.${i}`, remote: '203.0.113.200' })).statusCode);
    }
    expect(direct).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);

    const statuses: number[] = [];
    for (let i = 1; i <= 40; i++) {
      clock.advance(200);
      statuses.push((await signIn('owner@example.org', `guess-${i}`, { client: `203.0.113.${i}` })).statusCode);
    }
    // 20 wrong guesses in the hour, the direct client's 5 among them.
    expect(statuses.filter((s) => s === 401)).toHaveLength(15);
    expect(statuses.slice(15).every((s) => s === 429)).toBe(true);

    // The owner on a new phone at a new address waits; her own browser, with her password, gets in.
    const newPhone = await signIn('owner@example.org', PASSWORD, { client: '198.51.100.21' });
    expect(newPhone.statusCode).toBe(429);
    expect(newPhone.json().error).toMatch(/device that signed in before/);
    expect(Number(newPhone.headers['retry-after'])).toBeGreaterThan(0);
    expect((await signIn('owner@example.org', PASSWORD, { client: '198.51.100.21', cookie: device })).statusCode).toBe(204);
    // The device cookie does not stand in for the password, and a forged one helps nobody.
    expect((await signIn('owner@example.org', 'guess-again', { client: '198.51.100.21', cookie: device })).statusCode).toBe(401);
    const forged = device.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await signIn('owner@example.org', PASSWORD, { client: '198.51.100.22', cookie: forged })).statusCode).toBe(429);

    clock.advance(HOUR);
    expect((await signIn('owner@example.org', PASSWORD, { client: '198.51.100.23' })).statusCode).toBe(204);
  }, 60_000);

  it('a fast guesser at one address never stops the dispatcher at another, and its refused tries count toward nothing', async () => {
    await createUser('busy@example.org');
    let guesses = 0;
    let refused = 0;
    const owner: number[] = [];
    // Five guesses a second for ten minutes; the dispatcher signs in every 50 s from her own address, never with
    // the device cookie, so the account's cap would stop her had the refused guesses counted.
    for (let i = 1; i <= 3000; i++) {
      clock.advance(200);
      const status = (await signIn('busy@example.org', `guess-${i}`, { client: '203.0.113.77' })).statusCode;
      if (status === 401) guesses++;
      else if (status === 429) refused++;
      else throw new Error(`unexpected ${status}`);
      if (i % 250 === 0) owner.push((await signIn('busy@example.org', PASSWORD, { client: `198.51.100.${i / 250}` })).statusCode);
    }
    expect(owner).toEqual(Array(12).fill(204));
    expect(guesses).toBeGreaterThanOrEqual(5);
    expect(guesses).toBeLessThan(20);
    expect(refused).toBe(3000 - guesses);
  }, 60_000);

  it('item 7: with a second factor a sign-in needs the code, and past the account cap a correct code still gets in', async () => {
    await createUser('careful@example.org');
    const session = await signIn('careful@example.org', PASSWORD, { client: '198.51.100.40' });
    const client = apiClient(system.app, cookie(session, 'centinela_session'));

    // Turning it on takes the password, not the session alone; a wrong one ends the session.
    const other = apiClient(system.app, cookie(await signIn('careful@example.org', PASSWORD, { client: '198.51.100.40' }), 'centinela_session'));
    expect((await other.post('/api/session/totp', { password: 'not it' })).statusCode).toBe(403);
    expect((await other.get('/api/health')).json()).toEqual({ status: 'ok' });
    expect(system.deps.repos.users.findByEmail('careful@example.org')?.totpSecret).toBeNull();

    const started = await client.post('/api/session/totp', { password: PASSWORD });
    expect(started.statusCode).toBe(200);
    const { secret, uri } = started.json<{ secret: string; uri: string }>();
    expect(uri).toMatch(/^otpauth:\/\/totp\/Centinela:careful%40example\.org\?secret=/);
    const stored = system.deps.repos.users.findByEmail('careful@example.org')?.totpSecret ?? '';
    expect(stored).not.toContain(secret);
    expect(stored.length).toBeGreaterThan(secret.length);
    // Not in force until confirmed: signing in still needs no code.
    expect((await signIn('careful@example.org', PASSWORD, { client: '198.51.100.40' })).statusCode).toBe(204);
    const code = await codeAt(secret);
    expect((await client.post('/api/session/totp/confirm', { code: code === '000000' ? '111111' : '000000' })).statusCode).toBe(400);
    expect((await client.post('/api/session/totp/confirm', { code })).statusCode).toBe(204);
    // Replacing it needs a code from it.
    expect((await client.post('/api/session/totp', { password: PASSWORD })).statusCode).toBe(409);

    const noCode = await signIn('careful@example.org', PASSWORD, { client: '198.51.100.40' });
    expect(noCode.statusCode).toBe(401);
    expect(noCode.json().error).toMatch(/code needed/);
    const wrongCode = await signIn('careful@example.org', PASSWORD, { client: '198.51.100.40', code: '12345x' });
    expect(wrongCode.statusCode).toBe(401);
    expect(wrongCode.json().error).toBe('wrong code');
    // A wrong password says only that, code or not.
    const wrongPassword = await signIn('careful@example.org', 'guess', { client: '198.51.100.41', code: await codeAt(secret) });
    expect(wrongPassword.json()).toEqual({ error: 'wrong email or password' });
    expect((await signIn('careful@example.org', PASSWORD, { client: '198.51.100.40', code: await codeAt(secret) })).statusCode).toBe(204);

    for (let i = 1; i <= 25; i++) await signIn('careful@example.org', `guess-${i}`, { client: `203.0.113.${100 + i}` });
    // Past the cap: no code, refused; a wrong code is a wrong code; the right code (and password) gets in.
    expect((await signIn('careful@example.org', PASSWORD, { client: '198.51.100.42' })).statusCode).toBe(429);
    expect((await signIn('careful@example.org', PASSWORD, { client: '198.51.100.42', code: '000001' })).json()).toEqual({ error: 'wrong code' });
    expect((await signIn('careful@example.org', PASSWORD, { client: '198.51.100.42', code: await codeAt(secret) })).statusCode).toBe(204);
  }, 60_000);

  it('item 7: user:create --totp prints the secret once, and signing in then takes its code', async () => {
    const { keys, databasePath } = system.config;
    const { stdout } = await promisify(execFile)(
      'node_modules/.bin/tsx',
      ['scripts/user-create.ts', '--email', 'cli@example.org', '--role', 'dispatcher', '--password', PASSWORD, '--totp'],
      {
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'test',
          DATABASE_PATH: databasePath,
          DATA_KEY: keys.data.toString('base64'),
          HASH_KEY: keys.hash.toString('base64'),
          SESSION_SECRET: keys.session.toString('base64'),
        },
      },
    );
    const secret = /secret: ([A-Z2-7]+)/.exec(stdout)?.[1] ?? '';
    expect(stdout).toMatch(/uri: otpauth:\/\/totp\//);
    expect((await signIn('cli@example.org', PASSWORD, { client: '198.51.100.50' })).statusCode).toBe(401);
    expect((await signIn('cli@example.org', PASSWORD, { client: '198.51.100.50', code: await codeAt(secret) })).statusCode).toBe(204);
  });
});
