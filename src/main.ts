// `npm start`: the whole system in one process: web + all workers (and a local redis-server if none answers).
import closeWithGrace from 'close-with-grace';
import { createDeps } from './deps.js';
import { createLogger } from './log.js';
import { ensureRedis, NoRedisError } from './queue/local-redis.js';
import { startWorkers } from './queue/workers.js';
import { configOrExit, describeMode, startWeb } from './server.js';

const config = configOrExit();
const log = createLogger(config.logLevel);
log.info(describeMode(config));

let redisChild;
try {
  redisChild = await ensureRedis(config.redisUrl, config.dataDir);
} catch (error) {
  if (error instanceof NoRedisError) {
    process.stderr.write(`centinela: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
if (redisChild) log.info({ dir: `${config.dataDir}/redis` }, 'started a local redis-server (append-only persistence on)');

const deps = createDeps(config, log);
const workers = await startWorkers(deps);
const app = await startWeb(deps);
log.info({ url: config.publicUrl }, 'centinela is up');

closeWithGrace({ delay: 30_000 }, async ({ err }) => {
  if (err) log.error({ err: err.message }, 'shutting down after an error');
  await app.close();
  await workers.close();
  await deps.close();
  redisChild?.kill('SIGTERM');
});
