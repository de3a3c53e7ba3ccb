// Fan-out bench: N members in one committee, one placed incident, a dispatcher confirms it; how long until the
// provider (the fake Twilio, in a child process) has all N alerts, and can a configured send rate be held?
//
//   tsx scripts/bench/fanout.ts                        both scenarios: 10,000 unlimited, 1,500 at 100/s
//   tsx scripts/bench/fanout.ts --members 5000 --rate 0 [--runs 3] [--db-dir /dev/shm] [--env KEY=VALUE]
//                               [--profile out.cpuprofile] [--dump times.jsonl]
//   tsx scripts/bench/fanout.ts --members 10000 --runs 10   release → first alert: median and p95 over the runs
//
// Unlimited runs are each preceded by the raw twilio SDK sending as many messages to the same fake (the yardstick
// of the hand-off rate, printed as a third table).
//
// --profile records a CPU profile of this process from the confirm until the last alert is accepted (summarise it
// with profile-summary.ts); --db-dir puts the SQLite file elsewhere, e.g. on tmpfs to take the disk out;
// --env sets anything else for the system; --dump appends each run's acceptance times (ms since the epoch) as a
// JSON line, for a closer look.
import { appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Worker } from 'bullmq';
import twilio from 'twilio';
import { inTransaction } from '../../src/db/client.js';
import type { Deps } from '../../src/deps.js';
import { incidentCode, inviteCode } from '../../src/domain/codes.js';
import { zipCentroid } from '../../src/geo/zips.js';
import { QUEUES } from '../../src/queue/names.js';
import { confirmIncident } from '../../src/services/incidents.js';
import { type RemoteFakeTwilio, startRemoteFakeTwilio } from './fake-twilio-client.js';
import {
  AUTH_TOKEN,
  fixed,
  flag,
  FROM_NUMBER,
  machineBusy,
  numberFlag,
  percent,
  percentile,
  printTable,
  PUBLIC_URL,
  seededRandom,
  startBenchSystem,
  startProfiler,
  waitForQueueIdle,
  watchMachine,
} from './support.js';

interface Scenario {
  members: number;
  /** SMS_RATE_PER_SECOND; 0 means no limiter. */
  rate: number;
}

const INCIDENT_ZIP = '94110';
const TARGET_UNLIMITED_SECONDS = 10; // 10,000 alerts handed over in under 10 s
const TARGET_RATE_TOLERANCE = 0.05; // a configured rate held within 5%
// Release → first alert handed to the provider, with 10,000 members (issue #9, "Speed").
const TARGET_FIRST_MEDIAN_MS = 100;
const TARGET_FIRST_P95_MS = 300;
// Fan-out hand-off at least this share of the raw twilio SDK's rate to the same server, side by side (issue #9).
const TARGET_VERSUS_RAW = 0.8;

async function main(): Promise<void> {
  const runs = numberFlag('runs', 1);
  const fake = await startRemoteFakeTwilio();
  const rows: Record<string, string | number>[] = [];
  const firsts: Record<string, string | number>[] = [];
  const versusRaw: Record<string, string | number>[] = [];
  try {
    for (const scenario of scenarios()) {
      const firstMs: number[] = [];
      const ratios: Array<{ raw: number; system: number }> = [];
      // Both sides warmed up once, uncounted: the raw SDK by 2,000 messages, the system by a fan-out to 2,000.
      if (scenario.rate === 0) {
        await rawSdkRate(fake, 2000);
        await runScenario(fake, { members: 2000, rate: 0 });
        await fake.reset();
      }
      for (let run = 1; run <= runs; run++) {
        // Side by side: the raw SDK sends as many messages to the same fake just before each fan-out.
        const raw = scenario.rate === 0 ? await rawSdkRate(fake, scenario.members) : Number.NaN;
        const result = await runScenario(fake, scenario);
        rows.push(row(scenario, result));
        firstMs.push(result.latencies[0] ?? Number.NaN);
        if (scenario.rate === 0) ratios.push({ raw, system: scenario.members / ((result.latencies.at(-1) ?? Number.NaN) / 1000) });
        const dump = flag('dump');
        if (dump) appendFileSync(dump, `${JSON.stringify({ ...scenario, acceptedAt: result.acceptedAt })}\n`);
        await fake.reset();
      }
      firsts.push(firstRow(scenario, firstMs));
      if (ratios.length > 0) versusRaw.push(rawRow(scenario, ratios));
    }
  } finally {
    await fake.close();
  }
  console.log('');
  printTable(rows);
  console.log('');
  printTable(firsts);
  if (versusRaw.length > 0) {
    console.log('');
    printTable(versusRaw);
  }
}

