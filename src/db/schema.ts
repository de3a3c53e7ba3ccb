// The database schema. Times are milliseconds since the epoch (UTC). Phone numbers never appear in plain text:
// `phone_hash` is a keyed hash for lookups, `phone_enc` an AES-GCM ciphertext, `phone_mask` e.g. +1•••••••1234.
import { sql } from 'drizzle-orm';
import { blob, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { Area, IncidentKind, IncidentStatus, Locale, LocationSource, MemberRole, MemberStatus, Precision, ReportDetails, WeeklyShift } from '../domain/types.js';

const createdAt = () => integer('created_at').notNull();

/** Where a report or an incident is; all null while unplaced. */
const placement = () => ({
  lat: real('lat'),
  lng: real('lng'),
  label: text('label'),
  precision: text('precision').$type<Precision>(),
  zip: text('zip'),
  /** Where the place came from (places, streets, geocoder, zip, photo, dispatcher, …) and the words it was read from. */
  locationSource: text('location_source').$type<LocationSource>(),
  locationWords: text('location_words'),
});

/** Everyone who has texted the line or been texted by it, by phone number. */
export const contacts = sqliteTable('contacts', {
  id: text('id').primaryKey(),
  phoneHash: text('phone_hash').notNull().unique(),
  // Kept only while the number is a member or in a follow-up conversation (wiped for plain reporters).
  phoneEnc: text('phone_enc'),
  phoneMask: text('phone_mask'),
  locale: text('locale').$type<Locale>(),
  localeExplicit: integer('locale_explicit', { mode: 'boolean' }).notNull().default(false),
  stoppedAt: integer('stopped_at'),
  unreachableAt: integer('unreachable_at'),
  /** Delivery failures in a row that say the number may be unreachable (30003/30005/30006); reset by a delivery. */
  deliveryFailures: integer('delivery_failures').notNull().default(0),
  /** `DRILLS OFF`: drill messages never reach this number. */
  drillsOff: integer('drills_off', { mode: 'boolean' }).notNull().default(false),
  firstSeenAt: integer('first_seen_at').notNull(),
  lastSeenAt: integer('last_seen_at').notNull(),
});

export const committees = sqliteTable('committees', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  area: text('area', { mode: 'json' }).$type<Area>().notNull(),
  inviteCode: text('invite_code').notNull().unique(),
  autoApprove: integer('auto_approve', { mode: 'boolean' }).notNull().default(false),
  createdAt: createdAt(),
});

