// Shared plumbing for the benches: flags, a throwaway system (temp SQLite, unique Redis prefix), child processes,
// and small statistics. Nothing here is used by the product.
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { cpus, tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobType } from 'bullmq';
import { Redis } from 'ioredis';
import { type Config, loadConfig } from '../../src/config.js';
import { createDeps, type Deps } from '../../src/deps.js';
import { createLogger } from '../../src/log.js';
import { startWorkers, type Workers } from '../../src/queue/workers.js';

export const PUBLIC_URL = 'https://centinela.bench.invalid';
export const AUTH_TOKEN = 'bench-auth-token-0123456789abcdef';
export const FROM_NUMBER = '+15005550006';

// ---- flags ------------------------------------------------------------------------------

/** `--name value` flags; a flag given without a number is an error rather than a silent default. */
export function numberFlag(name: string, fallback: number): number {
  const value = flag(name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`--${name} needs a non-negative number (got ${JSON.stringify(value)})`);
  return parsed;
}

export function flag(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

/** Every `--env KEY=VALUE`: settings for the system under test, applied over the bench's own. */
export function envFlags(): Record<string, string> {
  const env: Record<string, string> = {};
  process.argv.forEach((arg, i) => {
    const pair = arg === '--env' ? process.argv[i + 1] : undefined;
    const at = pair?.indexOf('=') ?? -1;
    if (pair && at > 0) env[pair.slice(0, at)] = pair.slice(at + 1);
  });
  return env;
}

export function hasFlag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

// ---- the system under test ----------------------------------------------------------------

export interface BenchSystem {
  config: Config;
  deps: Deps;
  /** The in-process workers; null when they run in a child process. */
  workers: Workers | null;
  close(): Promise<void>;
}

/** A throwaway directory for a bench's SQLite file (`--db-dir DIR` puts it elsewhere, e.g. /dev/shm). */
export function benchDir(): string {
  return mkdtempSync(join(flag('db-dir') ?? tmpdir(), 'centinela-bench-'));
}

/** What every bench system runs on: a database in `dir`, its own Redis prefix, fresh keys. */
export function benchEnv(dir: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_PATH: join(dir, 'centinela.db'),
    QUEUE_PREFIX: `bench-${randomBytes(6).toString('hex')}`,
    PUBLIC_URL,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_FROM_NUMBER: FROM_NUMBER,
    DATA_KEY: randomBytes(32).toString('base64'),
    HASH_KEY: randomBytes(32).toString('base64'),
    SESSION_SECRET: randomBytes(32).toString('base64'),
  };
}

/** mulberry32: the same member map every run, so runs compare. */
export function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The whole system in this process, as `npm start` runs it, minus the web listener (callers add it if needed).
 * With `workersInChild` the workers run in a process of their own instead, as `start:web` + `start:worker` would.
 * `--db-dir DIR` puts the SQLite file elsewhere (e.g. /dev/shm, to see what the disk's fsyncs cost);
 * `--env KEY=VALUE` (repeatable) sets anything else, e.g. `--env FLOOD_NEW_REPORTERS_PER_10_MIN=0`.
 */
export async function startBenchSystem(overrides: Record<string, string>, options: { workersInChild?: boolean } = {}): Promise<BenchSystem> {
  const dir = benchDir();
  const env = {
    ...benchEnv(dir),
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
    // No maintenance tick in the middle of a measurement.
    MAINTENANCE_EVERY_MS: '3600000',
    // One click releases: the benches measure the fan-out, not the approvals.
    RELEASE_APPROVALS: '1',
    ...overrides,
    ...envFlags(),
  };
  const config = loadConfig(env);
  const deps = createDeps(config, createLogger(config.logLevel));
  let child: ChildProcess | null = null;
  let workers: Workers | null = null;
  const close = async () => {
    await workers?.close();
    if (child) await stopChild(child);
    await deps.close();
    // Last, with a connection of its own, so nothing writes a key after the sweep.
    await deleteKeys(config.redisUrl, config.queuePrefix);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (options.workersInChild) child = await startWorkersChild(env);
    // An hourly maintenance tick never fires during a bench; its first run (at start) is over before measuring.
    else workers = await startWorkers(deps);
    await waitForQueueIdle(deps, 'maintenance', 60_000);
  } catch (error) {
    await close();
    throw error;
  }
  return { config, deps, workers, close };
}

async function startWorkersChild(env: Record<string, string>): Promise<ChildProcess> {
  const child = forkSibling('workers-child');
  const ready = nextMessage(child, 'ready');
  child.send(env);
  await ready;
  return child;
}

/** Children here close down when their IPC channel goes (see fake-twilio-child.ts, workers-child.ts). */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.disconnect();
  return exited;
}

