import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { floodStatus } from '../../services/limits.js';
import { sendsHealth } from '../../services/send-health.js';
import { PAUSE_KEY } from '../../services/sending.js';
import { orTimeout } from '../../timeout.js';

/** Redis is asked with these bounds: health answers quickly while Redis is away or hangs. */
const REDIS_TIMEOUT_MS = 500;
const FAILED_JOBS_WINDOW_MS = 3600_000;

/**
 * Without a session only `{status}`: flood counts and provider error codes would help an attacker tune a flood.
 * With one, the details.
 */
export async function healthRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  app.get('/api/health', async (request, reply) => {
    let db: 'ok' | 'down' = 'ok';
    try {
      deps.db.$client.prepare('select 1').get();
    } catch {
      db = 'down';
    }
    const [redis, sends, failedJobs] = await Promise.all([pingRedis(deps), sendsHealth(deps), failedJobsLastHour(deps)]);
    const paused = db === 'ok' ? deps.repos.systemState.get(PAUSE_KEY) : undefined;
    const flood = db === 'ok' ? floodStatus(deps, deps.now()) : { active: false };
    const alarms = [
      ...(paused ? [{ type: 'sending_paused', ...paused }] : []),
      ...(sends?.failing ? [{ type: 'sends_failing', calls: sends.calls, failed: sends.failed }] : []),
      ...(flood.active ? [{ type: 'flood', ...flood }] : []),
    ];
    const status = db === 'ok' && redis === 'ok' && !paused && !sends?.failing ? 'ok' : 'degraded';
    reply.status(db === 'ok' ? 200 : 503);
    if (!request.user) return { status };
    return {
      status,
      db,
      redis,
      sending: paused ? 'paused' : sends?.failing ? 'failing' : 'ok',
      smsProvider: deps.sms.name,
      failedJobs,
      alarms,
    };
  });
}

async function pingRedis(deps: Deps): Promise<'ok' | 'down'> {
  try {
    return (await orTimeout(deps.redis.ping(), REDIS_TIMEOUT_MS)) === 'PONG' ? 'ok' : 'down';
  } catch {
    return 'down';
  }
}

/** Jobs BullMQ marked failed in the last hour (its own clock); null while Redis cannot say. */
async function failedJobsLastHour(deps: Deps): Promise<number | null> {
  try {
    const count = await orTimeout(deps.queues.failedSince(Date.now() - FAILED_JOBS_WINDOW_MS), REDIS_TIMEOUT_MS);
    return count === 'timeout' ? null : count;
  } catch {
    return null;
  }
}
