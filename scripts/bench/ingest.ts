// Ingest bench: the web role listening on a real port, workers running beside it (as `npm start` runs them),
// and autocannon in a child process posting signed inbound-SMS webhooks at a fixed rate.
//
//   tsx scripts/bench/ingest.ts [--rate 200] [--seconds 20] [--connections 50] [--arrival spread|burst]
//                               [--warmup 3] [--runs 1] [--split] [--db-dir /dev/shm] [--env KEY=VALUE]
//                               [--profile out.cpuprofile]
//
// autocannon's fixed rate is per connection and per second: each connection sends its share back to back at the
// top of every second. --arrival burst keeps that (the server gets the whole second's load at once, up to
// --connections at a time); --arrival spread (default) starts the connections 1000/connections ms apart, closer to
// independent webhooks (evenly spaced when --connections equals --rate).
// --split runs the workers in a process of their own (start:web + start:worker) instead of beside the web role.
import type { ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { buildApp } from '../../src/app.js';
import type { Deps } from '../../src/deps.js';
import type { LoadPlan, LoadReply } from './ingest-load.js';
import {
  AUTH_TOKEN,
  FROM_NUMBER,
  PUBLIC_URL,
  fixed,
  flag,
  forkSibling,
  hasFlag,
  machineBusy,
  nextMessage,
  numberFlag,
  percent,
  percentile,
  printTable,
  startBenchSystem,
  startProfiler,
  stopChild,
  waitForQueueIdle,
  watchMachine,
} from './support.js';

const TARGET_P99_MS = 50;

interface Options {
  split: boolean;
  arrival: 'spread' | 'burst';
  rate: number;
  seconds: number;
  connections: number;
  warmup: number;
}

async function main(): Promise<void> {
  const options: Options = {
    split: hasFlag('split'),
    arrival: arrivalFlag(),
    rate: numberFlag('rate', 200),
    seconds: numberFlag('seconds', 20),
    connections: numberFlag('connections', 50),
    warmup: numberFlag('warmup', 3),
  };
  const rows: Record<string, string | number>[] = [];
  for (let run = 1, runs = numberFlag('runs', 1); run <= runs; run++) rows.push(await runOnce(options));
  console.log('');
  printTable(rows);
}

function arrivalFlag(): Options['arrival'] {
  const value = flag('arrival') ?? 'spread';
  if (value !== 'spread' && value !== 'burst') throw new Error(`--arrival is spread or burst (got ${value})`);
  return value;
}

async function runOnce(options: Options): Promise<Record<string, string | number>> {
  const before = await machineBusy();
  console.log(
    `ingest: ${options.rate} req/s for ${options.seconds} s over ${options.connections} connections (${options.arrival}) ` +
      `(after ${options.warmup} s warm-up), workers ${options.split ? 'in their own process' : 'beside the web role'} ` +
      `(machine ${percent(before)} busy before) …`,
  );
  // No SMS goes out on this path (every report has a ZIP); the outbox keeps the provider out of the picture.
  const system = await startBenchSystem({ SMS_PROVIDER: 'outbox' }, { workersInChild: options.split });
  const app = await buildApp(system.deps);
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const loop = watchEventLoop();
    const machine = watchMachine();
    const profiler = await startProfiler(flag('profile'));
    const { result, child } = await generateLoad({
      type: 'run',
      url: `http://127.0.0.1:${port}`,
      signedUrl: `${PUBLIC_URL}/twilio/sms`,
      authToken: AUTH_TOKEN,
      accountSid: 'AC00000000000000000000000000000000',
      to: FROM_NUMBER,
      rate: options.rate,
      seconds: options.seconds,
      connections: options.connections,
      warmupSeconds: options.warmup,
      arrival: options.arrival,
    });
    await profiler.stop();
    const server = loop.stop();
    const cpu = machine.stop();
    await stopChild(child);
    // How far the workers trail the webhooks: the time to process what was still queued when the load ended.
    const drainStart = Date.now();
    await waitForQueueIdle(system.deps, 'reports', 120_000);
    const drainS = (Date.now() - drainStart) / 1000;
    return { 'others (cores)': fixed(cpu.others, 2), ...row(options, result, server, drainS, reportCounts(system.deps)) };
  } finally {
    await app.close();
    await system.close();
  }
}

type LoadResult = Extract<LoadReply, { type: 'result' }>;

async function generateLoad(plan: LoadPlan): Promise<{ result: LoadResult; child: ChildProcess }> {
  const child = forkSibling('ingest-load');
  const answer = nextMessage<LoadResult>(child, 'result');
  child.send(plan);
  return { result: await answer, child };
}

interface LoopStats {
  delayP99Ms: number;
  delayMaxMs: number;
  /** Share of the time this process's event loop was busy (web, and workers unless --split). */
  utilization: number;
  /** CPU time this process used per second of wall time (1.0 = one core), all threads. */
  cpu: number;
}

/** Event-loop delay shows blocking work (synchronous SQLite commits, fsync) that per-request timing hides. */
function watchEventLoop(): { stop(): LoopStats } {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const start = performance.eventLoopUtilization();
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  return {
    stop() {
      histogram.disable();
      const cpu = process.cpuUsage(cpuStart);
      return {
        delayP99Ms: histogram.percentile(99) / 1e6,
        delayMaxMs: histogram.max / 1e6,
        utilization: performance.eventLoopUtilization(start).utilization,
        cpu: (cpu.user + cpu.system) / 1000 / (performance.now() - wallStart),
      };
    },
  };
}

function reportCounts(deps: Deps): { reports: number; incidents: number } {
  const count = (table: string) => (deps.db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  return { reports: count('reports'), incidents: count('incidents') };
}

function non2xxCodes(codes: Record<string, number>): string {
  return Object.entries(codes)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, n]) => `${n}× ${code}`)
    .join(', ');
}

function row(
  options: Options,
  r: LoadResult,
  loop: LoopStats,
  drainS: number,
  counts: { reports: number; incidents: number },
): Record<string, string | number> {
  const p99 = percentile(r.latencies, 99);
  const ok = r.non2xx === 0 && r.errors === 0 && p99 < TARGET_P99_MS;
  return {
    workers: options.split ? 'own process' : 'in web process',
    'rate req/s': options.rate,
    connections: options.connections,
    arrival: options.arrival,
    responses: r.responses,
    'achieved req/s': fixed(r.responses / options.seconds, 0),
    'p50 ms': fixed(percentile(r.latencies, 50), 1),
    'p90 ms': fixed(percentile(r.latencies, 90), 1),
    'p99 ms': fixed(p99, 1),
    'max ms': fixed(r.latencies.at(-1) ?? Number.NaN, 1),
    'non-2xx': r.non2xx === 0 ? 0 : `${r.non2xx} (${non2xxCodes(r.statusCodes)})`,
    'errors/timeouts': `${r.errors}/${r.timeouts}`,
    'loop delay p99/max ms': `${fixed(loop.delayP99Ms)}/${fixed(loop.delayMaxMs)}`,
    'loop busy': percent(loop.utilization),
    cpu: percent(loop.cpu),
    'reports (incidents)': `${counts.reports} (${counts.incidents})`,
    'worker drain s': fixed(drainS, 2),
    target: ok ? 'met' : 'MISSED',
  };
}

await main();