/** Raw SDK calls in flight at once: as many as the send worker keeps (send-pacing.ts). */
const RAW_IN_FLIGHT = 50;

/**
 * The yardstick: the twilio SDK alone, configured as the provider configures it, sending `count` messages with the
 * same parameters to the same fake from this process, RAW_IN_FLIGHT at a time. Messages per second.
 */
async function rawSdkRate(fake: RemoteFakeTwilio, count: number): Promise<number> {
  const client = twilio(fake.accountSid, AUTH_TOKEN, { env: {}, timeout: 10_000, autoRetry: false, keepAlive: true });
  client.api.baseUrl = fake.url;
  const body = 'ALERTA: redada en lugar de trabajo, 2400 block of Mission St. Codigo K28P. Responde 1 si vas, 2 si no puedes.';
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: RAW_IN_FLIGHT }, async () => {
      for (let i = next++; i < count; i = next++) {
        const to = `+1628${String(2_000_000 + i)}`;
        await client.messages.create({ from: FROM_NUMBER, to, body, statusCallback: `${PUBLIC_URL}/twilio/status`, validityPeriod: 3600 });
      }
    }),
  );
  const rate = count / ((performance.now() - start) / 1000);
  await fake.reset();
  return rate;
}

/** Fan-out hand-off (release → last alert accepted) against the raw SDK's rate in the same run. */
function rawRow(scenario: Scenario, runs: Array<{ raw: number; system: number }>): Record<string, string | number> {
  const ratios = runs.map((r) => r.system / r.raw).sort((a, b) => a - b);
  const median = percentile(ratios, 50);
  return {
    members: scenario.members,
    runs: runs.length,
    'raw SDK msgs/s (each run)': runs.map((r) => fixed(r.raw, 0)).join(', '),
    'fan-out msgs/s (each run)': runs.map((r) => fixed(r.system, 0)).join(', '),
    'ratio (each run)': runs.map((r) => fixed(r.system / r.raw, 2)).join(', '),
    'median ratio': fixed(median, 2),
    target: median >= TARGET_VERSUS_RAW ? 'met' : 'MISSED',
  };
}

/** Release (the confirm call) → first alert accepted by the provider, over all runs of a scenario. */
function firstRow(scenario: Scenario, firstMs: number[]): Record<string, string | number> {
  const sorted = [...firstMs].sort((a, b) => a - b);
  const median = percentile(sorted, 50);
  const p95 = percentile(sorted, 95);
  const applies = scenario.rate === 0 && scenario.members === 10_000;
  return {
    members: scenario.members,
    'rate limit': scenario.rate > 0 ? `${scenario.rate}/s` : 'none',
    runs: sorted.length,
    'release → first ms (each run)': firstMs.join(', '),
    'median ms': fixed(median, 0),
    'p95 ms': fixed(p95, 0),
    target: applies ? (median < TARGET_FIRST_MEDIAN_MS && p95 < TARGET_FIRST_P95_MS ? 'met' : 'MISSED') : '(10,000 members, no limit)',
  };
}

const DEFAULT_SCENARIOS: Scenario[] = [
  { members: 10_000, rate: 0 },
  { members: 1_500, rate: 100 },
];

/** Both scenarios by default; one when --members or --rate is given (members default to that rate's scenario). */
function scenarios(): Scenario[] {
  if (flag('members') === undefined && flag('rate') === undefined) return DEFAULT_SCENARIOS;
  const rate = numberFlag('rate', 0);
  const members = DEFAULT_SCENARIOS.find((s) => (s.rate > 0) === (rate > 0))?.members ?? 10_000;
  return [{ members: numberFlag('members', members), rate }];
}

interface Result {
  /** Cores other processes (not the bench, its children or Redis) used during the run: ≈0 for a clean run. */
  others: number;
  seedMs: number;
  confirmMs: number;
  /** Alert job start until its first chunk's send jobs are requested: recipients, texts, the first ledger rows. */
  planMs: number;
  /** Alert job start until its last chunk's send jobs are queued: the whole plan written and queued. */
  planAllMs: number;
  /** The addBulks of N send jobs, summed over the chunks. */
  enqueueMs: number;
  /** How many addBulks (chunks). */
  chunks: number;
  /** Per message, from the confirm call to the fake accepting it, ascending. */
  latencies: number[];
  /** When the fake accepted each message, ascending. */
  acceptedAt: number[];
  distinctRecipients: number;
  ledgerSent: number;
}

