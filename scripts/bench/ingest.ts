// Ingest bench: the web role listening on a real port, workers running beside it (as `npm start` runs them),
// and autocannon in a child process posting signed inbound-SMS webhooks at a fixed rate.
//
//   tsx scripts/bench/ingest.ts [--rate 200] [--seconds 20] [--connections 10] [--warmup 3] [--runs 1]
//                               [--db-dir /dev/shm] [--profile out.cpuprofile]
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
  nextMessage,
  numberFlag,
  percentile,
  printTable,
  startBenchSystem,
  startProfiler,
  waitForQueueIdle,
} from './support.js';

const TARGET_P99_MS = 50;

interface Options {
  rate: number;
  seconds: number;
  connections: number;
  warmup: number;
}

async function main(): Promise<void> {
  const options: Options = {
    rate: numberFlag('rate', 200),
    seconds: numberFlag('seconds', 20),
    connections: numberFlag('connections', 10),
    warmup: numberFlag('warmup', 3),
  };
  const rows: Record<string, string | number>[] = [];
  for (let run = 1, runs = numberFlag('runs', 1); run <= runs; run++) rows.push(await runOnce(options));
  console.log('');
  printTable(rows);
}

async function runOnce(options: Options): Promise<Record<string, string | number>> {
  console.log(`ingest: ${options.rate} req/s for ${options.seconds} s over ${options.connections} connections (after ${options.warmup} s warm-up) …`);
  // No SMS goes out on this path (every report has a ZIP); the outbox keeps the provider out of the picture.
  const system = await startBenchSystem({ SMS_PROVIDER: 'outbox' });
  const app = await buildApp(system.deps);
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const loop = watchEventLoop();
    const profiler = await startProfiler(flag('profile'));
    const result = await generateLoad({
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
    });
    await profiler.stop();
    const server = loop.stop();
    // How far the workers trail the webhooks: the time to process what was still queued when the load ended.
    const drainStart = Date.now();
    await waitForQueueIdle(system.deps, 'reports', 120_000);
    const drainS = (Date.now() - drainStart) / 1000;
    return row(options, result, server, drainS, reportCounts(system.deps));
  } finally {
    await app.close();
    await system.close();
  }
}

async function generateLoad(plan: LoadPlan): Promise<Extract<LoadReply, { type: 'result' }>> {
  const child = forkSibling('ingest-load');
  const answer = nextMessage<Extract<LoadReply, { type: 'result' }>>(child, 'result');
  child.send(plan);
  return answer;
}

interface LoopStats {
  delayP99Ms: number;
  delayMaxMs: number;
  /** Share of the time this process's event loop was busy (web + workers). */
  utilization: number;
}

/** Event-loop delay shows blocking work (synchronous SQLite commits, fsync) that per-request timing hides. */
function watchEventLoop(): { stop(): LoopStats } {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const start = performance.eventLoopUtilization();
  return {
    stop() {
      histogram.disable();
      return {
        delayP99Ms: histogram.percentile(99) / 1e6,
        delayMaxMs: histogram.max / 1e6,
        utilization: performance.eventLoopUtilization(start).utilization,
      };
    },
  };
}

function reportCounts(deps: Deps): { reports: number; incidents: number } {
  const count = (table: string) => (deps.db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  return { reports: count('reports'), incidents: count('incidents') };
}

function row(
  options: Options,
  r: Extract<LoadReply, { type: 'result' }>,
  loop: LoopStats,
  drainS: number,
  counts: { reports: number; incidents: number },
): Record<string, string | number> {
  const p99 = percentile(r.latencies, 99);
  const ok = r.non2xx === 0 && r.errors === 0 && p99 < TARGET_P99_MS;
  return {
    'rate req/s': options.rate,
    connections: options.connections,
    responses: r.responses,
    'achieved req/s': fixed(r.responses / r.durationS, 0),
    'p50 ms': fixed(percentile(r.latencies, 50), 1),
    'p90 ms': fixed(percentile(r.latencies, 90), 1),
    'p99 ms': fixed(p99, 1),
    'max ms': fixed(r.latencies.at(-1) ?? Number.NaN, 1),
    'non-2xx': r.non2xx,
    'errors/timeouts': `${r.errors}/${r.timeouts}`,
    'loop delay p99/max ms': `${fixed(loop.delayP99Ms)}/${fixed(loop.delayMaxMs)}`,
    'loop busy': `${fixed(loop.utilization * 100, 0)}%`,
    'reports (incidents)': `${counts.reports} (${counts.incidents})`,
    'worker drain s': fixed(drainS, 2),
    target: ok ? 'met' : 'MISSED',
  };
}

await main();
