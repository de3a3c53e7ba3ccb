// Thousands of random and hostile requests against the webhooks and the console API. Whatever arrives: no 5xx,
// no crash or hang, a JSON `{error}` for every 4xx, and a rejected request changes nothing in the database.
//
// Reproduce a run: FUZZ_SEED=<seed> npx vitest run test/integration/fuzz.test.ts (the seed is in every failure
// message); FUZZ_SEED=random explores a new sequence; FUZZ_SCALE=3 sends three times as many requests.
//
// What each check catches:
// - status < 500 ............ unhandled exceptions in parsers, signature checks, handlers and services (and 5xx from
//                             a dependency leaking through), e.g. a body shape the code never expected.
// - 4xx is JSON {error} ..... a route that answers HTML/text/empty errors, or leaks a stack or Fastify internals.
// - rejected → no writes .... a handler that writes before it validates (half-applied requests), a signature check
//                             that runs after the insert, a 404/409 path that still records something.
// - GET/HEAD → no writes .... reads with side effects (CSRF-able via <img>, prefetchers).
// - no hang (timeout) ....... ReDoS in keyword/location parsing, a promise that never settles, a stuck hijack.
// - unsigned → never 2xx ... a signature check that can be skipped (a body shape, content type or method that
//                             reaches a handler without the real auth token).
// - 2xx webhook is TwiML .... a reply Twilio cannot parse: not XML, or containing characters XML 1.0 forbids
//                             (NUL, lone surrogates) echoed from the sender's text.
// - no error log lines ...... failures swallowed into logs while the client still got an answer.
// - Object.prototype intact . prototype pollution through `__proto__`/`constructor` keys in forms or JSON.
// - afterwards: health 200, workers process every queued hostile report without failing, a normal report works.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import fastQueryString from 'fast-querystring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers, type Workers } from '../../src/queue/workers.js';
import {
  encodeForm,
  fuzzSeed,
  hostileJson,
  hostileString,
  HOSTILE_KEYS,
  hugeString,
  mutateJson,
  oddJsonText,
  type Pair,
  percentEncode,
  Rng,
} from '../support/fuzz.js';
import { type ApiClient, FROM_NUMBER, PUBLIC_URL, sign, startSystem, type TestSystem, twimlText } from '../support/system.js';