/** Deletes this run's keys only (never FLUSHALL: the Redis may be shared). */
export async function deleteKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Resolves when the queue has nothing waiting, delayed or running. */
export async function waitForQueueIdle(deps: Deps, queue: 'reports' | 'send' | 'maintenance', timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // The maintenance schedule always holds its next run as a delayed job: only waiting and running ones count.
  const states: JobType[] = queue === 'maintenance' ? ['waiting', 'active', 'prioritized'] : ['waiting', 'active', 'delayed', 'prioritized'];
  for (;;) {
    const counts = await deps.queues[queue].getJobCounts(...states);
    if (Object.values(counts).every((n) => n === 0)) return;
    if (Date.now() > deadline) throw new Error(`${queue} queue still busy after ${timeoutMs} ms: ${JSON.stringify(counts)}`);
    await sleep(50);
  }
}

// ---- child processes ----------------------------------------------------------------------

/**
 * Forks a sibling script (same extension as this file: .ts under tsx, .js from dist) on its own CPU.
 * Under tsx the loader flags are inherited; profiling flags are not, so a profile shows only this process.
 */
export function forkSibling(name: string): ChildProcess {
  const self = fileURLToPath(import.meta.url);
  const script = join(self, '..', `${name}${extname(self)}`);
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--cpu-prof') && !a.startsWith('--prof'));
  return fork(script, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

/** The next IPC message of a given type from a child (rejects if the child exits first). */
export function nextMessage<T extends { type: string }>(child: ChildProcess, type: T['type']): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (message: unknown): void => {
      const m = message as { type?: string; message?: string };
      if (m.type === 'error') {
        cleanup();
        reject(new Error(m.message ?? 'child failed'));
      } else if (m.type === type) {
        cleanup();
        resolve(message as T);
      }
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`child exited (${code}) before sending ${type}`));
    };
    const cleanup = (): void => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** A CPU profile of just the measured window (node --cpu-prof would mix in start-up and seeding). */
export async function startProfiler(file: string | undefined): Promise<{ stop(): Promise<void> }> {
  if (!file) return { stop: async () => undefined };
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      console.log(`CPU profile written to ${file}`);
    },
  };
}

// ---- the machine ----------------------------------------------------------------------------

/**
 * How busy the whole machine is right now (all processes, from /proc/stat), sampled before a run starts: the
 * benches assume nothing else is running. NaN where there is no /proc.
 */
export async function machineBusy(sampleMs = 1000): Promise<number> {
  const before = cpuTimes();
  await sleep(sampleMs);
  const after = cpuTimes();
  if (!before || !after) return Number.NaN;
  return (after.busy - before.busy) / (after.total - before.total);
}

/**
 * CPU use during a run, in cores: the whole machine, and the part taken by processes that are not the bench, its
 * children or redis-server. On a shared machine `others` says whether a run can be trusted (≈0 means it can).
 */
export function watchMachine(): { stop(): { machine: number; others: number } } {
  const start = { times: cpuTimes(), pids: processTicks() };
  return {
    stop() {
      const end = { times: cpuTimes(), pids: processTicks() };
      if (!start.times || !end.times) return { machine: Number.NaN, others: Number.NaN };
      const elapsed = (end.times.total - start.times.total) / cpus().length;
      const machine = (end.times.busy - start.times.busy) / elapsed;
      let ours = 0;
      for (const [pid, now] of end.pids) {
        if (isOurs(pid, end.pids)) ours += now.ticks - (start.pids.get(pid)?.ticks ?? 0);
      }
      return { machine, others: Math.max(0, machine - ours / elapsed) };
    },
  };
}

function isOurs(pid: number, pids: Map<number, ProcessTicks>): boolean {
  for (let at: number | undefined = pid; at !== undefined && at > 1; at = pids.get(at)?.ppid) {
    if (at === process.pid || pids.get(at)?.comm === 'redis-server') return true;
  }
  return false;
}

interface ProcessTicks {
  comm: string;
  ppid: number;
  ticks: number;
}

/** utime + stime of every process, in the same clock ticks as /proc/stat. */
function processTicks(): Map<number, ProcessTicks> {
  const result = new Map<number, ProcessTicks>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return result;
  }
  for (const name of entries) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: fields are counted after the last ')'.
      const close = stat.lastIndexOf(')');
      const rest = stat.slice(close + 2).split(' ');
      result.set(Number(name), {
        comm: stat.slice(stat.indexOf('(') + 1, close),
        ppid: Number(rest[1]),
        ticks: Number(rest[11]) + Number(rest[12]),
      });
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return result;
}

/** Whole-machine clock ticks: all of them, and the busy ones (not idle, not waiting for I/O). */
function cpuTimes(): { total: number; busy: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
    const busy = user + nice + system + irq + softirq + steal;
    return { total: busy + idle + iowait, busy };
  } catch {
    return null;
  }
}

export const percent = (share: number) => `${fixed(share * 100, 0)}%`;

// ---- statistics and output ----------------------------------------------------------------

/** Nearest-rank percentile of an ascending-sorted list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function printTable(rows: Record<string, string | number>[]): void {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const cells = rows.map((row) => columns.map((c) => String(row[c] ?? '')));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) => `| ${values.map((v, i) => v.padStart(widths[i]!)).join(' | ')} |`;
  console.log(line(columns));
  console.log(`|${widths.map((w) => '-'.repeat(w + 1) + ':').join('|')}|`);
  for (const row of cells) console.log(line(row));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const fixed = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
