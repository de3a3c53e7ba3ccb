// Everything both roles share, created in one place and closed by whoever created it.
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import { createPhoneVault, type PhoneVault } from './crypto/phones.js';
import { type Db, openDatabase } from './db/client.js';
import { applyMigrations } from './db/migrate.js';
import { createWriteBatcher, type WriteBatcher } from './db/write-batcher.js';
import { createCommitteesRepository } from './db/repositories/committees.js';
import { createContactsRepository } from './db/repositories/contacts.js';
import { createDispatcherPagingRepository } from './db/repositories/dispatcher-paging.js';
import { createFollowThroughRepository } from './db/repositories/follow-through.js';
import { createIncidentsRepository } from './db/repositories/incidents.js';
import { createMessagesRepository } from './db/repositories/messages.js';
import { createMediaRepository } from './db/repositories/media.js';
import { createPlacesRepository } from './db/repositories/places.js';
import {
  createAuditRepository,
  createInboundRepository,
  createOutboxRepository,
  createResponsesRepository,
  createSystemStateRepository,
} from './db/repositories/misc.js';
import { createReportsRepository } from './db/repositories/reports.js';
import { createRollCallRepository } from './db/repositories/roll-call.js';
import { createSeenRepository } from './db/repositories/seen.js';
import { createRetentionRepository } from './db/repositories/retention.js';
import { createUsersRepository } from './db/repositories/users.js';
import { createVerificationsRepository } from './db/repositories/verifications.js';
import { sendPriority } from './domain/send-priority.js';
import type { Logger } from './log.js';
import { producerConnection } from './queue/connection.js';
import { createQueues, type Queues } from './queue/queues.js';
import { sendPacing } from './queue/send-pacing.js';
import { createEventsPublisher, type EventsPublisher } from './services/events.js';
import { createLocator, type Locator } from './services/locator.js';
import { createOutboxProvider } from './sms/outbox-provider.js';
import type { SmsProvider } from './sms/provider.js';
import { createTwilioProvider } from './sms/twilio-provider.js';

export interface Deps {
  config: Config;
  log: Logger;
  db: Db;
  /** Group commit for hot-path writes (webhooks, send claims): one fsync for many. */
  writes: WriteBatcher;
  vault: PhoneVault;
  repos: Repositories;
  redis: Redis;
  queues: Queues;
  sms: SmsProvider;
  events: EventsPublisher;
  /** Reads where a text says it is (places, street index, gazetteers, the operator's geocoder). */
  locator: Locator;
  now: () => number;
  close(): Promise<void>;
}

export function createRepositories(db: Db, vault: PhoneVault) {
  return {
    contacts: createContactsRepository(db, vault),
    committees: createCommitteesRepository(db),
    reports: createReportsRepository(db),
    incidents: createIncidentsRepository(db),
    messages: createMessagesRepository(db),
    users: createUsersRepository(db),
    inbound: createInboundRepository(db),
    audit: createAuditRepository(db),
    systemState: createSystemStateRepository(db),
    responses: createResponsesRepository(db),
    rollCall: createRollCallRepository(db),
    outbox: createOutboxRepository(db),
    seen: createSeenRepository(db, vault),
    retention: createRetentionRepository(db),
    media: createMediaRepository(db),
    places: createPlacesRepository(db),
    verifications: createVerificationsRepository(db),
    dispatcherPaging: createDispatcherPagingRepository(db),
    followThrough: createFollowThroughRepository(db),
  };
}
export type Repositories = ReturnType<typeof createRepositories>;

export function createDeps(config: Config, log: Logger, options: { now?: () => number } = {}): Deps {
  const now = options.now ?? Date.now;
  const db = openDatabase(config.databasePath);
  applyMigrations(db);
  const vault = createPhoneVault(config.keys);
  const repos = createRepositories(db, vault);
  const redis = producerConnection(config.redisUrl);
  // An 'error' listener keeps a Redis outage from crashing the process; health reports it instead.
  redis.on('error', (error: Error) => log.debug({ err: error.message }, 'redis connection error'));
  const queues = createQueues(redis, config.queuePrefix, { attempts: config.sms.sendAttempts, baseMs: config.sms.retryBaseMs }, {
    batch: sendPacing(config.sms.ratePerSecond, config.twilio.maxInFlight).batch,
    priorities: (ids) => new Map(repos.messages.kindsOf(ids).map((row) => [row.id, sendPriority(row.kind, row.drill)])),
  });
  for (const queue of [queues.reports, queues.alerts, queues.send, queues.maintenance, queues.media, queues.pages]) {
    queue.on('error', (error: Error) => log.debug({ err: error.message, queue: queue.name }, 'queue error'));
  }
  const sms =
    config.sms.provider === 'twilio'
      ? createTwilioProvider({
          accountSid: config.twilio.accountSid ?? '',
          authToken: config.twilio.authToken ?? '',
          fromNumber: config.twilio.fromNumber,
          messagingServiceSid: config.twilio.messagingServiceSid,
          apiBaseUrl: config.twilio.apiBaseUrl,
          statusCallbackUrl: `${config.publicUrl}/twilio/status`,
          timeoutMs: config.twilio.timeoutMs,
          maxInFlight: config.twilio.maxInFlight,
        })
      : createOutboxProvider(repos.outbox, vault, now);
  const events = createEventsPublisher(redis, config.queuePrefix, log);
  const locator = createLocator({ repos, config, log, now });
  // Loads the gazetteers (and builds the street vocabulary) now rather than inside the first webhook's transaction.
  locator.read('ICE at 24th and Mission, 94110');

  return {
    config,
    log,
    db,
    writes: createWriteBatcher(db),
    vault,
    repos,
    redis,
    queues,
    sms,
    events,
    locator,
    now,
    async close() {
      await queues.close();
      redis.disconnect();
      db.$client.close();
    },
  };
}