async function runScenario(fake: RemoteFakeTwilio, scenario: Scenario): Promise<Result> {
  const before = await machineBusy();
  console.log(`fan-out: ${scenario.members} members, SMS_RATE_PER_SECOND=${scenario.rate} (machine ${percent(before)} busy before) …`);
  const system = await startBenchSystem({
    SMS_RATE_PER_SECOND: String(scenario.rate),
    TWILIO_ACCOUNT_SID: fake.accountSid,
    TWILIO_API_BASE_URL: fake.url,
    // Longer than a whole run: a slow answer must show up as latency, not as a retry.
    ALERT_VALIDITY_SECONDS: '3600',
  });
  try {
    const { deps } = system;
    const seedStart = Date.now();
    const { incidentId, userId } = seed(deps, scenario.members);
    const seedMs = Date.now() - seedStart;
    const phases = watchPhases(deps, system.workers?.all ?? []);

    const sendingMs = scenario.rate > 0 ? (scenario.members / scenario.rate) * 1000 : 0;
    const sent = fake.waitForSent(scenario.members, 120_000 + sendingMs * 1.5);
    const machine = watchMachine();
    const profiler = await startProfiler(flag('profile'));
    const confirmStart = Date.now();
    const outcome = await confirmIncident(deps, incidentId, userId);
    const confirmMs = Date.now() - confirmStart;
    if (outcome.result !== 'done') throw new Error(`confirm answered ${outcome.result}`);
    const answer = await sent;
    await profiler.stop();
    const { others } = machine.stop();

    // The ledger is written after the provider answers: let the last markSent land before counting.
    await waitForQueueIdle(deps, 'send', 30_000);
    const ledgerSent = deps.repos.messages.countsByStatus(incidentId)['alert']?.sent ?? 0;
    const acceptedAt = [...answer.createdAt].sort((a, b) => a - b);
    return {
      others,
      seedMs,
      confirmMs,
      planMs: phases.planMs(),
      planAllMs: phases.planAllMs(),
      enqueueMs: phases.enqueueMs(),
      chunks: phases.chunks(),
      latencies: acceptedAt.map((t) => t - confirmStart),
      acceptedAt,
      distinctRecipients: answer.distinctRecipients,
      ledgerSent,
    };
  } finally {
    await system.close();
  }
}

/** One committee around a ZIP, `count` active members spread within ~8 km, one placed incident, one dispatcher. */
function seed(deps: Deps, count: number): { incidentId: string; userId: string } {
  const center = zipCentroid(INCIDENT_ZIP);
  if (!center) throw new Error(`ZIP ${INCIDENT_ZIP} is not in the gazetteer`);
  const now = Date.now();
  const random = seededRandom(42);
  return inTransaction(deps.db, () => {
    const { repos } = deps;
    const committee = repos.committees.create(
      { name: 'Bench committee', area: { type: 'circle', center, radiusMeters: 20_000 }, inviteCode: inviteCode(), autoApprove: true },
      now,
    );
    for (let i = 0; i < count; i++) {
      const { contact } = repos.contacts.findOrCreate(`+1415${String(2_000_000 + i)}`, now, true);
      // A third of the members read Spanish: the broadcast composes one text per language.
      if (i % 3 === 0) repos.contacts.setLocale(contact.id, 'es', true);
      const lat = center.lat + (random() - 0.5) * 0.15;
      const lng = center.lng + (random() - 0.5) * 0.15;
      repos.committees.addMember({ committeeId: committee.id, contactId: contact.id, status: 'active', zip: INCIDENT_ZIP, lat, lng, note: null }, now);
    }
    const incident = repos.incidents.insert(
      {
        code: incidentCode(),
        status: 'new',
        kind: 'worksite',
        lat: center.lat,
        lng: center.lng,
        label: `ZIP ${INCIDENT_ZIP}`,
        precision: 'zip',
        zip: INCIDENT_ZIP,
        firstReportedAt: now,
        lastReportedAt: now,
      },
      now,
    );
    const user = repos.users.create({ email: 'bench-dispatcher@example.org', passwordHash: 'not-used', role: 'dispatcher' }, now);
    return { incidentId: incident.id, userId: user.id };
  });
}

/**
 * Times the broadcast from the outside: the alerts worker's 'active' event marks the start, and a wrapper around
 * deps.queues.sendMessages (which runBroadcast calls once per chunk of ledger rows written) the rest.
 */
