// `npm start` with no Redis: start a local redis-server with its data under ./data/redis and AOF persistence on.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

export async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1500 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export class NoRedisError extends Error {}

/** Returns the child it started, or null when a Redis already answers. */
export async function ensureRedis(url: string, dataDir: string): Promise<ChildProcess | null> {
  if (await redisAnswers(url)) return null;
  const { hostname, port } = new URL(url);
  const local = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(hostname);
  if (!local || spawnSync('redis-server', ['--version']).error) {
    throw new NoRedisError(
      `No Redis answers at ${url}: install one (apt-get install redis-server, or docker compose up redis) or set REDIS_URL.`,
    );
  }
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const child = spawn(
    'redis-server',
    ['--port', port || '6379', '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction'],
    { stdio: 'ignore' },
  );
  // Waiting for a process we just started to open its port: there is no event to await.
  for (let i = 0; i < 50; i++) {
    if (await redisAnswers(url)) return child;
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  child.kill();
  throw new NoRedisError(`redis-server did not start on ${url}; start it yourself or set REDIS_URL.`);
}
