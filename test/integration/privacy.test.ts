// Privacy by design, proven on the bytes: after a full run, no test phone number is anywhere in plain text —
// not in the SQLite files, not in any table, not in Redis, not in a log line — and no reply to a reporter
// says anything about members.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { committeeWithMembers, MISSION_ZIPS } from '../support/scenario.js';
import { type ApiClient, startSystem, type TestSystem, twimlText } from '../support/system.js';

const members = ['+14155550901', '+14155550902', '+14155550903'];
const reporter = '+14155550999';
const everyNumber = [...members, reporter];
// Each number as E.164, as bare digits and as the national number: any of them would be a leak.
const needles = everyNumber.flatMap((n) => [n, n.slice(1), n.slice(2)]);

describe('no phone number in plain text anywhere', () => {
  let system: TestSystem;
  let dispatcher: ApiClient;
  const repliesToReporter: string[] = [];

  beforeAll(async () => {
    system = await startSystem();
    dispatcher = await system.login();
    await committeeWithMembers(system, dispatcher, { name: 'Mission Defense Committee', area: MISSION_ZIPS }, members);
    await system.text(members[2]!, 'STOP');
    for (const text of ['ICE at the taqueria on 24th, 94110', 'still there, 94110', 'how many people are coming?', '1', 'HELP']) {
      repliesToReporter.push(await system.text(reporter, text));
    }
    await system.idle();
    const incidents = (await dispatcher.get('/api/incidents')).json() as Array<{ id: string; location: unknown }>;
    const placed = incidents.find((i) => i.location !== null)!;
    expect((await dispatcher.post(`/api/incidents/${placed.id}/confirm`, {})).statusCode).toBe(202);
    await system.twilio.waitForSent(2);
    await system.text(members[0]!, '1');
    await system.text(members[1]!, 'NO');
    repliesToReporter.push(await system.text(reporter, 'did anyone come?'));
    await system.idle();
  });
  afterAll(() => system?.close());

  const findNeedles = (haystack: string) => needles.filter((needle) => haystack.includes(needle));

  it('not in the raw bytes of the SQLite files (database, WAL)', () => {
    system.deps.db.$client.pragma('wal_checkpoint(PASSIVE)');
    const files = readdirSync(system.dir).filter((f) => f.startsWith('centinela.db'));
    expect(files).toContain('centinela.db');
    for (const file of files) {
      const bytes = readFileSync(join(system.dir, file));
      expect(findNeedles(bytes.toString('latin1')), file).toEqual([]);
      expect(findNeedles(bytes.toString('utf16le')), file).toEqual([]);
    }
  });

  it('not in any column of any table', () => {
    const db = system.deps.db.$client;
    const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as Array<{ name: string }>;
    expect(tables.length).toBeGreaterThan(10);
    for (const { name } of tables) {
      const rows = db.prepare(`select * from "${name}"`).all();
      expect(findNeedles(JSON.stringify(rows)), name).toEqual([]);
    }
  });

  it('not in any Redis key or value of the system', async () => {
    const redis = system.deps.redis;
    let cursor = '0';
    const dump: string[] = [];
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${system.config.queuePrefix}:*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        dump.push(key);
        const type = await redis.type(key);
        if (type === 'string') dump.push((await redis.get(key)) ?? '');
        else if (type === 'hash') dump.push(JSON.stringify(await redis.hgetall(key)));
        else if (type === 'list') dump.push(JSON.stringify(await redis.lrange(key, 0, -1)));
        else if (type === 'set') dump.push(JSON.stringify(await redis.smembers(key)));
        else if (type === 'zset') dump.push(JSON.stringify(await redis.zrange(key, '0', '-1')));
        else if (type === 'stream') dump.push(JSON.stringify(await redis.xrange(key, '-', '+')));
      }
    } while (cursor !== '0');
    expect(dump.length).toBeGreaterThan(0);
    expect(findNeedles(dump.join('\n'))).toEqual([]);
  });

  it('not in any log line, and no report text either', () => {
    expect(system.logLines.length).toBeGreaterThan(20);
    const all = system.logLines.join('\n');
    expect(findNeedles(all)).toEqual([]);
    expect(all).not.toContain('taqueria');
  });

  it('no reply to a reporter reveals members, counts or the committee', () => {
    expect(repliesToReporter).toHaveLength(6);
    for (const reply of repliesToReporter) {
      expect(reply).not.toMatch(/Mission Defense Committee/);
      expect(reply).not.toMatch(/\b[23]\b.*(people|members|responders|personas)/i);
      expect(reply).not.toMatch(/0901|0902|0903/);
      expect(twimlText(`<Message>${reply}</Message>`)).toBe(reply);
    }
    // The reporter's "1" is not an answer to an alert: it was never alerted.
    expect(repliesToReporter[3]).toMatch(/no alert/i);
    // The reporter got no alert either, though the incident they reported was confirmed.
    expect(system.twilio.sent.map((m) => m.to)).not.toContain(reporter);
  });
});
