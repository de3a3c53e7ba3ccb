// The environment, parsed and validated once at start-up. Nothing else reads process.env.
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { z } from 'zod';
import { isLocale, type Locale } from './domain/types.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
/** A number from the environment; "ten" or "5m" is refused with a message that says what is wanted. */
const number = () => z.coerce.number({ error: (issue) => (issue.code === 'invalid_type' ? 'must be a number' : undefined) });
const nonNegative = number().finite().nonnegative();
const positive = number().finite().positive();
const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  TRUST_PROXY: optionalText,
  PUBLIC_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  DATABASE_PATH: z.string().min(1).default('./data/centinela.db'),
  STREETS_FILE: optionalText,
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('centinela'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SMS_PROVIDER: optionalText.pipe(z.enum(['twilio', 'outbox']).optional()),
  TWILIO_ACCOUNT_SID: optionalText,
  TWILIO_AUTH_TOKEN: optionalText,
  TWILIO_FROM_NUMBER: optionalText,
  TWILIO_MESSAGING_SERVICE_SID: optionalText,
  TWILIO_API_BASE_URL: optionalText.pipe(z.url().optional()),
  TWILIO_TIMEOUT_MS: number().int().positive().default(10_000),
  TWILIO_MAX_IN_FLIGHT: number().int().min(1).max(1000).default(200),
  SMS_RATE_PER_SECOND: nonNegative.default(10),
  SMS_SEND_ATTEMPTS: number().int().min(1).max(50).default(8),
  SMS_RETRY_BASE_MS: number().int().min(1).max(600_000).default(2000),
  DATA_KEY: optionalText,
  DATA_KEY_PREVIOUS: optionalText,
  HASH_KEY: optionalText,
  SESSION_SECRET: optionalText,
  RETENTION_DAYS: positive.default(30),
  TWILIO_DELETE_AFTER_MINUTES: z.preprocess((v) => (v === '' ? undefined : v), positive.optional()),
  FOLLOWUP_MINUTES: positive.default(15),
  CLUSTER_METERS: positive.default(400),
  CLUSTER_MINUTES: positive.default(30),
  INCIDENT_EXPIRE_MINUTES: positive.default(240),
  ALERT_VALIDITY_SECONDS: positive.default(900),
  RELEASE_APPROVALS: number().int().min(1).default(2),
  REPORTER_THANKS: optionalText.pipe(bool.optional()),
  VERIFY_FANOUT: number().int().min(1).default(3),
  VERIFY_ACK_MINUTES: positive.default(5),
  ADMIN_NOTICE_RECIPIENTS: nonNegative.default(500),
  TIMEZONE: z.string().trim().refine(isTimeZone, 'must be an IANA time zone, e.g. America/Los_Angeles').default('America/Los_Angeles'),
  PAGE_AFTER_SECONDS: positive.default(60),
  STALE_HOURS: positive.default(6),
  CORROBORATE_REPORTERS: number().int().min(2).default(3),
  CORROBORATE_METERS: positive.default(400),
  CORROBORATE_MINUTES: positive.default(15),
  DEFAULT_LOCALE: z.string().refine(isLocale, 'must be one of en, es, tl').default('en'),
  // Named in HELP and JOIN replies (carriers require it); short, so that those replies stay within two segments.
  PROGRAM_NAME: z.string().trim().min(1).max(30, 'must be at most 30 characters').default('Centinela'),
  LIMIT_REPORTS_PER_NUMBER_PER_HOUR: nonNegative.default(10),
  LIMIT_JOINS_PER_MINUTE: nonNegative.default(30),
  LIMIT_HIDDEN_NUMBER_REPORTS_PER_HOUR: nonNegative.default(30),
  LIMIT_KEYWORDS_PER_NUMBER_PER_HOUR: nonNegative.default(30),
  FLOOD_NEW_REPORTERS_PER_10_MIN: nonNegative.default(25),
  SESSION_TTL_HOURS: positive.default(168),
  SESSION_IDLE_MINUTES: positive.default(720),
  MAINTENANCE_EVERY_MS: number().int().min(1000).default(60_000),
  JOB_LOCK_MS: number().int().min(1000).default(30_000),
  SECURE_COOKIES: optionalText.pipe(bool.optional()),
  // Twilio's legacy <Record> transcription: English only, recordings up to two minutes.
  TRANSCRIBE: optionalText.pipe(z.enum(['twilio'], { error: 'must be twilio, or left unset' }).optional()),
  MAP_TILES_URL: z
    .string()
    .trim()
    .refine((v) => v === 'none' || /^https?:\/\/[^/]+\/.*\{z\}.*\{x\}.*\{y\}/.test(v), 'must be "none" or a tile URL with {z}, {x} and {y}, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png')
    .default('https://tile.openstreetmap.org/{z}/{x}/{y}.png'),
  GEOCODER_URL: optionalText.pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. http://127.0.0.1:8080' }).optional()),
  GEOCODER_TIMEOUT_MS: number().int().min(100).max(60_000).default(2000),
  GEOCODER_RATE_PER_SECOND: nonNegative.default(1),
  GEOCODER_COUNTRY: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z]{2}(,[a-z]{2})*$/, 'must be two-letter country codes separated by commas, e.g. us or us,mx')
    .default('us'),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** Whose X-Forwarded-For to believe: false, or the proxy's addresses or CIDRs (fastify's trustProxy list). */
  trustProxy: false | string[];
  publicUrl: string;
  dataDir: string;
  databasePath: string;
  /** The offline street index written by `npm run streets:import` (gzip JSON); absent means no street lookups. */
  streetsFile: string;
  redisUrl: string;
  queuePrefix: string;
  logLevel: string;
  sms: {
    provider: 'twilio' | 'outbox';
    ratePerSecond: number;
    sendAttempts: number;
    /** First retry delay; it doubles per attempt, with jitter. */
    retryBaseMs: number;
    alertValiditySeconds: number;
  };
  twilio: {
    accountSid?: string;
    authToken?: string;
    fromNumber?: string;
    messagingServiceSid?: string;
    apiBaseUrl?: string;
    timeoutMs: number;
    /** Requests to Twilio in flight at once per process (Twilio answers 429 to an account with too many). */
    maxInFlight: number;
    deleteAfterMinutes?: number;
  };
  keys: {
    data: Buffer;
    dataPrevious?: Buffer;
    hash: Buffer;
    session: Buffer;
  };
  retentionDays: number;
  followupMinutes: number;
  clusterMeters: number;
  clusterMinutes: number;
  incidentExpireMinutes: number;
  /** How many different people must approve an incident before its alert goes out. */
  releaseApprovals: number;
  /** A reporter whose number is still held gets one text when their report led to an alert. */
  reporterThanks: boolean;
  /** Verification requests: how many nearest on-duty verifiers are asked at once, and how long before the next ones are. */
  verify: { fanout: number; ackMinutes: number };
  /** Admins get an SMS when a released alert reaches more people than this. */
  adminNoticeRecipients: number;
  /** The network's time zone (IANA), for duty shifts. */
  timezone: string;
  /** Dispatchers are paged by SMS about a new incident nobody opened this soon, and reminded of a confirmed one open this long. */
  paging: { afterSeconds: number; staleHours: number };
  /** This many distinct non-flood reporters this close in space and time raise an incident's priority. */
  corroboration: { reporters: number; meters: number; minutes: number };
  defaultLocale: Locale;
  /** The program's name as HELP and JOIN replies give it. */
  programName: string;
  limits: {
    reportsPerNumberPerHour: number;
    joinsPerMinute: number;
    /** Reports from senders that are not a phone number (withheld caller ID), across the whole line. */
    hiddenNumberReportsPerHour: number;
    keywordsPerNumberPerHour: number;
    floodNewReportersPer10Min: number;
  };
  sessionTtlHours: number;
  /** A session unused this long ends (SESSION_TTL_HOURS still caps its whole life). */
  sessionIdleMinutes: number;
  secureCookies: boolean;
  /** The console map's tile URL template, or null for no tiles (nothing tells a tile server where dispatchers look). */
  mapTilesUrl: string | null;
  /** Who transcribes voice reports (their text is then read like an SMS); null: nobody, dispatchers listen. */
  transcribe: 'twilio' | null;
  /** How often the worker role reconciles, expires, purges and backfills. */
  maintenanceEveryMs: number;
  /** BullMQ's job lock and stalled-job check interval: a dead worker's running jobs run again within about twice this. */
  jobLockMs: number;
  /** The operator's own Nominatim-compatible search API; null when GEOCODER_URL is unset (report text stays here). */
  geocoder: { url: string; timeoutMs: number; ratePerSecond: number; country: string } | null;
}

