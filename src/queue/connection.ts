import { Redis } from 'ioredis';

/**
 * Producers (the web role) fail fast while Redis is away, so a webhook never hangs on it: the report is already
 * in SQLite and the reconciler queues it later. Workers wait for Redis forever instead.
 */
export function producerConnection(url: string): Redis {
  // commandTimeout: a Redis that hangs (rather than refusing) must not hang a webhook past Twilio's 15 s either.
  return new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 1000, lazyConnect: false });
}

export function workerConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: false });
}
