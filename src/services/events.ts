import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';

export interface EventsPublisher {
  /** Tells every web process that an incident changed (the console's live list). Never throws. */
  incidentChanged(incidentId: string): void;
  readonly channel: string;
}

/** Events about one incident closer together than this are published as one (the first at once, one after). */
const COALESCE_MS = 250;

export function createEventsPublisher(redis: Redis, prefix: string, log: Logger): EventsPublisher {
  const channel = `${prefix}:events`;
  // Incidents published within the last COALESCE_MS, and whether something happened since (a trailing event owed).
  const recent = new Map<string, { owed: boolean }>();
  const publish = (incidentId: string) => {
    redis.publish(channel, JSON.stringify({ type: 'incident', id: incidentId })).catch((error: Error) => {
      log.debug({ err: error.message }, 'live event not published');
    });
  };
  return {
    channel,
    incidentChanged(incidentId) {
      const pending = recent.get(incidentId);
      if (pending) {
        pending.owed = true;
        return;
      }
      publish(incidentId);
      const entry = { owed: false };
      recent.set(incidentId, entry);
      setTimeout(() => {
        recent.delete(incidentId);
        if (entry.owed) publish(incidentId);
      }, COALESCE_MS).unref();
    },
  };
}