/** Parses the environment; throws ConfigError with one line naming the variable that is wrong. */
export function loadConfig(env: NodeJS.ProcessEnv = readProcessEnv()): Config {
  // An empty value (`PORT=` in .env) means "not set", never 0.
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = issue?.path.join('.') ?? 'environment';
    throw new ConfigError(`${name}: ${issue?.message ?? 'invalid'} (got ${JSON.stringify(env[name] ?? null)})`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const databasePath = resolve(e.DATABASE_PATH);
  const dataDir = dirname(databasePath);

  const provider = e.SMS_PROVIDER ?? (e.TWILIO_ACCOUNT_SID ? 'twilio' : 'outbox');
  if (production) {
    for (const name of ['DATA_KEY', 'HASH_KEY', 'SESSION_SECRET', 'TWILIO_AUTH_TOKEN'] as const) {
      if (!e[name]) throw new ConfigError(`${name} is required when NODE_ENV=production`);
    }
    if (provider === 'outbox' && e.SMS_PROVIDER !== 'outbox') {
      throw new ConfigError('TWILIO_ACCOUNT_SID is missing: set it, or set SMS_PROVIDER=outbox to run without sending');
    }
  }
  if (production) checkProduction(e, publicUrl);
  if (provider === 'twilio') checkTwilio(e);

  const key = (name: 'DATA_KEY' | 'HASH_KEY' | 'SESSION_SECRET'): Buffer =>
    e[name] !== undefined ? decodeKey(name, e[name]) : devKey(name, dataDir, production);

  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    publicUrl,
    dataDir,
    databasePath,
    streetsFile: e.STREETS_FILE === undefined ? join(dataDir, 'streets.json.gz') : resolve(e.STREETS_FILE),
    redisUrl: e.REDIS_URL,
    queuePrefix: e.QUEUE_PREFIX,
    logLevel: e.LOG_LEVEL,
    sms: {
      provider,
      ratePerSecond: e.SMS_RATE_PER_SECOND,
      sendAttempts: e.SMS_SEND_ATTEMPTS,
      retryBaseMs: e.SMS_RETRY_BASE_MS,
      alertValiditySeconds: e.ALERT_VALIDITY_SECONDS,
    },
    twilio: {
      accountSid: e.TWILIO_ACCOUNT_SID,
      authToken: e.TWILIO_AUTH_TOKEN,
      fromNumber: e.TWILIO_FROM_NUMBER,
      messagingServiceSid: e.TWILIO_MESSAGING_SERVICE_SID,
      apiBaseUrl: e.TWILIO_API_BASE_URL,
      timeoutMs: e.TWILIO_TIMEOUT_MS,
      maxInFlight: e.TWILIO_MAX_IN_FLIGHT,
      deleteAfterMinutes: e.TWILIO_DELETE_AFTER_MINUTES,
    },
    keys: {
      data: key('DATA_KEY'),
      dataPrevious: e.DATA_KEY_PREVIOUS ? decodeKey('DATA_KEY_PREVIOUS', e.DATA_KEY_PREVIOUS) : undefined,
      hash: key('HASH_KEY'),
      session: key('SESSION_SECRET'),
    },
    retentionDays: e.RETENTION_DAYS,
    followupMinutes: e.FOLLOWUP_MINUTES,
    clusterMeters: e.CLUSTER_METERS,
    clusterMinutes: e.CLUSTER_MINUTES,
    incidentExpireMinutes: e.INCIDENT_EXPIRE_MINUTES,
    releaseApprovals: e.RELEASE_APPROVALS,
    reporterThanks: e.REPORTER_THANKS ?? true,
    verify: { fanout: e.VERIFY_FANOUT, ackMinutes: e.VERIFY_ACK_MINUTES },
    adminNoticeRecipients: e.ADMIN_NOTICE_RECIPIENTS,
    timezone: e.TIMEZONE,
    paging: { afterSeconds: e.PAGE_AFTER_SECONDS, staleHours: e.STALE_HOURS },
    corroboration: { reporters: e.CORROBORATE_REPORTERS, meters: e.CORROBORATE_METERS, minutes: e.CORROBORATE_MINUTES },
    defaultLocale: e.DEFAULT_LOCALE as Locale,
    programName: e.PROGRAM_NAME,
    limits: {
      reportsPerNumberPerHour: e.LIMIT_REPORTS_PER_NUMBER_PER_HOUR,
      joinsPerMinute: e.LIMIT_JOINS_PER_MINUTE,
      hiddenNumberReportsPerHour: e.LIMIT_HIDDEN_NUMBER_REPORTS_PER_HOUR,
      keywordsPerNumberPerHour: e.LIMIT_KEYWORDS_PER_NUMBER_PER_HOUR,
      floodNewReportersPer10Min: e.FLOOD_NEW_REPORTERS_PER_10_MIN,
    },
    sessionTtlHours: e.SESSION_TTL_HOURS,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    maintenanceEveryMs: e.MAINTENANCE_EVERY_MS,
    jobLockMs: e.JOB_LOCK_MS,
    secureCookies: e.SECURE_COOKIES ?? publicUrl.startsWith('https://'),
    mapTilesUrl: e.MAP_TILES_URL === 'none' ? null : e.MAP_TILES_URL,
    geocoder: e.GEOCODER_URL
      ? { url: e.GEOCODER_URL.replace(/\/+$/, ''), timeoutMs: e.GEOCODER_TIMEOUT_MS, ratePerSecond: e.GEOCODER_RATE_PER_SECOND, country: e.GEOCODER_COUNTRY }
      : null,
    transcribe: e.TRANSCRIBE ?? null,
  };
}

