// Starting the system as operators do: `npm start` with no configuration, the roles apart, bad configuration.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { listeningPort, runEntry, type Running } from '../support/processes.js';

const running: Running[] = [];
const dirs: string[] = [];
const start = (...args: Parameters<typeof runEntry>) => {
  const process = runEntry(...args);
  running.push(process);
  return process;
};
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'centinela-proc-'));
  dirs.push(dir);
  return dir;
};
const spareport = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop('SIGKILL')));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('processes', () => {
  it('npm start runs on its embedded defaults: outbox mode, SQLite and dev keys under ./data, and stops cleanly', async () => {
    const cwd = tempDir();
    const main = start('src/main.ts', { cwd, env: { PORT: '0', HOST: '127.0.0.1', QUEUE_PREFIX: `proc-${randomBytes(4).toString('hex')}` } });
    const first = await main.waitForLine(/SMS provider/);
    expect(first).toMatch(/outbox/);
    const port = listeningPort(await main.waitForLine(/listening at/));
    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(health.status).toBe(200);
    // Without a session health says only {status}; `ok` means the database and Redis answer.
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(existsSync(join(cwd, 'data', 'centinela.db'))).toBe(true);
    expect(statSync(join(cwd, 'data', 'data_key.key')).mode & 0o777).toBe(0o600);

    // A report from this machine (no Twilio token: loopback only) is answered and lands in the outbox flow.
    const reply = await fetch(`http://127.0.0.1:${port}/twilio/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ MessageSid: 'SM00000000000000000000000000000001', From: '+14155550701', Body: 'ICE at the market 94110' }),
    });
    expect(reply.status).toBe(200);
    expect(await reply.text()).toMatch(/<Message>/);
    expect(await main.stop('SIGTERM')).toBe(0);
  });

  it('starts its own redis-server with append-only persistence when none answers', async () => {
    const cwd = tempDir();
    const redisPort = await spareport();
    const main = start('src/main.ts', { cwd, env: { PORT: '0', HOST: '127.0.0.1', REDIS_URL: `redis://127.0.0.1:${redisPort}` } });
    await main.waitForLine(/started a local redis-server/);
    const port = listeningPort(await main.waitForLine(/listening at/));
    expect(await (await fetch(`http://127.0.0.1:${port}/api/health`)).json()).toEqual({ status: 'ok' });
    expect(existsSync(join(cwd, 'data', 'redis', 'appendonlydir'))).toBe(true);
    expect(await main.stop('SIGTERM')).toBe(0);
  });

  it('exits with one clear line on a bad value, and refuses to run in production without its keys', async () => {
    const cwd = tempDir();
    const bad = start('src/main.ts', { cwd, env: { DATA_KEY: 'too-short', PORT: '0' } });
    expect(await bad.exited).toBe(1);
    expect(bad.lines).toEqual([expect.stringMatching(/^centinela: configuration error: DATA_KEY must be 32 bytes/)]);

    const port = start('src/main.ts', { cwd, env: { PORT: 'eighty' } });
    expect(await port.exited).toBe(1);
    expect(port.lines).toEqual([expect.stringMatching(/^centinela: configuration error: PORT: /)]);

    const production = start('src/main.ts', { cwd, env: { NODE_ENV: 'production', PORT: '0' } });
    expect(await production.exited).toBe(1);
    expect(production.lines).toEqual([expect.stringMatching(/DATA_KEY is required when NODE_ENV=production/)]);
  });

  it('item 16: a malformed Twilio account SID, sender or TRUST_PROXY stops start-up with one line, no stack trace', async () => {
    const cwd = tempDir();
    const twilio = { TWILIO_ACCOUNT_SID: 'AC123', TWILIO_AUTH_TOKEN: 'token', TWILIO_FROM_NUMBER: '+15005550006', PORT: '0' };
    const sid = start('src/main.ts', { cwd, env: twilio });
    expect(await sid.exited).toBe(1);
    expect(sid.lines).toEqual([expect.stringMatching(/^centinela: configuration error: TWILIO_ACCOUNT_SID must be AC followed by 32 hex digits/)]);

    const from = start('src/main.ts', { cwd, env: { ...twilio, TWILIO_ACCOUNT_SID: `AC${'ab'.repeat(16)}`, TWILIO_FROM_NUMBER: '415 555 0100' } });
    expect(await from.exited).toBe(1);
    expect(from.lines).toEqual([expect.stringMatching(/^centinela: configuration error: TWILIO_FROM_NUMBER must be in E\.164 form/)]);

    const proxy = start('src/server.ts', { cwd, env: { TRUST_PROXY: 'true', PORT: '0' } });
    expect(await proxy.exited).toBe(1);
    expect(proxy.lines).toEqual([expect.stringMatching(/^centinela: configuration error: TRUST_PROXY must be the reverse proxy's address/)]);
  });

  it('runs the web and worker roles apart on one database, and user:create works while they run', async () => {
    const cwd = tempDir();
    const env = { PORT: '0', HOST: '127.0.0.1', QUEUE_PREFIX: `proc-${randomBytes(4).toString('hex')}` };
    const web = start('src/server.ts', { cwd, env });
    const worker = start('src/worker.ts', { cwd, env });
    const port = listeningPort(await web.waitForLine(/listening at/));
    await worker.waitForLine(/workers started/);

    const create = start('scripts/user-create.ts', { cwd, env, args: ['--email', 'ops@example.org', '--role', 'dispatcher'], input: 'a long enough password\n' });
    expect(await create.exited).toBe(0);
    expect(create.lines).toEqual(['created dispatcher ops@example.org']);

    const reply = await fetch(`http://127.0.0.1:${port}/twilio/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ MessageSid: 'SM00000000000000000000000000000002', From: '+14155550702', Body: 'raid at the factory 94110' }),
    });
    expect(reply.status).toBe(200);

    // Sign in through the API and watch the worker process's result appear.
    const login = await fetch(`http://127.0.0.1:${port}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ops@example.org', password: 'a long enough password' }),
    });
    expect(login.status).toBe(204);
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
    const events = await fetch(`http://127.0.0.1:${port}/api/events`, { headers: { cookie } });
    const reader = events.body!.getReader();
    // The report may already be processed: check the database, else wait for the live event.
    const db = new Database(join(cwd, 'data', 'centinela.db'), { readonly: true });
    const processed = () => (db.prepare("select count(*) as n from reports where status = 'processed'").get() as { n: number }).n;
    while (processed() === 0) await reader.read();
    await reader.cancel();
    expect(processed()).toBe(1);
    db.close();
  });
});