const SEED = fuzzSeed(0x5eed_c3a7);
const SCALE = Number(process.env['FUZZ_SCALE'] ?? '1') || 1;
const WEBHOOK_REQUESTS = Math.round(3000 * SCALE);
const API_REQUESTS = Math.round(2000 * SCALE);
const REQUEST_TIMEOUT_MS = 10_000;
const BODY_LIMIT = 64 * 1024;
const FORM = 'application/x-www-form-urlencoded';
// Error-level log lines that are deliberate operator alarms, not failures: a signed status callback with an
// account-level error code (e.g. 20003) pauses all sending.
const DESIGNED_ALARMS = /sending paused until an operator resumes it/;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
const METHODS: readonly Method[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

interface Probe {
  index: number;
  phase: 'webhook' | 'api';
  /** The route this probe was aimed at, for grouping failures (`/api/incidents/:id/confirm`). */
  route: string;
  method: Method;
  url: string;
  headers: Record<string, string | string[]>;
  payload?: string | Buffer;
  /** Whether the webhook signature was made with the real auth token over exactly what the server will parse. */
  signed?: boolean;
}

interface Failure {
  kind: string;
  probe: Probe;
  status?: number;
  detail: string;
}

describe('fuzz: hostile requests', () => {
  let system: TestSystem;
  let admin: ApiClient;
  let laterWorkers: Workers | null = null;
  const failures: Failure[] = [];
  const statuses = new Map<string, number>();
  const slowest: Array<{ ms: number; probe: Probe; status: number }> = [];
  const pools = { incidents: [] as string[], members: [] as string[], committees: [] as string[], inviteCodes: [] as string[], sids: [] as string[] };
  const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort().join(',');

  // ---------------------------------------------------------------------------------------------------------------
  // The database, watched cheaply. Nothing but the requests writes while the fuzz runs (the workers are stopped),
  // so SQLite's total_changes() on the one connection is an exact "did this request write anything" counter, updates
  // included. Row counts and max(rowid) per table say which tables it touched.
  const db = () => system.deps.db.$client;
  let tables: string[] = [];
  let fingerprintStatements: Array<{ name: string; run: () => { n: number; m: number | null } }> = [];
  let totalChangesStatement: () => number = () => 0;
  const fingerprint = (): Record<string, string> =>
    Object.fromEntries(fingerprintStatements.map(({ name, run }) => [name, ((r) => `${r.n} rows, max rowid ${r.m ?? '-'}`)(run())]));
  const diff = (before: Record<string, string>, after: Record<string, string>) =>
    tables.filter((t) => before[t] !== after[t]).map((t) => `${t}: ${before[t]} → ${after[t]}`);
  let lastFingerprint: Record<string, string> = {};

  beforeAll(async () => {
    system = await startSystem();
    admin = await system.login('admin');

    // Real rows to aim at: a committee with members, incidents (one unplaced), reports.
    const committee = await admin.post('/api/committees', { name: 'Fuzz Mission', area: { type: 'zips', zips: ['94110'] }, autoApprove: true });
    expect(committee.statusCode).toBe(201);
    const { id, inviteCode } = committee.json() as { id: string; inviteCode: string };
    pools.committees.push(id);
    pools.inviteCodes.push(inviteCode);
    for (const phone of ['+14155550801', '+14155550802', '+14155550803']) {
      expect((await system.sms(phone, `JOIN ${inviteCode} 94110`)).statusCode).toBe(200);
    }
    for (const [phone, text] of [
      ['+14155550811', 'ICE raid at 24th and Mission 94110'],
      ['+14155550812', 'la migra en Fruitvale 94601'],
      ['+14155550813', 'ICE van outside the school'],
    ] as const) {
      expect((await system.sms(phone, text)).statusCode).toBe(200);
    }
    await system.idle();
    // Stop the workers: from here on, only the fuzzed requests touch the database.
    await system.workers?.close();

    const ids = (sql: string) => (db().prepare(sql).all() as Array<{ id: string }>).map((r) => r.id);
    pools.incidents.push(...ids('select id from incidents'));
    pools.members.push(...ids('select id from members'));
    expect(pools.incidents.length).toBeGreaterThan(0);
    expect(pools.members.length).toBe(3);

    tables = (db().prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").all() as Array<{ name: string }>).map(
      (r) => r.name,
    );
    fingerprintStatements = tables.map((name) => {
      const statement = db().prepare(`select count(*) as n, max(rowid) as m from "${name}"`);
      return { name, run: () => statement.get() as { n: number; m: number | null } };
    });
    const changes = db().prepare('select total_changes() as n');
    totalChangesStatement = () => (changes.get() as { n: number }).n;
    lastFingerprint = fingerprint();
  });

  afterAll(async () => {
    await laterWorkers?.close();
    await system?.close();
  });

  // ---------------------------------------------------------------------------------------------------------------
  // Sending one probe and checking everything about its answer.

  const describeProbe = (probe: Probe): string => {
    const payload =
      probe.payload === undefined
        ? 'no body'
        : Buffer.isBuffer(probe.payload)
          ? probe.payload.length <= 600
            ? `Buffer.from('${probe.payload.toString('base64')}', 'base64')`
            : `Buffer(${probe.payload.length} bytes) starting ${JSON.stringify(probe.payload.subarray(0, 200).toString('latin1'))}`
          : probe.payload.length <= 600
            ? JSON.stringify(probe.payload)
            : `string(${probe.payload.length} chars) starting ${JSON.stringify(probe.payload.slice(0, 200))}`;
    const headers = JSON.stringify(probe.headers, (_k, v: unknown) => (typeof v === 'string' && v.length > 200 ? `${v.slice(0, 200)}…` : v));
    return `#${probe.index} ${probe.method} ${probe.url.length > 300 ? `${probe.url.slice(0, 300)}…` : probe.url}${probe.signed ? ' (signed)' : ''}\n      headers: ${headers}\n      payload: ${payload}`;
  };

  const fail = (failure: Failure) => failures.push(failure);

  /** An error log line as its message and the first frames of its stack that are ours or the SDK's. */
  const summarizeLogLine = (line: string): string => {
    try {
      const entry = JSON.parse(line) as { msg?: string; err?: { message?: string; stack?: string } };
      const stack = (entry.err?.stack ?? '').split('\n').slice(1).map((f) => f.trim());
      const frames = [...stack.slice(0, 2), ...stack.filter((f) => f.includes('/src/')).slice(0, 1)];
      return `${entry.msg ?? ''}: ${entry.err?.message ?? ''} ${frames.join(' ← ')}`;
    } catch {
      return line.slice(0, 600);
    }
  };

  const errorLogSince = (from: number) =>
    system.logLines.slice(from).filter((line) => {
      try {
        return (JSON.parse(line) as { level?: number }).level! >= 50;
      } catch {
        return false;
      }
    });

  async function send(probe: Probe): Promise<void> {
    const changesBefore = totalChangesStatement();
    const logsBefore = system.logLines.length;
    let response: LightMyRequestResponse;
    const startedAt = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      response = await Promise.race([
        system.app.inject({ method: probe.method, url: probe.url, headers: probe.headers, payload: probe.payload } as InjectOptions),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)), REQUEST_TIMEOUT_MS);
        }),
      ]);
    } catch (error) {
      fail({ kind: 'no answer (hang or inject error)', probe, detail: (error as Error).message });
      return;
    } finally {
      clearTimeout(timer);
    }
    const status = response.statusCode;
    const took = performance.now() - startedAt;
    slowest.push({ ms: took, probe, status });
    slowest.sort((a, b) => b.ms - a.ms).splice(5);
    const key = `${probe.phase === 'webhook' ? (probe.signed ? 'signed ' : 'unsigned ') : ''}${probe.method} ${probe.route} → ${status}`;
    statuses.set(key, (statuses.get(key) ?? 0) + 1);

    if (status >= 500) {
      const logged = errorLogSince(logsBefore).map(summarizeLogLine);
      fail({ kind: '5xx', probe, status, detail: `${response.body.slice(0, 300)}\n      log: ${logged.join('\n           ') || '(nothing logged)'}` });
    }

    if (status >= 400 && status < 500 && probe.method !== 'HEAD') {
      let error: unknown;
      try {
        error = (JSON.parse(response.body) as { error?: unknown }).error;
      } catch {
        error = undefined;
      }
      if (typeof error !== 'string' || !/json/.test(String(response.headers['content-type'])))
        fail({ kind: '4xx without a JSON {error}', probe, status, detail: `${String(response.headers['content-type'])}: ${response.body.slice(0, 300)}` });
    }

    if (status < 300 && probe.phase === 'webhook' && !probe.signed) {
      fail({ kind: 'webhook without a valid signature was accepted', probe, status, detail: response.body.slice(0, 300) });
    }

    if (status >= 200 && status < 300 && probe.phase === 'webhook' && probe.method === 'POST') {
      const type = String(response.headers['content-type']);
      // XML 1.0 forbids these characters anywhere in a document; Twilio would reject the whole reply.
      const illegal = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.exec(response.body);
      if (!type.startsWith('text/xml') || !response.body.startsWith('<?xml') || !/<Response\s*\/?>/.test(response.body) || illegal) {
        fail({
          kind: '2xx webhook answer is not well-formed TwiML',
          probe,
          status,
          detail: `${type}${illegal ? ` (illegal XML character U+${illegal[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${illegal.index})` : ''}: ${JSON.stringify(response.body.slice(0, 300))}`,
        });
      }
    }

    if (status >= 200 && status < 300 && probe.phase === 'api' && probe.method !== 'HEAD' && /json/.test(String(response.headers['content-type']))) {
      try {
        JSON.parse(response.body);
      } catch {
        fail({ kind: '2xx API answer is not valid JSON', probe, status, detail: response.body.slice(0, 300) });
      }
    }

    const errors = errorLogSince(logsBefore).filter((line) => !DESIGNED_ALARMS.test(line));
    if (errors.length > 0 && status < 500) fail({ kind: 'error logged', probe, status, detail: errors.slice(0, 2).map(summarizeLogLine).join('\n      ') });

    const changesAfter = totalChangesStatement();
    if (changesAfter === changesBefore) return;
    const now = fingerprint();
    const touched = diff(lastFingerprint, now);
    const before = lastFingerprint;
    lastFingerprint = now;
    const rejected = status >= 400;
    const isRead = probe.method === 'GET' || probe.method === 'HEAD';
    if (!rejected && !isRead) return;
    // By design, a wrong password is remembered (the address's and the account's throttle counts) and audited;
    // nothing else may change.
    if (probe.route === '/api/session' && probe.method === 'POST' && status === 401) {
      const unexpected = touched.filter((line) => !line.startsWith('login_failures:') && !line.startsWith('audit_log:'));
      if (unexpected.length === 0 && changesAfter - changesBefore <= 3) return;
    }
    // Opening an incident is audited too (who opened which incident: one audit line), and the first opening is
    // noted on the incident (no dispatcher gets paged about it then); nothing else.
    if (probe.route === '/api/incidents/:id' && isRead && !rejected) {
      if (touched.every((line) => line.startsWith('audit_log:') || line.startsWith('incidents:')) && changesAfter - changesBefore <= 2) return;
    }
    fail({
      kind: rejected ? 'rejected request changed data' : 'read request changed data',
      probe,
      status,
      detail: `${changesAfter - changesBefore} row change(s); ${touched.length > 0 ? touched.join('; ') : 'counts unchanged, so rows were updated in place'} (before: ${JSON.stringify(before)})`,
    });
  }

  /** All failures, grouped: a handful of examples per (kind, route, status), with the seed to replay them. */
  function report(): string {
    const groups = new Map<string, Failure[]>();
    for (const failure of failures) {
      const key = `${failure.kind} — ${failure.probe.method} ${failure.probe.route}${failure.status ? ` → ${failure.status}` : ''}`;
      groups.set(key, [...(groups.get(key) ?? []), failure]);
    }
    const lines = [`fuzz seed ${SEED} (replay: FUZZ_SEED=${SEED} npx vitest run test/integration/fuzz.test.ts): ${failures.length} failure(s)`];
    for (const [key, group] of groups) {
      lines.push(`\n● ${key}: ${group.length}×`);
      for (const failure of group.slice(0, 3)) lines.push(`  - ${describeProbe(failure.probe)}\n      → ${failure.detail}`);
    }
    return lines.join('\n');
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Webhooks.

  const phoneOf = (rng: Rng): string =>
    rng.weighted<() => string>([
      // A small set of numbers, so some are known contacts, members, stopped, or over their hourly limit.
      [6, () => `+1415555${rng.int(1000, 1060)}`],
      [2, () => `+1${rng.int(200, 999)}${rng.int(200, 999)}${String(rng.int(0, 9999)).padStart(4, '0')}`],
      [1, () => rng.pick(['+14155550801', '+14155550811', FROM_NUMBER, '+', '', ' ', '+1', '+999999999999999999999', '00000', 'client:anonymous', 'sip:a@b', '+1 (415) 555-0100'])],
      [1, () => hostileString(rng, 2)],
    ])();

  const sidOf = (rng: Rng, prefix: string): string =>
    rng.weighted<() => string>([
      [8, () => `${prefix}${rng.hex(32)}`],
      [2, () => (pools.sids.length > 0 ? rng.pick(pools.sids) : `${prefix}${rng.hex(32)}`)], // a replay
      [1, () => hostileString(rng, 2)],
      [1, () => `${prefix}${'0'.repeat(rng.int(0, 5000))}`],
    ])();

  const bodyText = (rng: Rng): string =>
    rng.weighted<() => string>([
      [4, () => hostileString(rng)],
      [2, () => rng.pick(['ICE at 24th and Mission 94110', 'redada en 94601', 'STOP', 'START', 'HELP', 'SI', 'NO', 'GOING', 'LANG tl', 'ON DUTY', 'OFF DUTY', ''])],
      [1, () => `JOIN ${pools.inviteCodes[0] ?? 'ABCD'} ${rng.pick(['94110', '00000', '', hostileString(rng, 1)])} ${hostileString(rng, 2)}`],
      [1, () => hugeString(rng, rng.pick([1600, 8000, 30_000]))],
    ])();

  type WebhookKind = 'sms' | 'status' | 'voice' | 'language' | 'zip' | 'recording' | 'other';

  const queryValue = (rng: Rng, options: readonly string[]) => (rng.bool(0.8) ? rng.pick(options) : percentEncode(hostileString(rng, 1)));

  function webhookTarget(rng: Rng): { kind: WebhookKind; path: string; route: string } {
    const kind = rng.weighted<WebhookKind>([
      [50, 'sms'],
      [14, 'status'],
      [7, 'voice'],
      [7, 'language'],
      [7, 'zip'],
      [10, 'recording'],
      [5, 'other'],
    ]);
    const lang = () => queryValue(rng, ['en', 'es', 'tl', 'EN', 'xx', '', 'es&lang=en', '%ZZ', 'es%00']);
    switch (kind) {
      case 'sms':
        return { kind, path: rng.bool(0.95) ? '/twilio/sms' : `/twilio/sms?${percentEncode(hostileString(rng, 1))}=%ZZ`, route: '/twilio/sms' };
      case 'status':
        return { kind, path: '/twilio/status', route: '/twilio/status' };
      case 'voice':
        return { kind, path: '/twilio/voice', route: '/twilio/voice' };
      case 'language':
        return { kind, path: rng.bool(0.7) ? `/twilio/voice/language?lang=${lang()}` : '/twilio/voice/language', route: '/twilio/voice/language' };
      case 'zip':
        return { kind, path: rng.bool(0.8) ? `/twilio/voice/zip?lang=${lang()}` : '/twilio/voice/zip', route: '/twilio/voice/zip' };
      case 'recording': {
        const zip = queryValue(rng, ['94110', '94601', '00000', '', '9411', '941100', '94110%00', '%39%34%31%31%30']);
        return { kind, path: rng.bool(0.85) ? `/twilio/voice/recording?lang=${lang()}&zip=${zip}` : '/twilio/voice/recording', route: '/twilio/voice/recording' };
      }
      case 'other': {
        const path = rng.pick(['/twilio', '/twilio/', '/twilio/sms/', '/twilio/SMS', '/twilio//sms', '/twilio/voice/', '/twilio/voice/nope', '/twilio/%ZZ', '/twilio/sms%00']);
        return { kind, path, route: path };
      }
    }
  }

  function webhookPairs(rng: Rng, kind: WebhookKind): Pair[] {
    const account: Pair = ['AccountSid', system.twilio.accountSid];
    switch (kind) {
      case 'sms':
      case 'other': {
        const media = rng.weighted<string>([
          [8, '0'],
          [2, String(rng.int(1, 3))],
          [1, rng.pick(['10', '11', '-1', 'abc', '1e3', '999999999999999999', '0x2', ' 2', '2.5'])],
        ]);
        const pairs: Pair[] = [['MessageSid', sidOf(rng, 'SM')], account, ['From', phoneOf(rng)], ['To', FROM_NUMBER], ['Body', bodyText(rng)], ['NumMedia', media]];
        for (let i = 0; i < Math.min(Number.parseInt(media, 10) || 0, 12); i++) {
          pairs.push([
            `MediaUrl${i}`,
            rng.pick(['https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1', 'http://x', 'javascript:alert(1)', 'https://', hostileString(rng, 1)]),
          ]);
          if (rng.bool()) pairs.push([`MediaContentType${i}`, rng.pick(['image/jpeg', 'text/html', hostileString(rng, 1)])]);
        }
        return pairs;
      }
      case 'status':
        return [
          ['MessageSid', sidOf(rng, 'SM')],
          account,
          ['MessageStatus', rng.pick(['queued', 'sent', 'delivered', 'undelivered', 'failed', 'read', 'canceled', 'DELIVERED', '', hostileString(rng, 1)])],
          ...(rng.bool(0.6) ? [['ErrorCode', rng.pick(['30003', '30005', '21610', '21211', '30007', '20003', '0', '-1', '1e5', 'NaN', '', hostileString(rng, 1)])] as Pair] : []),
          ['To', phoneOf(rng)],
        ];
      default:
        return [
          ['CallSid', sidOf(rng, 'CA')],
          account,
          ['From', phoneOf(rng)],
          ['To', FROM_NUMBER],
          ...(kind !== 'voice' ? [['Digits', rng.pick(['1', '2', '3', '9', '0', '#', '*', '94110', '94601', '00000', '9411', '', '9'.repeat(rng.int(6, 3000)), hostileString(rng, 1)])] as Pair] : []),
          ...(kind === 'recording'
            ? [
                ['RecordingUrl', rng.pick(['https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1', 'ftp://x', 'javascript:alert(1)', '', hostileString(rng, 1)])] as Pair,
                ['RecordingSid', `RE${rng.hex(32)}`] as Pair,
                ['RecordingDuration', rng.pick(['0', '5', '-1', '1e9', 'abc'])] as Pair,
              ]
            : []),
        ];
    }
  }

  function mutatePairs(rng: Rng, input: Pair[]): Pair[] {
    let pairs = [...input];
    const mutations = rng.weighted<number>([
      [5, 0],
      [4, 1],
      [2, 2],
      [1, 4],
    ]);
    for (let m = 0; m < mutations; m++) {
      const i = rng.int(0, Math.max(0, pairs.length - 1));
      const target = pairs[i];
      const action = rng.weighted<string>([
        [3, 'drop'],
        [4, 'hostile value'],
        [2, 'huge value'],
        [3, 'duplicate key'],
        [2, 'extra key'],
        [1, 'key case'],
        [1, 'shuffle'],
      ]);
      if (!target && action !== 'extra key') continue;
      switch (action) {
        case 'drop':
          pairs.splice(i, 1);
          break;
        case 'hostile value':
          pairs[i] = [target![0], hostileString(rng)];
          break;
        case 'huge value':
          // Around the 64 KB body limit, on both sides of it.
          pairs[i] = [target![0], hugeString(rng, rng.pick([20_000, 60_000, 63_000, BODY_LIMIT - 600, BODY_LIMIT - 100, BODY_LIMIT + 10, 70_000, 200_000]))];
          break;
        case 'duplicate key':
          pairs.splice(i + 1, 0, [target![0], rng.bool() ? target![1] : hostileString(rng, 2)]);
          break;
        case 'extra key':
          pairs.splice(i, 0, [rng.bool(0.5) ? rng.pick(HOSTILE_KEYS) : hostileString(rng, 1), hostileString(rng, 2)]);
          break;
        case 'key case':
          pairs[i] = [rng.bool() ? target![0].toLowerCase() : target![0].toUpperCase(), target![1]];
          break;
        case 'shuffle':
          pairs = pairs.map((p) => [rng.next(), p] as const).sort((a, b) => a[0] - b[0]).map(([, p]) => p);
          break;
      }
    }
    return pairs;
  }

  /** The signature the real SDK makes over exactly these params, or a garbage one if the SDK itself throws on them. */
  const signOrGarbage = (path: string, params: unknown): { signature: string; ok: boolean } => {
    try {
      return { signature: sign(path, params as Record<string, string>), ok: true };
    } catch {
      return { signature: 'sdk-could-not-sign', ok: false };
    }
  };

  /**
   * What the server hands the signature check for this body: the parsed form (with @fastify/formbody's parser,
   * fast-querystring) or JSON if it is a plain object, else {}.
   */
  const paramsAsServerSees = (contentType: string | undefined, payload: string | Buffer | undefined): unknown => {
    const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
    if (payload === undefined) return {};
    if (type === FORM) return fastQueryString.parse(payload.toString());
    if (type === 'application/json') {
      try {
        const parsed: unknown = JSON.parse(payload.toString());
        return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
      } catch {
        return {};
      }
    }
    return {};
  };

  function webhookProbe(rng: Rng, index: number): Probe {
    const target = webhookTarget(rng);
    const pairs = mutatePairs(rng, webhookPairs(rng, target.kind));
    for (const [key, value] of pairs) if ((key === 'MessageSid' || key === 'CallSid') && pools.sids.length < 500 && rng.bool(0.1)) pools.sids.push(value);
    const headers: Record<string, string | string[]> = {};
    let payload: string | Buffer | undefined;

    const bodyKind = rng.weighted<string>([
      [80, 'form'],
      [7, 'json'],
      [3, 'text'],
      [4, 'other type'],
      [3, 'empty'],
      [3, 'no type'],
    ]);
    switch (bodyKind) {
      case 'form': {
        headers['content-type'] = rng.weighted<string>([
          [10, FORM],
          [2, `${FORM}; charset=utf-8`],
          [1, 'APPLICATION/X-WWW-FORM-URLENCODED'],
          [1, `${FORM}; charset=ISO-8859-1`],
          [1, `${FORM};;; boundary="x"`],
          [1, ` ${FORM} `],
        ]);
        payload = encodeForm(rng, pairs);
        break;
      }
      case 'json': {
        headers['content-type'] = rng.pick(['application/json', 'application/json; charset=utf-8']);
        const object: Record<string, unknown> = {};
        for (const [key, value] of pairs) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
        // Wrong types in place of strings: numbers, nested objects, arrays, objects with hostile keys.
        const json = rng.bool(0.6) ? (mutateJson(rng, object) as unknown) : rng.bool(0.5) ? object : hostileJson(rng, 3);
        payload = rng.bool(0.85) ? JSON.stringify(json) ?? 'null' : oddJsonText(rng, JSON.stringify(object));
        break;
      }
      case 'text':
        headers['content-type'] = 'text/plain';
        payload = encodeForm(rng, pairs).toString('utf8');
        break;
      case 'other type':
        headers['content-type'] = rng.pick(['text/xml', 'application/xml', 'multipart/form-data; boundary=----x', 'application/octet-stream', 'application/x-www-form-urlencodedx', ';;;', 'x/y; a=b', 'application/json+x']);
        payload = encodeForm(rng, pairs);
        break;
      case 'empty':
        headers['content-type'] = rng.pick([FORM, 'application/json', 'text/plain']);
        payload = '';
        break;
      case 'no type':
        payload = encodeForm(rng, pairs);
        break;
    }

    const serverParams = paramsAsServerSees(headers['content-type'] as string | undefined, payload);
    const signing = rng.weighted<string>([
      [70, 'valid'],
      [8, 'none'],
      [6, 'garbage'],
      [4, 'other path'],
      [4, 'tampered'],
      [2, 'repeated header'],
      [2, 'lowercase'],
    ]);
    switch (signing) {
      case 'valid': {
        headers['x-twilio-signature'] = signOrGarbage(target.path, serverParams).signature;
        break;
      }
      case 'none':
        break;
      case 'garbage':
        headers['x-twilio-signature'] = rng.pick(['', 'x', '====', 'A'.repeat(28), `${'A'.repeat(27)}=`, '\u00ff\u00fe', 'a'.repeat(5000), percentEncode(hostileString(rng, 1))]);
        break;
      case 'other path':
        headers['x-twilio-signature'] = signOrGarbage(target.path === '/twilio/sms' ? '/twilio/status' : '/twilio/sms', serverParams).signature;
        break;
      case 'tampered': {
        headers['x-twilio-signature'] = signOrGarbage(target.path, serverParams).signature;
        if (Buffer.isBuffer(payload)) payload = Buffer.concat([payload, Buffer.from('&Body=tampered')]);
        else if (typeof payload === 'string') payload = payload.replace(/"(?=[^"]*$)/, '-tampered"');
        break;
      }
      case 'repeated header': {
        const { signature } = signOrGarbage(target.path, serverParams);
        headers['x-twilio-signature'] = [signature, signature];
        break;
      }
      case 'lowercase':
        headers['x-twilio-signature'] = signOrGarbage(target.path, serverParams).signature.toLowerCase();
        break;
    }

    // Headers that must not matter to a webhook.
    if (rng.bool(0.05)) headers['cookie'] = admin.cookie;
    if (rng.bool(0.05)) headers['x-forwarded-proto'] = rng.pick(['http', 'https', 'gopher', '']);
    if (rng.bool(0.05)) headers['x-forwarded-host'] = rng.pick(['evil.example', 'centinela.example.org', '']);
    if (rng.bool(0.03)) headers['origin'] = 'https://evil.example';
    const method: Method = rng.bool(0.96) ? 'POST' : rng.pick(METHODS);
    // Labelled signed when the header carries exactly what the server will expect for the body as finally sent.
    const expected = signOrGarbage(target.path, paramsAsServerSees(headers['content-type'] as string | undefined, payload));
    const signed = expected.ok && headers['x-twilio-signature'] === expected.signature;
    return { index, phase: 'webhook', route: target.route, method, url: target.path, headers, payload: method === 'GET' || method === 'HEAD' ? undefined : payload, signed: signed && method === 'POST' };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Console API.

  const hostileId = (rng: Rng): string =>
    rng.weighted<() => string>([
      [4, () => percentEncode(hostileString(rng, 2))],
      [2, () => rng.pick(['x', '0', '-1', 'null', 'undefined', '..', '%2e%2e', '%2F', '%ZZ', '%', '%00', '01ARZ3NDEKTSV4RRFFQ69G5FAV', "1'%20OR%20'1'%3D'1", '%E2%80%AE'])],
      [1, () => 'A'.repeat(rng.pick([65, 1000, 20_000]))],
    ])();

  const idFrom = (rng: Rng, pool: string[]) => (pool.length > 0 && rng.bool(0.5) ? rng.pick(pool) : hostileId(rng));

  const queryString = (rng: Rng, keys: readonly string[]): string => {
    if (rng.bool(0.25)) return '';
    const valuesFor: Record<string, readonly string[]> = {
      limit: ['1', '100', '1000', '1001', '0', '-1', '1.5', '1e3', '0x10', 'NaN', 'Infinity', '-Infinity', ' 5', '', 'abc', '9'.repeat(400), '00001', '+5'],
      before: ['01ARZ3NDEKTSV4RRFFQ69G5FAV', '2024-01-01T00:00:00Z', '2024-02-30', '9999-12-31', '0000-00-00', '', 'x'.repeat(64), 'x'.repeat(65), 'NaN', '1e309'],
      status: ['new', 'verifying', 'confirmed', 'dismissed', 'resolved', 'expired', 'NEW', '', 'nope', '__proto__'],
      since: ['2024-01-01T00:00:00Z', '2024-01-01T00:00:00+14:00', '2024-02-30T00:00:00Z', '9999-12-31T23:59:59.999Z', '0000-01-01T00:00:00Z', '2024-01-01', 'yesterday', '', 'NaN'],
      unplaced: ['true', 'false', 'TRUE', '1', '', 'yes'],
    };
    const parts: string[] = [];
    const count = rng.int(1, 4);
    for (let i = 0; i < count; i++) {
      const key = rng.bool(0.85) ? rng.pick(keys) : rng.pick(['limit[]', 'limit[a]', '__proto__', 'constructor', percentEncode(hostileString(rng, 1)), '']);
      const name = key.replace(/\[.*$/, '');
      const known = Object.hasOwn(valuesFor, name) ? valuesFor[name] : undefined;
      const value = known && rng.bool(0.75) ? rng.pick(known) : hostileString(rng, 1);
      parts.push(`${rng.bool(0.9) ? percentEncode(key) : key}=${rng.bool(0.85) ? percentEncode(value) : rng.pick(['%ZZ', '%', '%C0%AF', '%ED%A0%80', '%00', '+', '%2B'])}`);
    }
    return `?${parts.join('&')}`;
  };

  const committeeBody = (rng: Rng): unknown =>
    rng.pick([
      { name: 'Fuzz committee', area: { type: 'zips', zips: ['94110', '94601'] } },
      { name: 'Fuzz circle', area: { type: 'circle', center: { lat: 37.76, lng: -122.41 }, radiusMeters: 1500 }, autoApprove: true },
      {
        name: 'Fuzz polygon',
        area: { type: 'polygon', geojson: { type: 'Polygon', coordinates: [[[-122.42, 37.75], [-122.4, 37.75], [-122.4, 37.77], [-122.42, 37.75]]] } },
      },
      {
        name: 'Fuzz multi',
        area: { type: 'polygon', geojson: { type: 'MultiPolygon', coordinates: [[[[-122.42, 37.75], [-122.4, 37.75], [-122.4, 37.77], [-122.42, 37.75]]]] } },
      },
      { name: 'Fuzz many zips', area: { type: 'zips', zips: Array.from({ length: rng.pick([2000, 2001, 7000]) }, () => '94110') } },
    ]);

  interface ApiRoute {
    weight: number;
    method: Method;
    route: string;
    url: (rng: Rng) => string;
    body?: (rng: Rng) => unknown;
  }

  const API_ROUTES: readonly ApiRoute[] = [
    {
      // Light: every well-formed attempt costs an argon2 verification (~0.1-0.4 s), until the throttle answers 429.
      weight: 1,
      method: 'POST',
      route: '/api/session',
      url: () => '/api/session',
      body: (rng) => ({ email: rng.pick(['fuzz@example.org', 'nobody@example.org', 'ADMIN@example.org']), password: rng.pick(['x', 'correct horse battery staple', 'p'.repeat(1024)]) }),
    },
    { weight: 1, method: 'DELETE', route: '/api/session', url: () => '/api/session' },
    { weight: 1, method: 'GET', route: '/api/health', url: (rng) => `/api/health${queryString(rng, ['limit'])}` },
    { weight: 2, method: 'GET', route: '/api/committees', url: (rng) => `/api/committees${queryString(rng, ['limit', 'before'])}` },
    { weight: 5, method: 'POST', route: '/api/committees', url: () => '/api/committees', body: committeeBody },
    { weight: 2, method: 'GET', route: '/api/committees/:id', url: (rng) => `/api/committees/${idFrom(rng, pools.committees)}` },
    { weight: 2, method: 'GET', route: '/api/committees/:id/members', url: (rng) => `/api/committees/${idFrom(rng, pools.committees)}/members` },
    {
      weight: 5,
      method: 'PATCH',
      route: '/api/members/:id',
      url: (rng) => `/api/members/${idFrom(rng, pools.members)}`,
      body: (rng) => rng.pick([{ status: 'active' }, { status: 'removed' }, { role: 'verifier' }, { role: 'coordinator', status: 'pending' }, { zip: '94601' }, { zip: null }, { zip: '00000' }]),
    },
    { weight: 5, method: 'GET', route: '/api/reports', url: (rng) => `/api/reports${queryString(rng, ['limit', 'before', 'since', 'unplaced'])}` },
    { weight: 5, method: 'GET', route: '/api/incidents', url: (rng) => `/api/incidents${queryString(rng, ['limit', 'before', 'status'])}` },
    { weight: 2, method: 'GET', route: '/api/incidents/:id', url: (rng) => `/api/incidents/${idFrom(rng, pools.incidents)}` },
    ...(['confirm', 'dismiss', 'resolve'] as const).map(
      (action): ApiRoute => ({ weight: 2, method: 'POST', route: `/api/incidents/:id/${action}`, url: (rng) => `/api/incidents/${idFrom(rng, pools.incidents)}/${action}`, body: () => ({}) }),
    ),
    { weight: 1, method: 'POST', route: '/api/sending/resume', url: () => '/api/sending/resume', body: () => ({}) },
    { weight: 1, method: 'GET', route: '/api/flood', url: () => '/api/flood' },
    { weight: 1, method: 'POST', route: '/api/flood/clear', url: () => '/api/flood/clear', body: () => ({}) },
    { weight: 1, method: 'GET', route: '/api/events', url: (rng) => `/api/events${queryString(rng, ['since'])}` },
    { weight: 1, method: 'GET', route: '/api/dev/outbox', url: (rng) => `/api/dev/outbox${queryString(rng, ['limit'])}` },
    {
      weight: 2,
      method: 'GET',
      route: '(unknown path)',
      url: (rng) =>
        rng.pick([
          '/api',
          '/api/',
          '/api//committees',
          '/api/committees/',
          '/API/committees',
          '/api/committees/..%2F..%2Ftwilio%2Fsms',
          '/api/%ZZ',
          '/api/incidents/x/confirm/extra',
          '/api/incidents//confirm',
          '/api/members',
          '/api/%E2%80%AE',
          '/api/health%00',
          `/api/${percentEncode(hostileString(rng, 1))}`,
        ]),
    },
  ];

  /** Would this request reach the live-events stream (which never ends by design, so inject would wait forever)? */
  const reachesEventStream = (method: Method, url: string) =>
    (method === 'GET' || method === 'HEAD') && (url.split('?')[0] ?? '').replace(/\/+$/, '') === '/api/events';

  function apiProbe(rng: Rng, index: number): Probe {
    const route = rng.weighted(API_ROUTES.map((r) => [r.weight, r] as const));
    const method: Method = rng.bool(0.75) ? route.method : rng.pick(METHODS);
    const url = route.url(rng);
    const headers: Record<string, string | string[]> = {};

    const auth = rng.weighted<string>([
      [78, 'session'],
      [10, 'none'],
      [8, 'garbage'],
      [4, 'mangled header'],
    ]);
    const realCookie = auth === 'session' && !(route.route === '/api/session' && method === 'DELETE') && !reachesEventStream(method, url);
    if (realCookie) headers['cookie'] = admin.cookie;
    else if (auth === 'garbage') headers['cookie'] = `centinela_session=${percentEncode(hostileString(rng, 2))}`;
    else if (auth === 'mangled header') headers['cookie'] = rng.pick(['centinela_session', 'centinela_session=; centinela_session=x', '=;=;', '\u00ff', `${admin.cookie}x`, `a=${'b'.repeat(8000)}`]);

    const origin = rng.weighted<string | null>([
      [80, null],
      [8, 'https://evil.example'],
      [5, PUBLIC_URL],
      [3, 'null'],
      [2, `${PUBLIC_URL}.evil.example`],
      [2, 'HTTPS://CENTINELA.EXAMPLE.ORG'],
    ]);
    if (origin !== null) headers['origin'] = origin;

    let payload: string | undefined;
    if (method !== 'GET' && method !== 'HEAD') {
      const type = rng.weighted<string | null>([
        [40, 'application/json'],
        [3, 'application/json; charset=utf-8'],
        [2, 'Application/JSON'],
        [1, 'application/json; charset=utf-16'],
        [2, FORM],
        [2, 'text/plain'],
        [1, 'multipart/form-data; boundary=x'],
        [1, 'application/jsonx'],
        [1, 'application/vnd.api+json'],
        [1, 'application/json, text/html'],
        [2, null],
      ]);
      if (type !== null) headers['content-type'] = type;
      const template: unknown = route.body ? route.body(rng) : {};
      const shape = rng.weighted<string>([
        [3, 'template'],
        [6, 'mutated'],
        [2, 'hostile'],
        [2, 'odd text'],
        [1, 'huge'],
        [1, 'empty'],
      ]);
      switch (shape) {
        case 'template':
          payload = JSON.stringify(template);
          break;
        case 'mutated': {
          let value = template;
          for (let i = rng.int(1, 3); i > 0; i--) value = mutateJson(rng, value);
          payload = JSON.stringify(value) ?? 'null';
          break;
        }
        case 'hostile':
          payload = JSON.stringify(hostileJson(rng, 4)) ?? 'null';
          break;
        case 'odd text':
          payload = oddJsonText(rng, JSON.stringify(template));
          break;
        case 'huge':
          payload = JSON.stringify(
            rng.bool()
              ? { ...(template as object), padding: hugeString(rng, rng.pick([BODY_LIMIT - 500, BODY_LIMIT + 100])) }
              : { ...(template as object), items: Array.from({ length: rng.pick([5000, 30_000]) }, () => rng.pick([0, '94110', null, {}])) },
          );
          break;
        case 'empty':
          payload = '';
          break;
      }
    }
    return { index, phase: 'api', route: route.route, method, url, headers, payload };
  }

  // ---------------------------------------------------------------------------------------------------------------

  it(`survives ${WEBHOOK_REQUESTS} hostile webhook requests`, async () => {
    const rng = new Rng(SEED);
    const started = Date.now();
    const changesAtStart = totalChangesStatement();
    for (let i = 0; i < WEBHOOK_REQUESTS; i++) await send(webhookProbe(rng, i));
    // The write detector is live: the accepted reports did register as changes.
    expect(totalChangesStatement()).toBeGreaterThan(changesAtStart);
    const signedHandled = [...statuses].filter(([key]) => key.startsWith('signed POST /twilio/') && / → 200$/.test(key)).reduce((sum, [, n]) => sum + n, 0);
    console.info(`fuzz webhooks: seed ${SEED}, ${WEBHOOK_REQUESTS} requests in ${Date.now() - started} ms, ${signedHandled} signed ones answered 200`);
    expect(failures.length, report()).toBe(0);
    // The fuzz must get past the signature check, or it only ever tests the 403 path.
    expect(signedHandled, `seed ${SEED}: too few signed webhooks reached a handler`).toBeGreaterThan(WEBHOOK_REQUESTS * 0.2);
  }, 120_000);

  it(`survives ${API_REQUESTS} hostile console API requests`, async () => {
    const rng = new Rng(SEED ^ 0x9e3779b9);
    const started = Date.now();
    const from = failures.length;
    for (let i = 0; i < API_REQUESTS; i++) await send(apiProbe(rng, i));
    const handled = [...statuses].filter(([key]) => key.includes('/api/') && / → 2\d\d$/.test(key)).reduce((sum, [, n]) => sum + n, 0);
    console.info(`fuzz API: seed ${SEED}, ${API_REQUESTS} requests in ${Date.now() - started} ms, ${handled} answered 2xx`);
    expect(failures.length - from, report()).toBe(0);
    expect(handled, `seed ${SEED}: too few API requests got past validation`).toBeGreaterThan(API_REQUESTS * 0.1);
  }, 120_000);

  it('is still alive and sane afterwards: health, no prototype pollution, workers digest the backlog, a normal report works', async () => {
    const summary = [...statuses].sort(([a], [b]) => a.localeCompare(b)).map(([key, n]) => `${String(n).padStart(5)}  ${key}`);
    console.info(`fuzz status counts (seed ${SEED}):\n${summary.join('\n')}`);
    console.info(`fuzz slowest requests:\n${slowest.map(({ ms, probe, status }) => `  ${Math.round(ms)} ms → ${status}: ${describeProbe(probe)}`).join('\n')}`);

    expect(Object.getOwnPropertyNames(Object.prototype).sort().join(','), 'Object.prototype was polluted').toBe(prototypeBefore);
    expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();

    const health = await system.app.inject({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(200);
    expect((await admin.get('/api/committees')).statusCode).toBe(200);
    expect(db().prepare('pragma integrity_check').get()).toEqual({ integrity_check: 'ok' });

    // Every hostile report, status callback and recording the fuzz got accepted is now processed by real workers:
    // none may make a report or alert job fail.
    const workerLogsFrom = system.logLines.length;
    laterWorkers = await startWorkers(system.deps);
    await system.idle(90_000);
    const failed = async (queue: { name: string; getFailed(start: number, end: number): Promise<Array<{ id?: string; failedReason: string; data: unknown }>> }) =>
      (await queue.getFailed(0, 4)).map((job) => `${queue.name} job ${job.id}: ${job.failedReason} ${JSON.stringify(job.data).slice(0, 300)}`);
    // Failed jobs are kept (a bounded number): any job of any queue that gave up fails the fuzz.
    const { reports, alerts, send, maintenance } = system.deps.queues;
    const failedJobs = (await Promise.all([reports, alerts, send, maintenance].map(failed))).flat();
    expect(failedJobs, `seed ${SEED}`).toEqual([]);
    expect((await admin.get('/api/health')).json().failedJobs, `seed ${SEED}`).toBe(0);

    const reportsBefore = (db().prepare('select count(*) as n from reports').get() as { n: number }).n;
    const reply = await system.sms('+14155559901', 'ICE agents at 24th and Mission 94110');
    expect(reply.statusCode).toBe(200);
    expect(twimlText(reply.body)).not.toBe('');
    await system.idle();
    expect((db().prepare('select count(*) as n from reports').get() as { n: number }).n).toBe(reportsBefore + 1);
    const [newest] = (await admin.get('/api/reports?limit=1')).json() as Array<{ text: string; location: unknown }>;
    expect(newest?.text).toBe('ICE agents at 24th and Mission 94110');
    expect(newest?.location).not.toBeNull();

    // Errors during the fuzz itself are reported per request above; these are the workers'.
    const errors = errorLogSince(workerLogsFrom).filter((line) => !DESIGNED_ALARMS.test(line));
    expect(errors.slice(0, 5).map(summarizeLogLine), `seed ${SEED}: the workers logged errors`).toEqual([]);
  }, 120_000);
});