type Env = z.infer<typeof envSchema>;

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function checkTwilio(e: Env): void {
  if (!e.TWILIO_ACCOUNT_SID || !e.TWILIO_AUTH_TOKEN) {
    throw new ConfigError('SMS_PROVIDER=twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN');
  }
  if (!/^AC[0-9a-f]{32}$/.test(e.TWILIO_ACCOUNT_SID)) {
    throw new ConfigError('TWILIO_ACCOUNT_SID must be AC followed by 32 hex digits: copy the Account SID from the Twilio console');
  }
  if (!e.TWILIO_FROM_NUMBER && !e.TWILIO_MESSAGING_SERVICE_SID) {
    throw new ConfigError('SMS_PROVIDER=twilio needs TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID');
  }
  if (e.TWILIO_FROM_NUMBER && !/^\+[1-9]\d{6,14}$/.test(e.TWILIO_FROM_NUMBER)) {
    throw new ConfigError('TWILIO_FROM_NUMBER must be in E.164 form, e.g. +15551234567 (a plus, the country code, no spaces)');
  }
}

function checkProduction(e: Env, publicUrl: string): void {
  const url = new URL(publicUrl);
  if (/^(localhost|127\.|\[::1\])/i.test(url.hostname)) {
    throw new ConfigError('PUBLIC_URL must be the public address Twilio posts to when NODE_ENV=production, not localhost');
  }
  if (url.protocol !== 'https:') throw new ConfigError('PUBLIC_URL must start with https:// when NODE_ENV=production (Twilio signs the https address)');
  if (url.pathname !== '/' || url.search !== '') {
    throw new ConfigError(`PUBLIC_URL must be an origin with no path, e.g. https://${url.host} (webhook signatures are checked against it plus the route)`);
  }
  // Compared as bytes: the same key written with or without padding, or in base64url, is still the same key.
  const keys = (['DATA_KEY', 'HASH_KEY', 'SESSION_SECRET'] as const).flatMap((name) => (e[name] === undefined ? [] : [{ name, bytes: decodeKey(name, e[name]) }]));
  for (const [i, a] of keys.entries()) {
    for (const b of keys.slice(i + 1)) {
      if (a.bytes.equals(b.bytes)) throw new ConfigError(`${a.name} and ${b.name} are the same key: give each its own (openssl rand -base64 32)`);
    }
  }
}

