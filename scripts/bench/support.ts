// Shared plumbing for the benches: flags, a throwaway system (temp SQLite, unique Redis prefix), child processes,
// and small statistics. Nothing here is used by the product.
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

export function hasFlag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

// ---- the system under test ----------------------------------------------------------------

export interface BenchSystem {
  config: Config;
  deps: Deps;
  workers: Workers;
  close(): Promise<void>;
}

/**
 * The whole system in this process, as `npm start` runs it, minus the web listener (callers add it if needed).
 * `--db-dir DIR` puts the SQLite file elsewhere (e.g. /dev/shm, to see what the disk's fsyncs cost).
 */
export async function startBenchSystem(env: Record<string, string>): Promise<BenchSystem> {
  const dir = mkdtempSync(join(flag('db-dir') ?? tmpdir(), 'centinela-bench-'));
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_PATH: join(dir, 'centinela.db'),
    QUEUE_PREFIX: `bench-${randomBytes(6).toString('hex')}`,
    PUBLIC_URL,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_FROM_NUMBER: FROM_NUMBER,
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
    DATA_KEY: randomBytes(32).toString('base64'),
    HASH_KEY: randomBytes(32).toString('base64'),
    SESSION_SECRET: randomBytes(32).toString('base64'),
    ...env,
  });
  const deps = createDeps(config, createLogger(config.logLevel));
  // An hourly maintenance tick never fires during a bench; the start-up reconcile still runs.
  const workers = await startWorkers(deps, { maintenanceEveryMs: 3600_000 });
  return {
    config,
    deps,
    workers,
    async close() {
      await workers.close();
      await deps.close();
      // Last, with a connection of its own, so nothing writes a key after the sweep.
      await deleteKeys(config.redisUrl, config.queuePrefix);
      rmSync(dir, { recursive: true, force: true });
    },
  };
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
export async function waitForQueueIdle(deps: Deps, queue: 'reports' | 'send', timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await deps.queues[queue].getJobCounts('waiting', 'active', 'delayed', 'prioritized');
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
export function forkSibling(name: string, args: string[] = []): ChildProcess {
  const self = fileURLToPath(import.meta.url);
  const script = join(self, '..', `${name}${extname(self)}`);
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--cpu-prof') && !a.startsWith('--prof'));
  return fork(script, args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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
