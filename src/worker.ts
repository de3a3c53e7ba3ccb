// `npm run start:worker`: the worker role alone; any number may run on one host, sharing the database and Redis.
import closeWithGrace from 'close-with-grace';
import { createDeps } from './deps.js';
import { createLogger } from './log.js';
import { isMain } from './process.js';
import { startWorkers } from './queue/workers.js';
import { configOrExit, describeMode } from './server.js';

if (isMain(import.meta.url)) {
  const config = configOrExit();
  const log = createLogger(config.logLevel);
  log.info(describeMode(config));
  const deps = createDeps(config, log);
  const workers = await startWorkers(deps);
  log.info('workers started');
  closeWithGrace({ delay: 30_000 }, async ({ err }) => {
    if (err) log.error({ err: err.message }, 'shutting down after an error');
    await workers.close();
    await deps.close();
  });
}
