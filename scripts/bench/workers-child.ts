// The worker role in a process of its own (like `npm run start:worker`), for benches that split the roles.
// Sent the bench's environment over IPC, so both processes share the database, keys and queue prefix.
import { loadConfig } from '../../src/config.js';
import { createDeps } from '../../src/deps.js';
import { createLogger } from '../../src/log.js';
import { startWorkers } from '../../src/queue/workers.js';

process.once('message', (env: Record<string, string>) => {
  void start(env).catch((error: Error) => process.send?.({ type: 'error', message: error.message }));
});

async function start(env: Record<string, string>): Promise<void> {
  const config = loadConfig(env);
  const deps = createDeps(config, createLogger(config.logLevel));
  const workers = await startWorkers(deps);
  // The bench is done (or gone): finish in-flight jobs and leave.
  process.once('disconnect', () => {
    void workers
      .close()
      .then(() => deps.close())
      .finally(() => process.exit(0));
  });
  process.send?.({ type: 'ready' });
}
