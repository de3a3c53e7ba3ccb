// Live updates for the console: server-sent events, fed by a Redis channel that workers publish to as well.
// A stream lives only as long as its session: signed out (in any web process, they share the database), expired,
// idle past SESSION_IDLE_MINUTES (an open stream is not use) or its user disabled, it is told so and closed
// within SESSION_CHECK_MS.
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Deps } from '../../deps.js';
import { errorResponses } from '../schemas.js';
import { requireRole } from './auth.js';
import { incidentViews } from './views.js';

const HEARTBEAT_MS = 25_000;
/** One small query per web process per tick, however many streams are open. */
const SESSION_CHECK_MS = 1000;

export async function eventRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  // Each open stream, with the keyed hash of the session it was opened with.
  const clients = new Map<ServerResponse, string>();
  // One subscriber per web process: pub/sub needs a connection of its own. It re-subscribes after a Redis outage.
  const subscriber = new Redis(deps.config.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
  subscriber.on('error', (error: Error) => deps.log.debug({ err: error.message }, 'events subscriber error'));
  subscriber.on('message', (_channel: string, message: string) => broadcast(message));
  // Not awaited: the web role starts (and takes reports) while Redis is away; the subscription follows it back.
  app.addHook('onReady', async () => {
    subscriber.subscribe(deps.events.channel).catch((error: Error) => deps.log.warn({ err: error.message }, 'live events unavailable'));
  });

  const broadcast = (message: string) => {
    let id: unknown;
    try {
      id = (JSON.parse(message) as { id?: unknown }).id;
    } catch {
      return;
    }
    const incident = typeof id === 'string' ? deps.repos.incidents.get(id) : undefined;
    if (!incident) return;
    const [view] = incidentViews(deps.repos, [incident]);
    const frame = `event: incident\ndata: ${JSON.stringify(view)}\n\n`;
    for (const client of clients.keys()) client.write(frame);
  };

  const heartbeat = setInterval(() => {
    for (const client of clients.keys()) client.write(': keep-alive\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();

  const sessionCheck = setInterval(() => {
    if (clients.size === 0) return;
    let live: Set<string>;
    try {
      live = deps.repos.users.liveSessions([...new Set(clients.values())], deps.now(), deps.config.sessionIdleMinutes * 60_000);
    } catch (error) {
      deps.log.warn({ err: (error as Error).message }, 'event stream session check failed');
      return;
    }
    for (const [client, session] of clients) {
      if (live.has(session)) continue;
      clients.delete(client);
      // The console takes this as "signed out"; EventSource's reconnect then gets 401 and stops.
      client.end('event: signed-out\ndata: {}\n\n');
    }
  }, SESSION_CHECK_MS);
  sessionCheck.unref();

  app.addHook('onClose', async () => {
    clearInterval(heartbeat);
    clearInterval(sessionCheck);
    for (const client of clients.keys()) client.end();
    subscriber.disconnect();
  });

  // A hijacked stream (text/event-stream): no JSON answer to declare but the errors before it starts.
  app.get('/api/events', { preValidation: requireRole('admin', 'dispatcher'), schema: { response: errorResponses } }, async (request, reply) => {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    raw.write(': connected\n\n');
    // requireRole let it through, so the request has a live session.
    clients.set(raw, request.sessionTokenHash ?? '');
    request.raw.on('close', () => clients.delete(raw));
  });
}