export const members = sqliteTable(
  'members',
  {
    id: text('id').primaryKey(),
    committeeId: text('committee_id')
      .notNull()
      .references(() => committees.id, { onDelete: 'cascade' }),
    contactId: text('contact_id')
      .notNull()
      .references(() => contacts.id),
    role: text('role').$type<MemberRole>().notNull().default('responder'),
    status: text('status').$type<MemberStatus>().notNull().default('pending'),
    zip: text('zip'),
    lat: real('lat'),
    lng: real('lng'),
    note: text('note'),
    onDuty: integer('on_duty', { mode: 'boolean' }).notNull().default(true),
    /** Optional weekly shifts in the network's TIMEZONE: outside them a verifier or coordinator is off duty. */
    shifts: text('shifts', { mode: 'json' }).$type<WeeklyShift[]>(),
    createdAt: createdAt(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('members_committee_contact').on(t.committeeId, t.contactId), index('members_contact').on(t.contactId)],
);

export const places = sqliteTable('places', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  aliases: text('aliases', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
  lat: real('lat').notNull(),
  lng: real('lng').notNull(),
  kind: text('kind').$type<IncidentKind>(),
  createdAt: createdAt(),
  updatedAt: integer('updated_at').notNull().default(0),
});

/** One row per inbound MessageSid/CallSid: a replayed webhook gets the same answer and changes nothing. */
export const inboundMessages = sqliteTable(
  'inbound_messages',
  {
  sid: text('sid').primaryKey(),
  contactId: text('contact_id').references(() => contacts.id),
  kind: text('kind').notNull(),
  reply: text('reply'),
  receivedAt: integer('received_at').notNull(),
  /** When the provider's copy (message, media, recording) was deleted, with TWILIO_DELETE_AFTER_MINUTES set. */
  providerDeletedAt: integer('provider_deleted_at'),
},
  // The purge, the 24-hour wipe and the provider clean-up read these by time and by sender.
  (t) => [index('inbound_received').on(t.receivedAt), index('inbound_contact').on(t.contactId)],
);

export const incidents = sqliteTable(
  'incidents',
  {
    id: text('id').primaryKey(),
    code: text('code').notNull().unique(),
    status: text('status').$type<IncidentStatus>().notNull().default('new'),
    kind: text('kind').$type<IncidentKind>().notNull().default('other'),
    ...placement(),
    flood: integer('flood', { mode: 'boolean' }).notNull().default(false),
    drill: integer('drill', { mode: 'boolean' }).notNull().default(false),
    afterDismissedId: text('after_dismissed_id'),
    mergedIntoId: text('merged_into_id'),
    /** A report placed later put this incident where another one with alerts out is: a dispatcher decides. */
    mergeSuggestionId: text('merge_suggestion_id'),
    /** Raised by corroboration (distinct non-flood reporters close in space and time); never releases by itself. */
    priority: integer('priority').notNull().default(0),
    /** A verifier's FALSE conflicted with an approval: dispatchers decide. */
    disputedAt: integer('disputed_at'),
    dismissReason: text('dismiss_reason').$type<'false' | 'duplicate'>(),
    duplicateOfId: text('duplicate_of_id'),
    /** Verification escalation: which round of verifiers was asked last, and when the next step is due. */
    verifyRound: integer('verify_round').notNull().default(0),
    verifyNextAt: integer('verify_next_at'),
    /** First opened in the console (paging stops), paged by SMS, reminded as stale. */
    firstOpenedAt: integer('first_opened_at'),
    pagedAt: integer('paged_at'),
    staleRemindedAt: integer('stale_reminded_at'),
    firstReportedAt: integer('first_reported_at').notNull(),
    lastReportedAt: integer('last_reported_at').notNull(),
    confirmedAt: integer('confirmed_at'),
    closedAt: integer('closed_at'),
    // Set once the alert fan-out has written its ledger rows; the reconciler re-runs fan-outs missing it.
    alertPlannedAt: integer('alert_planned_at'),
    // Set when the alert fan-out job gave up after all its attempts: the reconciler stops re-queuing it.
    alertFailedAt: integer('alert_failed_at'),
    createdAt: createdAt(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('incidents_status').on(t.status, t.lastReportedAt)],
);

export const reports = sqliteTable(
  'reports',
  {
    id: text('id').primaryKey(),
    incidentId: text('incident_id').references(() => incidents.id),
    // Who sent it, only while the follow-up window lasts: unlinked with the 24-hour wipe of reporters' numbers.
    contactId: text('contact_id').references(() => contacts.id),
    /** The same random token for one reporter's reports within one incident: counts distinct reporters for good. */
    reporterToken: text('reporter_token'),
    channel: text('channel').$type<'sms' | 'voice'>().notNull(),
    text: text('text').notNull(),
    language: text('language'),
    kind: text('kind').$type<IncidentKind>().notNull().default('other'),
    ...placement(),
    locationText: text('location_text'),
    /** `received` until a worker has placed and clustered it; `failed` once its job gave up after every attempt. */
    status: text('status').$type<'received' | 'processed' | 'failed'>().notNull().default('received'),
    awaitingLocationUntil: integer('awaiting_location_until'),
    askedLocation: integer('asked_location', { mode: 'boolean' }).notNull().default(false),
    /** How many times the sender was asked where: after the second, a dispatcher places it. */
    locationAsks: integer('location_asks').notNull().default(0),
    /** What a dispatcher wants at a glance: vehicles, agencies, arrests, weapons, children, "right now". */
    details: text('details', { mode: 'json' }).$type<ReportDetails>(),
    /** Voice: `pending` while a transcription is awaited, `done` once `text` is a machine transcript, `none` when none will come. */
    transcript: text('transcript').$type<'pending' | 'done' | 'none'>(),
    /** Sent by a number new to the line during a flood warning: its incident triggers no automatic message. */
    flood: integer('flood', { mode: 'boolean' }).notNull().default(false),
    media: text('media', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    receivedAt: integer('received_at').notNull(),
    processedAt: integer('processed_at'),
  },
  (t) => [
    index('reports_incident').on(t.incidentId),
    index('reports_contact').on(t.contactId, t.receivedAt),
    index('reports_status').on(t.status),
  ],
);

export const incidentEvents = sqliteTable(
  'incident_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    incidentId: text('incident_id')
      .notNull()
      .references(() => incidents.id),
    at: integer('at').notNull(),
    type: text('type').notNull(),
    actorUserId: text('actor_user_id'),
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [index('incident_events_incident').on(t.incidentId, t.at)],
);

/**
 * Who approved an incident's alert: a console user, or (with verification requests, later) a member's contact.
 * One row per person per incident, so a second click counts once; the alert goes out at RELEASE_APPROVALS rows.
 */
export const releaseApprovals = sqliteTable(
  'release_approvals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    incidentId: text('incident_id')
      .notNull()
      .references(() => incidents.id),
    userId: text('user_id').references(() => users.id),
    contactId: text('contact_id').references(() => contacts.id),
    at: integer('at').notNull(),
  },
  (t) => [uniqueIndex('release_approvals_incident_user').on(t.incidentId, t.userId), uniqueIndex('release_approvals_incident_contact').on(t.incidentId, t.contactId)],
);

/**
 * One verifier asked to check one incident, with the random check code only they were sent: their `1/2 <check>`
 * acknowledges, their `CONFIRM/FALSE <check>` is their word.
 */
export const verificationRequests = sqliteTable(
  'verification_requests',
  {
    id: text('id').primaryKey(),
    incidentId: text('incident_id')
      .notNull()
      .references(() => incidents.id),
    contactId: text('contact_id')
      .notNull()
      .references(() => contacts.id),
    checkCode: text('check_code').notNull(),
    round: integer('round').notNull(),
    askedAt: integer('asked_at').notNull(),
    ack: text('ack').$type<'going' | 'cannot'>(),
    ackAt: integer('ack_at'),
    verdict: text('verdict').$type<'confirm' | 'false'>(),
    verdictAt: integer('verdict_at'),
  },
  (t) => [uniqueIndex('verification_requests_incident_contact').on(t.incidentId, t.contactId), index('verification_requests_check').on(t.checkCode)],
);

export const MESSAGE_STATUSES = [
  'queued', // written, waiting for a send job
  'sending', // claimed by a worker; the provider may be being called right now
  'unknown', // the provider call ended without an answer: check its message list before sending again
  'sent', // handed to the provider
  'delivered',
  'undelivered',
  'failed',
  'cancelled',
  'expired',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** The outgoing-message ledger: one row per recipient per message; the unique key makes a send happen once. */
export const outgoingMessages = sqliteTable(
  'outgoing_messages',
  {
    id: text('id').primaryKey(),
    dedupeKey: text('dedupe_key').notNull().unique(),
    incidentId: text('incident_id').references(() => incidents.id),
    contactId: text('contact_id')
      .notNull()
      .references(() => contacts.id),
    kind: text('kind').notNull(),
    locale: text('locale').$type<Locale>().notNull(),
    body: text('body').notNull(),
    status: text('status').$type<MessageStatus>().notNull().default('queued'),
    providerSid: text('provider_sid'),
    errorCode: text('error_code'),
    attempts: integer('attempts').notNull().default(0),
    distanceMeters: real('distance_meters'),
    notAfter: integer('not_after'),
    sendingAt: integer('sending_at'),
    sentAt: integer('sent_at'),
    providerDeletedAt: integer('provider_deleted_at'),
    createdAt: createdAt(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('outgoing_status').on(t.status),
    index('outgoing_incident').on(t.incidentId, t.kind),
    index('outgoing_contact').on(t.contactId, t.createdAt),
    uniqueIndex('outgoing_provider_sid').on(t.providerSid),
    // The console's catch-up (`updatedSince`) and the clean-up at the provider read rows by their last change.
    index('outgoing_updated').on(t.updatedAt),
  ],
);

/** A responder's "going" / "can't" for an incident; the latest answer counts. */
export const responses = sqliteTable(
  'responses',
  {
    id: text('id').primaryKey(),
    incidentId: text('incident_id')
      .notNull()
      .references(() => incidents.id),
    contactId: text('contact_id')
      .notNull()
      .references(() => contacts.id),
    answer: text('answer').$type<'going' | 'cannot'>().notNull(),
    at: integer('at').notNull(),
    /** `ON SCENE`: when they said they arrived. */
    arrivedAt: integer('arrived_at'),
  },
  (t) => [uniqueIndex('responses_incident_contact').on(t.incidentId, t.contactId)],
);

export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  role: text('role').$type<'admin' | 'dispatcher'>().notNull(),
  /** The TOTP secret, encrypted with DATA_KEY; set at enrolment, in use once `totpEnabledAt` is set. */
  totpSecret: text('totp_secret'),
  totpEnabledAt: integer('totp_enabled_at'),
  createdAt: createdAt(),
  disabledAt: integer('disabled_at'),
  /** For paging the user by SMS: encrypted and masked like members' numbers (no hash: never looked up by number). */
  phoneEnc: text('phone_enc'),
  phoneMask: text('phone_mask'),
  /** Paged by SMS (with a phone number) while on duty. */
  onDuty: integer('on_duty', { mode: 'boolean' }).notNull().default(true),
});

/** One-time links to set a password: stored by a keyed hash of their token; used once, then `usedAt` is set. */
export const passwordTokens = sqliteTable('password_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  createdAt: createdAt(),
  expiresAt: integer('expires_at').notNull(),
  usedAt: integer('used_at'),
});

/** Sessions are stored by an HMAC (keyed by SESSION_SECRET) of their token: a copy of this table opens no session. */
export const sessions = sqliteTable('sessions', {
  tokenHash: text('token_hash').primaryKey(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  createdAt: createdAt(),
  expiresAt: integer('expires_at').notNull(),
  /** Renewed at most once a minute; null until the first renewal (then `createdAt` counts). */
  lastUsedAt: integer('last_used_at'),
});

/** Wrong-password counts per account and per address; they slow attempts down, never lock anyone out. */
export const loginFailures = sqliteTable('login_failures', {
  key: text('key').primaryKey(),
  count: integer('count').notNull(),
  lastAt: integer('last_at').notNull(),
});

export const auditLog = sqliteTable('audit_log', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  at: integer('at').notNull(),
  actorUserId: text('actor_user_id'),
  action: text('action').notNull(),
  target: text('target'),
  detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
}, (t) => [index('audit_log_at').on(t.at)]);

/** Small durable flags shared by all processes, e.g. "sending paused: bad credentials". */
export const systemState = sqliteTable('system_state', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** Outbox mode: what would have been sent. */
export const outboxMessages = sqliteTable('outbox_messages', {
  id: text('id').primaryKey(),
  sid: text('sid').notNull().unique(),
  toHash: text('to_hash').notNull(),
  toMask: text('to_mask').notNull(),
  body: text('body').notNull(),
  createdAt: createdAt(),
});

/**
 * "Was this number seen lately?" for the flood rule, without a long-lived hash: each day's numbers are hashed
 * under that day's random key, and the key and its hashes are deleted together when the day leaves the window.
 */
export const seenDays = sqliteTable('seen_days', {
  day: text('day').primaryKey(),
  key: text('key').notNull(),
  createdAt: createdAt(),
});

export const seenNumbers = sqliteTable(
  'seen_numbers',
  {
    day: text('day')
      .notNull()
      .references(() => seenDays.day, { onDelete: 'cascade' }),
    hash: text('hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.hash] })],
);

/**
 * Photos and recordings of reports, fetched from the provider once and kept here sealed under DATA_KEY (AES-GCM):
 * in the database, they go with their report in the same purge and the same backup, and leave no loose files.
 * One row per entry of `reports.media` (the provider's URLs, kept there until deleted at the provider), by position;
 * `failed` rows hold no bytes (off the provider's host, too big, or the job gave up), so nothing is fetched twice.
 */
export const media = sqliteTable(
  'media',
  {
    id: text('id').primaryKey(),
    reportId: text('report_id')
      .notNull()
      .references(() => reports.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    kind: text('kind').$type<'photo' | 'recording'>().notNull(),
    status: text('status').$type<'stored' | 'failed'>().notNull(),
    contentType: text('content_type'),
    size: integer('size'),
    sealed: blob('sealed', { mode: 'buffer' }),
    /** Where the photo says it was taken (EXIF GPS, read before the metadata is stripped). */
    gpsLat: real('gps_lat'),
    gpsLng: real('gps_lng'),
    fetchedAt: integer('fetched_at').notNull(),
  },
  (t) => [uniqueIndex('media_report_position').on(t.reportId, t.position)],
);

/**
 * A transcript Twilio posted before its call's report was filed (the recording and transcription webhooks race, and
 * Twilio does not retry a callback we refuse): kept by the call, sealed under DATA_KEY, until the report is filed
 * (then it becomes the report's text) or the transcript wait has passed (then it is dropped).
 */
export const waitingTranscripts = sqliteTable(
  'waiting_transcripts',
  {
    callSid: text('call_sid').primaryKey(),
    recordingSid: text('recording_sid'),
    /** The transcript with numbers masked, sealed; null when Twilio's transcription failed or was empty. */
    sealedText: text('sealed_text'),
    receivedAt: integer('received_at').notNull(),
  },
  (t) => [index('waiting_transcripts_received').on(t.receivedAt)],
);
