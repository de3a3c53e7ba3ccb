// Purge bench: how webhooks fare while the retention purge deletes a backlog of old rows.
//
//   tsx scripts/bench/purge.ts [--rows 100000] [--rate 100] [--warmup 3] [--runs 1] [--split] [--db-dir DIR]
//                              [--env KEY=VALUE]
//
// Seeds --rows rows older than RETENTION_DAYS (incidents with their reports, MessageSid records, alerts, timeline
// and answers), starts the web role on a real port with the workers beside it (or, with --split, in a process of
// their own), sends signed inbound-SMS webhooks at --rate per second from a child process, and after --warmup
// seconds runs the maintenance job, whose purge deletes the backlog. Webhook latency is reported for the requests
// sent while the purge ran, and for those sent before it.
import type { ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { Job } from 'bullmq';
import { buildApp } from '../../src/app.js';
import type { Deps } from '../../src/deps.js';
import { contacts, inboundMessages, incidentEvents, incidents, outgoingMessages, reports, responses } from '../../src/db/schema.js';
import type { PurgeLoadPlan, PurgeLoadReply, Sample } from './purge-load.js';
import { AUTH_TOKEN, FROM_NUMBER, PUBLIC_URL, fixed, forkSibling, hasFlag, machineBusy, nextMessage, numberFlag, percent, percentile, printTable, sleep, startBenchSystem, stopChild, watchMachine } from './support.js';

const DAY_MS = 86_400_000;
// Per incident: 25 reports, 25 MessageSid records, 40 alerts, 5 timeline events, 4 answers, and itself.
const ROWS_PER_INCIDENT = 100;
const REPORTERS = 50;

interface Options {
  rows: number;
  rate: number;
  warmup: number;
  split: boolean;
}

async function main(): Promise<void> {
  const options: Options = { rows: numberFlag('rows', 100_000), rate: numberFlag('rate', 100), warmup: numberFlag('warmup', 3), split: hasFlag('split') };
  const rows: Record<string, string | number>[] = [];
  for (let run = 1, runs = numberFlag('runs', 1); run <= runs; run++) rows.push(await runOnce(options));
  console.log('');
  printTable(rows);
}

async function runOnce(options: Options): Promise<Record<string, string | number>> {
  const before = await machineBusy();
  console.log(
    `purge: ${options.rows} old rows, webhooks at ${options.rate}/s, workers ${options.split ? 'in their own process' : 'beside the web role'} ` +
      `(machine ${percent(before)} busy before) …`,
  );
  const system = await startBenchSystem({ SMS_PROVIDER: 'outbox' }, { workersInChild: options.split });
  const app = await buildApp(system.deps);
  let load: ChildProcess | null = null;
  try {
    const seeded = seedBacklog(system.deps, Date.now() - (system.config.retentionDays + 5) * DAY_MS, Math.ceil(options.rows / ROWS_PER_INCIDENT));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    load = forkSibling('purge-load');
    const plan: PurgeLoadPlan = { type: 'run', url: `http://127.0.0.1:${port}`, signedUrl: `${PUBLIC_URL}/twilio/sms`, authToken: AUTH_TOKEN, to: FROM_NUMBER, rate: options.rate };
    load.send(plan);
    await sleep(options.warmup * 1000);

    const machine = watchMachine();
    // The maintenance job, as the schedule runs it every minute: reconcile, expire, forget, purge, … .
    const job = await system.deps.queues.maintenance.add('bench-purge', {}, { removeOnComplete: false });
    const { startedAt, finishedAt } = await finished(system.deps, job.id ?? '');
    const cpu = machine.stop();
    await sleep(1000);
    const result = nextMessage<PurgeLoadReply & { type: 'result' }>(load, 'result');
    load.send({ type: 'stop' });
    const { samples } = await result;

    const left = oldRowsLeft(system.deps);
    const during = samples.filter((s) => s.at >= startedAt && s.at <= finishedAt);
    const earlier = samples.filter((s) => s.at < startedAt);
    return {
      'others (cores)': fixed(cpu.others, 2),
      workers: options.split ? 'own process' : 'in web process',
      'old rows': seeded,
      'left after': left,
      'purge s': fixed((finishedAt - startedAt) / 1000, 2),
      'webhooks during': during.length,
      ...latency('during', during),
      'non-2xx during': during.filter((s) => s.status < 200 || s.status >= 300).length,
      ...latency('before', earlier),
    };
  } finally {
    if (load) await stopChild(load);
    await app.close();
    await system.close();
  }
}

function latency(label: string, samples: Sample[]): Record<string, string> {
  const sorted = samples.filter((s) => s.status >= 200 && s.status < 300).map((s) => s.ms).sort((a, b) => a - b);
  return {
    [`${label} p50 ms`]: fixed(percentile(sorted, 50)),
    [`${label} p99 ms`]: fixed(percentile(sorted, 99)),
    [`${label} max ms`]: fixed(sorted.at(-1) ?? Number.NaN),
  };
}

/** Seeded rows still there (the purge must leave none; other duties may delete some of them first). */
function oldRowsLeft(deps: Deps): number {
  const count = (sql: string) => (deps.db.$client.prepare(`select count(*) as n from ${sql}`).get() as { n: number }).n;
  return [
    "incidents where id like 'old-%'",
    "reports where id like 'old-%'",
    "inbound_messages where sid like 'SMold%'",
    "outgoing_messages where id like 'old-%'",
    "incident_events where incident_id like 'old-%'",
    "responses where id like 'old-%'",
    "contacts where id like 'old-%'",
  ].reduce((sum, table) => sum + count(table), 0);
}

/** When the job ran, by the worker's own marks (epoch ms). */
async function finished(deps: Deps, id: string): Promise<{ startedAt: number; finishedAt: number }> {
  for (const deadline = Date.now() + 600_000; Date.now() < deadline; await sleep(100)) {
    const job = await Job.fromId(deps.queues.maintenance, id);
    if (job?.failedReason) throw new Error(`maintenance job failed: ${job.failedReason}`);
    if (job?.finishedOn && job.processedOn) return { startedAt: job.processedOn, finishedAt: job.finishedOn };
  }
  throw new Error('maintenance job did not finish within 10 minutes');
}

/** `n` incidents last active at `at`, with everything attached to them; returns how many rows it wrote. */
function seedBacklog(deps: Deps, at: number, n: number): number {
  const { db } = deps;
  const people = Array.from({ length: REPORTERS }, (_, i) => ({ id: `old-contact-${i}`, phoneHash: `old-hash-${i}`, firstSeenAt: at, lastSeenAt: at }));
  const take = <T>(count: number, make: (i: number) => T) => Array.from({ length: count }, (_, i) => make(i));
  db.$client.transaction(() => {
    db.insert(contacts).values(people).run();
    for (let i = 0; i < n; i++) {
      const incidentId = `old-incident-${i}`;
      const who = (j: number) => people[j % REPORTERS]!.id;
      db.insert(incidents).values({ id: incidentId, code: `OLD${i}`, status: 'resolved', firstReportedAt: at, lastReportedAt: at, createdAt: at, updatedAt: at }).run();
      db.insert(reports).values(take(25, (j) => ({ id: `old-report-${i}-${j}`, incidentId, contactId: who(j), channel: 'sms' as const, text: 'ICE agents at the car wash, 94110', status: 'processed' as const, receivedAt: at, processedAt: at }))).run();
      db.insert(inboundMessages).values(take(25, (j) => ({ sid: `SMold${i}x${j}`, contactId: who(j), kind: 'report', reply: 'Got it.', receivedAt: at }))).run();
      db.insert(outgoingMessages)
        .values(take(40, (j) => ({ id: `old-alert-${i}-${j}`, dedupeKey: `old-alert-${i}-${j}`, incidentId, contactId: who(j), kind: 'alert', locale: 'en' as const, body: 'ALERT: ICE activity confirmed near 24th St & Mission. Reply GOING or CANT.', status: 'delivered' as const, providerSid: `SMalert${i}x${j}`, createdAt: at, updatedAt: at })))
        .run();
      db.insert(incidentEvents).values(take(5, () => ({ incidentId, at, type: 'note' }))).run();
      db.insert(responses).values(take(4, (j) => ({ id: `old-answer-${i}-${j}`, incidentId, contactId: who(j), answer: 'going' as const, at }))).run();
    }
  })();
  return n * ROWS_PER_INCIDENT + REPORTERS;
}

await main();
