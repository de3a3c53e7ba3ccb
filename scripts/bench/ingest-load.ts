// The load side of the ingest bench, in a child process so that building, signing and timing requests does not
// take CPU from the web role. Runs autocannon with the plan it is sent over IPC and answers with the result.
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
import twilio from 'twilio';

export interface LoadPlan {
  type: 'run';
  url: string;
  /** What the server signs against: PUBLIC_URL + path. */
  signedUrl: string;
  authToken: string;
  accountSid: string;
  to: string;
  rate: number;
  seconds: number;
  connections: number;
  /** Seconds of the same load first, not measured: a server in service is warm. */
  warmupSeconds: number;
  arrival: 'spread' | 'burst';
}

export type LoadReply =
  | {
      type: 'result';
      /** Every 2xx response time in ms, as measured by autocannon (hrtime), ascending. */
      latencies: number[];
      responses: number;
      non2xx: number;
      /** Responses by HTTP status. */
      statusCodes: Record<string, number>;
      errors: number;
      timeouts: number;
    }
  | { type: 'error'; message: string };

// autocannon ships no types; this is the part of its API used here.
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
}
interface AutocannonResult {
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
  requests: { total: number };
}
type Autocannon = (options: Record<string, unknown>) => EventEmitter & PromiseLike<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

// Raid reports as people send them: a place, a ZIP, what they see; English and Spanish.
const TEMPLATES = [
  'ICE agents at the car wash on Mission, {zip}, three vans',
  'Migra en la escuela primaria del {zip}, dos camionetas blancas',
  'ICE van outside the apartments near {zip}, agents knocking on doors',
  'Agentes de inmigración en la fábrica cerca del {zip}, están deteniendo gente',
  'Unmarked cars and agents in vests at the bus stop, {zip}',
  'Hay un retén en la salida de la autopista por el {zip}, muchos carros',
];
const ZIPS = ['94110', '90011', '60623', '10032', '33125', '77036', '85009', '78207', '11368', '95116', '92105', '30340'];

let counter = 0;

/** A fresh inbound SMS webhook: unique MessageSid and From, signed the way Twilio signs it. */
function inboundRequest(plan: LoadPlan): AutocannonRequest {
  const n = counter++;
  const sid = `SM${process.pid.toString(16).padStart(8, '0')}${n.toString(16).padStart(24, '0')}`;
  const params: Record<string, string> = {
    ToCountry: 'US',
    ToState: 'CA',
    SmsMessageSid: sid,
    NumMedia: '0',
    ToCity: 'SAN FRANCISCO',
    FromZip: '94110',
    SmsSid: sid,
    FromState: 'CA',
    SmsStatus: 'received',
    FromCity: 'SAN FRANCISCO',
    Body: TEMPLATES[n % TEMPLATES.length]!.replace('{zip}', ZIPS[n % ZIPS.length]!),
    FromCountry: 'US',
    To: plan.to,
    ToZip: '94103',
    NumSegments: '1',
    MessageSid: sid,
    AccountSid: plan.accountSid,
    From: `+1628${String(2_000_000 + n)}`,
    ApiVersion: '2010-04-01',
  };
  return {
    method: 'POST',
    path: '/twilio/sms',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(plan.authToken, plan.signedUrl, params),
    },
    body: new URLSearchParams(params).toString(),
  };
}

function withOwn(base: AutocannonRequest, own: AutocannonRequest): AutocannonRequest {
  return { ...base, ...own, headers: { ...base.headers, ...own.headers } };
}

/** One autocannon instance: `connections` connections sharing `rate` requests a second, starting after `delayMs`. */
interface Share {
  connections: number;
  rate: number;
  delayMs: number;
}

/**
 * autocannon's own rate limit lets every connection send its share back to back at the top of each second, all
 * connections together. 'burst' keeps that (one instance); 'spread' gives each connection an instance of its own
 * and starts them 1000/connections ms apart, so arrivals are spread over the second the way independent
 * webhooks arrive (evenly, when connections = rate).
 */
function shares(plan: LoadPlan): Share[] {
  if (plan.arrival === 'burst') return [{ connections: plan.connections, rate: plan.rate, delayMs: 0 }];
  const n = Math.min(plan.connections, plan.rate);
  return Array.from({ length: n }, (_, i) => ({
    connections: 1,
    rate: Math.floor(plan.rate / n) + (i < plan.rate % n ? 1 : 0),
    delayMs: (i * 1000) / n,
  }));
}

async function runShare(plan: LoadPlan, share: Share, latencies: number[]): Promise<AutocannonResult> {
  await new Promise((resolve) => setTimeout(resolve, share.delayMs));
  const instance = autocannon({
    url: plan.url,
    connections: share.connections,
    overallRate: share.rate,
    duration: plan.seconds,
    ...(plan.warmupSeconds > 0 ? { warmup: { duration: plan.warmupSeconds } } : {}),
    // autocannon's correction assumes an expected interval of ceil(1/rate) = 1 ms below 1,000 req/s per
    // connection, which invents samples; raw response times are recorded instead.
    ignoreCoordinatedOmission: true,
    // Keeps autocannon's own fields (host, port) and replaces what makes each request unique.
    requests: [{ setupRequest: (request: AutocannonRequest) => withOwn(request, inboundRequest(plan)) }],
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  return instance;
}

async function run(plan: LoadPlan): Promise<LoadReply> {
  const latencies: number[] = [];
  const results = await Promise.all(shares(plan).map((share) => runShare(plan, share, latencies)));
  const sum = (pick: (r: AutocannonResult) => number) => results.reduce((total, r) => total + pick(r), 0);
  const statusCodes: Record<string, number> = {};
  for (const r of results) for (const [code, s] of Object.entries(r.statusCodeStats)) statusCodes[code] = (statusCodes[code] ?? 0) + s.count;
  return {
    type: 'result',
    latencies: latencies.sort((a, b) => a - b),
    responses: sum((r) => r.requests.total),
    non2xx: sum((r) => r.non2xx),
    statusCodes,
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
  };
}

// One plan per process. The child stays until the bench lets go of it (so the bench can still count its CPU).
let started = false;
process.on('message', (plan: LoadPlan) => {
  if (started) return;
  started = true;
  void run(plan)
    .catch((error: Error): LoadReply => ({ type: 'error', message: error.message }))
    .then((reply) => process.send?.(reply));
});
process.on('disconnect', () => process.exit(0));
