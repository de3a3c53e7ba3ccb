import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps.js';
import { floodStatus } from '../../services/limits.js';
import { incidentsNobodyToPage } from '../../services/paging.js';
import { sendsHealth } from '../../services/send-health.js';
import { PAUSE_KEY } from '../../services/sending.js';
import { orTimeout } from '../../timeout.js';
import { errorResponses, type HealthView, healthSchema } from '../schemas.js';
import { floodView } from './views.js';

/** Redis is asked with these bounds: health answers quickly while Redis is away or hangs. */
const REDIS_TIMEOUT_MS = 500;
const FAILED_JOBS_WINDOW_MS = 3600_000;

/**
 * Without a session only `{status}`: flood counts and provider error codes would help an attacker tune a flood.
 * With one, the details.
 */
export async function healthRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  // 503: the same answer, while the database is unusable.
  const response = { 200: healthSchema, 503: healthSchema, ...errorResponses };
  app.withTypeProvider<ZodTypeProvider>().get('/api/health', { schema: { response } }, async (request, reply) => {
    let db: 'ok' | 'down' = 'ok';
    try {
      deps.db.$client.prepare('select 1').get();
    } catch {
      db = 'down';
    }
    const [redis, sends, failedJobs] = await Promise.all([pingRedis(deps), sendsHealth(deps), failedJobsLastHour(deps)]);
    const paused = db === 'ok' ? deps.repos.systemState.get(PAUSE_KEY) : undefined;
    const flood = db === 'ok' ? floodView(floodStatus(deps, deps.now())) : { active: false as const };
    const unpaged = db === 'ok' ? incidentsNobodyToPage(deps) : 0;
    const alarms: NonNullable<HealthView['alarms']> = [
      ...(paused ? [{ type: 'sending_paused' as const, code: String(paused['code']), since: String(paused['since']) }] : []),
      ...(sends?.failing ? [{ type: 'sends_failing' as const, calls: sends.calls, failed: sends.failed }] : []),
      ...(flood.active ? [{ type: 'flood' as const, ...flood }] : []),
      ...(unpaged > 0 ? [{ type: 'nobody_to_page' as const, incidents: unpaged }] : []),
    ];
    const status = db === 'ok' && redis === 'ok' && !paused && !sends?.failing ? ('ok' as const) : ('degraded' as const);
    reply.status(db === 'ok' ? 200 : 503);
    if (!request.user) return { status };
    return {
      status,
      db,
      redis,
      sending: paused ? ('paused' as const) : sends?.failing ? ('failing' as const) : ('ok' as const),
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
