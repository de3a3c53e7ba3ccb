import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';

export interface EventsPublisher {
  /** Tells every web process that an incident changed (the console's live list). Never throws. */
  incidentChanged(incidentId: string): void;
  readonly channel: string;
}

export function createEventsPublisher(redis: Redis, prefix: string, log: Logger): EventsPublisher {
  const channel = `${prefix}:events`;
  return {
    channel,
    incidentChanged(incidentId) {
      redis.publish(channel, JSON.stringify({ type: 'incident', id: incidentId })).catch((error: Error) => {
        log.debug({ err: error.message }, 'live event not published');
      });
    },
  };
}
