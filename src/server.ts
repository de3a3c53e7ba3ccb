// `npm run start:web`: the web role alone. Also used by main.ts.
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { createDeps, type Deps } from './deps.js';
import { createLogger } from './log.js';
import { isMain } from './process.js';

export async function startWeb(deps: Deps): Promise<FastifyInstance> {
  const app = await buildApp(deps);
  // Give Redis a moment, so the first reports are queued at once; without it the web role still starts.
  if (deps.redis.status !== 'ready') {
    await Promise.race([once(deps.redis, 'ready'), sleep(REDIS_WAIT_MS)]);
  }
  await app.listen({ port: deps.config.port, host: deps.config.host });
  return app;
}

const REDIS_WAIT_MS = 3000;

export function describeMode(config: Config): string {
  return config.sms.provider === 'outbox'
    ? 'SMS provider: outbox (no Twilio credentials): nothing is really sent; see GET /api/dev/outbox'
    : `SMS provider: twilio (${config.twilio.messagingServiceSid ? 'messaging service' : 'from number'})`;
}

/** Loads config or exits with the one line that says what is wrong. */
export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`centinela: configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

if (isMain(import.meta.url)) {
  const config = configOrExit();
  const log = createLogger(config.logLevel);
  log.info(describeMode(config));
  const deps = createDeps(config, log);
  const app = await startWeb(deps);
  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err) log.error({ err: err.message }, 'shutting down after an error');
    await app.close();
    await deps.close();
  });
}