function watchPhases(
  deps: Deps,
  workers: Worker[],
): { planMs(): number; planAllMs(): number; enqueueMs(): number; chunks(): number } {
  const alerts = workers.find((w) => w.name === QUEUES.alerts);
  let activeAt = Number.NaN;
  let firstEnqueueStart = Number.NaN;
  let lastEnqueueEnd = Number.NaN;
  let enqueueMs = 0;
  let chunks = 0;
  alerts?.once('active', () => {
    activeAt = Date.now();
  });
  const original = deps.queues.sendMessages;
  deps.queues.sendMessages = async (ids) => {
    const start = Date.now();
    if (chunks++ === 0) firstEnqueueStart = start;
    try {
      return await original(ids);
    } finally {
      lastEnqueueEnd = Date.now();
      enqueueMs += lastEnqueueEnd - start;
    }
  };
  return {
    planMs: () => firstEnqueueStart - activeAt,
    planAllMs: () => lastEnqueueEnd - activeAt,
    enqueueMs: () => enqueueMs,
    chunks: () => chunks,
  };
}

/**
 * The sustained rate after the first second (start-up), from the fake's timestamps: the least-squares slope of
 * messages over time. Sends come in bursts (up to the send worker's concurrency at once), so a first-to-last
 * quotient would swing with where the window's ends cut a burst; the slope does not.
 */
function steadyRate(acceptedAt: number[]): number {
  const first = acceptedAt[0] ?? 0;
  const window = acceptedAt.filter((t) => t >= first + 1000);
  if (window.length < 2) return Number.NaN;
  const meanT = window.reduce((a, t) => a + t, 0) / window.length;
  const meanI = (window.length - 1) / 2;
  let covariance = 0;
  let variance = 0;
  window.forEach((t, i) => {
    covariance += (t - meanT) * (i - meanI);
    variance += (t - meanT) ** 2;
  });
  return variance > 0 ? (covariance / variance) * 1000 : Number.NaN;
}

/** The most messages accepted within one 100 ms slice: how bursty "N per second" is underneath. */
function largestBurst(acceptedAt: number[]): number {
  const first = acceptedAt[0] ?? 0;
  const slices = new Map<number, number>();
  for (const t of acceptedAt) {
    const slice = Math.floor((t - first) / 100);
    slices.set(slice, (slices.get(slice) ?? 0) + 1);
  }
  return Math.max(0, ...slices.values());
}

function row(scenario: Scenario, r: Result): Record<string, string | number> {
  const n = scenario.members;
  const totalS = (r.latencies.at(-1) ?? Number.NaN) / 1000;
  const firstS = (r.latencies[0] ?? Number.NaN) / 1000;
  const sendPhaseS = ((r.acceptedAt.at(-1) ?? 0) - (r.acceptedAt[0] ?? 0)) / 1000;
  const steady = steadyRate(r.acceptedAt);
  const complete = r.distinctRecipients === n && r.ledgerSent === n;
  const target =
    scenario.rate > 0
      ? Math.abs(steady - scenario.rate) <= scenario.rate * TARGET_RATE_TOLERANCE
      : totalS < (TARGET_UNLIMITED_SECONDS * n) / 10_000;
  return {
    'others (cores)': fixed(r.others, 2),
    members: n,
    'rate limit': scenario.rate > 0 ? `${scenario.rate}/s` : 'none',
    'seed s': fixed(r.seedMs / 1000),
    'confirm ms': r.confirmMs,
    'first chunk s': fixed(r.planMs / 1000, 2),
    'plan+queue all s': fixed(r.planAllMs / 1000, 2),
    chunks: r.chunks,
    'enqueue s': fixed(r.enqueueMs / 1000, 2),
    'first msg s': fixed(firstS, 2),
    'all sent s': fixed(totalS, 2),
    'msgs/s': fixed(n / totalS, 0),
    'send-phase msgs/s': fixed((n - 1) / sendPhaseS, 0),
    'steady msgs/s': fixed(steady, 1),
    'max per 100 ms': largestBurst(r.acceptedAt),
    'p50 s': fixed(percentile(r.latencies, 50) / 1000, 2),
    'p99 s': fixed(percentile(r.latencies, 99) / 1000, 2),
    complete: complete ? 'yes' : `NO (${r.distinctRecipients} to, ${r.ledgerSent} sent rows)`,
    target: target ? 'met' : 'MISSED',
  };
}

await main();
