import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { floodStatus } from '../../services/limits.js';
import { PAUSE_KEY } from '../../services/sending.js';
import { orTimeout } from '../../timeout.js';

export async function healthRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  app.get('/api/health', async (_request, reply) => {
    let db: 'ok' | 'down' = 'ok';
    try {
      deps.db.$client.prepare('select 1').get();
    } catch {
      db = 'down';
    }
    const redis = await pingRedis(deps);
    const paused = db === 'ok' ? deps.repos.systemState.get(PAUSE_KEY) : undefined;
    const flood = db === 'ok' ? floodStatus(deps, deps.now()) : { active: false };
    const alarms = [...(paused ? [{ type: 'sending_paused', ...paused }] : []), ...(flood.active ? [{ type: 'flood', ...flood }] : [])];
    const status = db === 'ok' && redis === 'ok' && !paused ? 'ok' : 'degraded';
    return reply.status(db === 'ok' ? 200 : 503).send({
      status,
      db,
      redis,
      sending: paused ? 'paused' : 'ok',
      smsProvider: deps.sms.name,
      alarms,
    });
  });
}

async function pingRedis(deps: Deps): Promise<'ok' | 'down'> {
  try {
    return (await orTimeout(deps.redis.ping(), 500)) === 'PONG' ? 'ok' : 'down';
  } catch {
    return 'down';
  }
}