/**
 * Only the proxy's own address may vouch for a client's: `true` (believe any X-Forwarded-For) or a hop count would
 * let every client choose its address, and with it a fresh login-throttle count per try.
 */
function parseTrustProxy(value: string | undefined): false | string[] {
  if (value === undefined || value === 'false') return false;
  const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const named = ['loopback', 'linklocal', 'uniquelocal'].includes(entry);
    const family = isIP(address ?? '');
    const maxBits = family === 4 ? 32 : 128;
    const bitsOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
    if (!named && (family === 0 || !bitsOk || extra !== undefined)) {
      throw new ConfigError(
        `TRUST_PROXY must be the reverse proxy's address or CIDR (e.g. TRUST_PROXY=127.0.0.1 or 10.0.0.0/8), not ${JSON.stringify(value)}`,
      );
    }
  }
  return entries.length > 0 ? entries : false;
}

/** `.env` is read if present; real environment variables win over it. */
function readProcessEnv(): NodeJS.ProcessEnv {
  loadDotenv({ quiet: true });
  return process.env;
}

function decodeKey(name: string, value: string): Buffer {
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32) throw new ConfigError(`${name} must be 32 bytes, base64-encoded (openssl rand -base64 32)`);
  return key;
}

/**
 * Development keys are generated once into the data folder (mode 0600). Several processes may start at
 * once: the key is written to a temp file and hard-linked into place, so exactly one of them wins.
 */
function devKey(name: string, dataDir: string, production: boolean): Buffer {
  if (production) throw new ConfigError(`${name} is required when NODE_ENV=production`);
  const file = join(dataDir, `${name.toLowerCase()}.key`);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(temp, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
    try {
      linkSync(temp, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(temp);
    }
  }
  return decodeKey(`${name} (${file})`, readFileSync(file, 'utf8').trim());
}
