// The console API's shapes, in one place. Routes declare them (fastify-type-provider-zod validates requests and
// serializes answers with them), src/http/api/views.ts builds objects of these types, and the console's typed
// client imports the same schemas and types, so server and client cannot drift.
// A field missing from a view schema is not sent: answers carry exactly what is declared here.
import { z } from 'zod';
import { MESSAGE_STATUSES } from '../db/schema.js';
import { INCIDENT_KINDS, INCIDENT_STATUSES, LOCALES, LOCATION_SOURCES, MEMBER_ROLES, MEMBER_STATUSES, PRECISIONS } from '../domain/types.js';
import { areaSchema } from '../geo/areas.js';
import { TOTP_CODE } from '../services/totp.js';
import { MAX_PLACES_FILE_CHARS, PLACE_FILE_FORMATS, placeFields, placeInputSchema } from '../services/places-import.js';

// ---- errors -------------------------------------------------------------------------------------------------------

export const errorSchema = z.object({ error: z.string() });
/** Every route's error answers: `{ "error": "<message>" }`. */
export const errorResponses = { '4xx': errorSchema, '5xx': errorSchema } as const;

// ---- requests -----------------------------------------------------------------------------------------------------

/** State changes carry a JSON object; `{}` when there is nothing to say. */
export const emptyBody = z.object({});

export const idParams = z.object({ id: z.string().min(1).max(128) });

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.string().min(1).max(64).optional(),
});

export const incidentListQuery = pageQuery.extend({
  status: z.enum(INCIDENT_STATUSES).optional(),
  /** Only incidents changed after this time: the console catches up with it after a reconnect. */
  updatedSince: z.iso.datetime({ offset: true }).optional(),
});

/** An incident's id, or its code (`6TWM`) in any case. */
export const incidentParams = idParams;

export const reportListQuery = pageQuery.extend({
  since: z.iso.datetime({ offset: true }).optional(),
  unplaced: z.enum(['true', 'false']).optional(),
});

export const outboxQuery = pageQuery.pick({ limit: true });

export const loginBody = z.object({
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(1024),
  code: z.string().trim().max(16).optional(),
});

export const totpStartBody = z.object({ password: z.string().min(1).max(1024), code: z.string().trim().max(16).optional() });
export const totpConfirmBody = z.object({ code: z.string().trim().regex(TOTP_CODE, 'must be the 6-digit code from the authenticator app') });

export const committeeCreateBody = z.object({
  name: z.string().trim().min(1).max(80),
  area: areaSchema,
  autoApprove: z.boolean().optional(),
});

export const weeklyShiftSchema = z
  .object({ day: z.number().int().min(0).max(6), start: z.number().int().min(0).max(1439), end: z.number().int().min(1).max(1440) })
  .refine((shift) => shift.start !== shift.end, 'a shift must not start and end at the same minute');

export const memberPatchBody = z
  .object({
    role: z.enum(MEMBER_ROLES).optional(),
    status: z.enum(MEMBER_STATUSES).optional(),
    zip: z.union([z.string().regex(/^\d{5}$/, 'must be a 5-digit ZIP code'), z.null()]).optional(),
    onDuty: z.boolean().optional(),
    /** Weekly on-duty windows in TIMEZONE (day 0 = Sunday, minutes since midnight, end exclusive); null or [] for none. */
    shifts: z.union([z.array(weeklyShiftSchema).max(50), z.null()]).optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');

/** A CSV file's text (the console reads the file): columns phone (required), zip, role, note, language. */
export const memberImportBody = z.object({ csv: z.string().min(1).max(1_000_000) });
export const memberImportResultSchema = z.object({
  imported: z.number().int(),
  skipped: z.number().int(),
  /** A bad row, by its line in the file (the header is line 1); the number is never repeated. */
  errors: z.array(z.object({ line: z.number().int(), error: z.string() })),
});

export const placeIncidentBody = z.object({
  lat: z.number().finite().min(-90).max(90),
  lng: z.number().finite().min(-180).max(180),
  label: z.string().trim().max(120).optional(),
  /** How precise the place is (default `point`: a click on the map); a place found from a ZIP code is `zip`. */
  precision: z.enum(PRECISIONS).optional(),
  zip: z.string().regex(/^\d{5}$/, 'must be a 5-digit ZIP code').optional(),
});

/** `POST /api/drills`: where the drill is played out (a place found from a ZIP code is `zip`, as for a real one) and what kind of raid it rehearses. */
export const drillCreateBody = z.object({
  location: placeIncidentBody,
  kind: z.enum(INCIDENT_KINDS).default('other'),
});

export const geocodeQuery = z.object({ q: z.string().trim().min(1).max(200) });
/** What the offline parser read from a ZIP code or place name typed into the console's `Place` field. */
export const geocodedSchema = z.object({ lat: z.number(), lng: z.number(), label: z.string(), precision: z.enum(PRECISIONS), zip: z.string().nullable() });
export const zipCellsSchema = z.object({ cells: z.array(z.object({ zip: z.string(), polygon: z.array(z.tuple([z.number(), z.number()])) })) });

export const USER_ROLES = ['admin', 'dispatcher'] as const;
const phoneInput = z.string().trim().regex(/^\+?[\d\s().-]{7,20}$/, 'must be a phone number');

export const userCreateBody = z.object({
  email: z.email().max(320),
  role: z.enum(USER_ROLES),
  phone: phoneInput.optional(),
});

export const userPatchBody = z
  .object({ role: z.enum(USER_ROLES).optional(), disabled: z.boolean().optional(), phone: z.union([phoneInput, z.null()]).optional() })
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');

/** The signed-in user's own paging settings; `locale` is the console's language, which pages are written in. */
export const mePatchBody = z
  .object({ phone: z.union([phoneInput, z.null()]).optional(), onDuty: z.boolean().optional(), locale: z.enum(LOCALES).optional() })
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');

export const passwordSetBody = z.object({
  token: z.string().min(16).max(128),
  password: z.string().min(12, 'must be at least 12 characters').max(1024),
});

export const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** An entry id (numbers, newest first) or an ISO time from the previous page. */
  before: z.union([z.string().regex(/^\d{1,15}$/), z.iso.datetime({ offset: true })]).optional(),
  action: z.string().min(1).max(64).optional(),
  actor: z.string().min(1).max(128).optional(),
  target: z.string().min(1).max(128).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
});

export const committeePatchBody = z
  .object({ name: z.string().trim().min(1).max(80).optional(), area: areaSchema.optional(), autoApprove: z.boolean().optional() })
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');

// ---- views (answers) ----------------------------------------------------------------------------------------------

/** ISO 8601 in UTC, as `Date#toISOString()` writes it. */
const time = z.iso.datetime();

export const locationSchema = z
  .object({
    lat: z.number(),
    lng: z.number(),
    label: z.string(),
    precision: z.enum(PRECISIONS).nullable(),
    /** Where the place came from (`photo`: a photo's GPS, `keypad`: a caller's ZIP, …); null when not recorded. */
    source: z.enum(LOCATION_SOURCES).nullable(),
    /** The words of the text the place was read from, for highlighting; null when not read from words. */
    words: z.string().nullable(),
  })
  .nullable();

/** What a report says besides where: only what was found is present. */
export const detailsSchema = z.object({
  vehicles: z.number().int().optional(),
  agencies: z.array(z.string()).optional(),
  happeningNow: z.boolean().optional(),
  arrests: z.boolean().optional(),
  weapons: z.boolean().optional(),
  children: z.boolean().optional(),
});

const position = z.tuple([z.number(), z.number()]);
/** A committee's area as stored (the request's `areaSchema` checks and normalises it on the way in). */
export const areaViewSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('zips'), zips: z.array(z.string()) }),
  z.object({ type: z.literal('circle'), center: z.object({ lat: z.number(), lng: z.number() }), radiusMeters: z.number() }),
  z.object({
    type: z.literal('polygon'),
    geojson: z.discriminatedUnion('type', [
      z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(position)) }),
      z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(z.array(position))) }),
    ]),
  }),
]);

export const incidentSchema = z.object({
  id: z.string(),
  code: z.string(),
  status: z.enum(INCIDENT_STATUSES),
  kind: z.enum(INCIDENT_KINDS),
  location: locationSchema,
  reportCount: z.number().int(),
  distinctReporters: z.number().int(),
  /** Reporters with a report marked `flood`; the incident is `flood` while that is every one of them. */
  floodReporters: z.number().int(),
  flood: z.boolean(),
  drill: z.boolean(),
  /** Corroboration: how many distinct non-flood reporters saw it close together (0 until CORROBORATE_REPORTERS did). */
  priority: z.number().int(),
  afterDismissedId: z.string().nullable(),
  firstReportedAt: time,
  lastReportedAt: time,
  confirmedAt: time.nullable(),
  /** Set when the alert fan-out gave up after all its attempts: confirming again retries it. */
  alertFailedAt: time.nullable(),
  closedAt: time.nullable(),
  createdAt: time,
  updatedAt: time,
});

/** `POST /api/incidents/:id/confirm`: the incident, how many different people approved its alert, and how many must. */
export const confirmationSchema = incidentSchema.extend({ approvals: z.number().int(), needed: z.number().int() });

/** `POST /api/incidents/:id/messages`: the dispatcher's words; the whole update must fit two segments in every language. */
export const updateBody = z.object({ text: z.string().trim().min(1).max(1600) });
/** `dismiss`: why; a duplicate names the incident it repeats (id or code). */
export const dismissBody = z.object({ reason: z.enum(['false', 'duplicate']).optional(), duplicateOf: z.string().trim().min(1).max(128).optional() });
export const mergeBody = z.object({ into: z.string().trim().min(1).max(128) });
/** An update or a reminder: the incident, and how many people it was written for. */
export const followUpSentSchema = incidentSchema.extend({ recipients: z.number().int() });

export const reportSchema = z.object({
  id: z.string(),
  incidentId: z.string().nullable(),
  channel: z.enum(['sms', 'voice']),
  text: z.string(),
  language: z.string().nullable(),
  kind: z.enum(INCIDENT_KINDS),
  location: locationSchema,
  locationText: z.string().nullable(),
  details: detailsSchema,
  /** Sent by a number new to the line during a flood warning. */
  flood: z.boolean(),
  /** `received` until a worker placed and clustered it; `failed` when that gave up after every attempt. */
  status: z.enum(['received', 'processed', 'failed']),
  receivedAt: time,
  /** Photos and recordings kept for this report, served by the console only (never the provider's URLs). */
  media: z.array(z.object({ id: z.string(), kind: z.enum(['photo', 'recording']), contentType: z.string(), url: z.string() })),
  /** Voice: `pending` while Twilio transcribes, `done` once `text` is the transcript, `none` when none will come; null for texts. */
  transcript: z.enum(['pending', 'done', 'none']).nullable(),
  /** `text` was made by a machine (a voice transcript), not written by the reporter. */
  machineText: z.boolean(),
});

export const incidentDetailSchema = incidentSchema.extend({
  mergedIntoId: z.string().nullable(),
  /** Another open incident that reports place at the same spot, with alerts out for both: a dispatcher may merge them. */
  mergeSuggestion: z.object({ id: z.string(), code: z.string() }).nullable(),
  /** `reporter`: "A", "B", … — the same letter for one sender's reports in this incident; never who they are. */
  reports: z.array(reportSchema.extend({ reporter: z.string() })),
  timeline: z.array(z.object({ at: time, type: z.string(), actorUserId: z.string().nullable(), detail: z.record(z.string(), z.unknown()).nullable() })),
  /** Outgoing messages of this incident: per kind (`alert`, `update`, …), how many are in each ledger status. */
  alerts: z.record(z.string(), z.partialRecord(z.enum(MESSAGE_STATUSES), z.number().int())),
  responses: z.array(z.object({ id: z.string(), answer: z.enum(['going', 'cannot']), at: time, phone: z.string().nullable() })),
  /** Members alerted, counted by their latest answer; `onScene` said ON SCENE (and count as going too). */
  rollCall: z.object({
    going: z.number().int(),
    cannot: z.number().int(),
    noReply: z.number().int(),
    onScene: z.number().int(),
    /** Seconds from release to the first ON SCENE: the network's own response time; null before anyone arrived. */
    firstArrivalSeconds: z.number().int().nullable(),
  }),
  /** Who approved the alert so far (console users by email; a verifier as `verifier`), first first. */
  approvals: z.array(z.object({ by: z.string(), at: time })),
  /** RELEASE_APPROVALS: how many different people must approve before the alert goes out. */
  needed: z.number().int(),
});

export const committeeSchema = z.object({
  id: z.string(),
  name: z.string(),
  area: areaViewSchema,
  inviteCode: z.string(),
  autoApprove: z.boolean(),
  createdAt: time,
});

export const memberSchema = z.object({
  id: z.string(),
  committeeId: z.string(),
  /** Masked to the country code and last four digits. */
  phone: z.string().nullable(),
  role: z.enum(MEMBER_ROLES),
  status: z.enum(MEMBER_STATUSES),
  locale: z.enum(LOCALES).nullable(),
  note: z.string().nullable(),
  zip: z.string().nullable(),
  onDuty: z.boolean(),
  /** Weekly on-duty windows in TIMEZONE; null: on duty whenever `onDuty`. */
  shifts: z.array(weeklyShiftSchema).nullable(),
  stopped: z.boolean(),
  /** Repeated delivery failures (30003/30005/30006) set the number aside: nothing is sent to it until marked reachable. */
  unreachable: z.boolean(),
  joinedAt: time,
  updatedAt: time,
});

export const memberUpdateSchema = memberSchema.pick({ id: true, role: true, status: true, zip: true, onDuty: true, shifts: true, updatedAt: true });

const alarmSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sending_paused'), code: z.string(), since: z.string() }),
  z.object({ type: z.literal('sends_failing'), calls: z.number().int(), failed: z.number().int() }),
  z.object({ type: z.literal('flood'), active: z.literal(true), since: z.string(), newReportersIn10Min: z.number() }),
  /** Incidents due a page while no console user is on duty with a phone number. */
  z.object({ type: z.literal('nobody_to_page'), incidents: z.number().int() }),
]);

/** Without a session only `status`; with one, the details. */
export const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  db: z.enum(['ok', 'down']).optional(),
  redis: z.enum(['ok', 'down']).optional(),
  sending: z.enum(['ok', 'paused', 'failing']).optional(),
  smsProvider: z.enum(['twilio', 'outbox']).optional(),
  /** Null while Redis cannot say. */
  failedJobs: z.number().int().nullable().optional(),
  alarms: z.array(alarmSchema).optional(),
});

export const floodSchema = z.discriminatedUnion('active', [
  z.object({ active: z.literal(false) }),
  z.object({ active: z.literal(true), since: z.string(), newReportersIn10Min: z.number() }),
]);

export const sendingResumedSchema = z.object({ status: z.literal('ok'), requeued: z.number().int() });

export const totpStartedSchema = z.object({ secret: z.string(), uri: z.string() });

export const previewSchema = z.object({
  /** People the alert would be sent to, each counted once across committees; the incident's reporters left out. */
  recipients: z.number().int(),
  committees: z.array(z.object({ id: z.string(), name: z.string(), recipients: z.number().int() })),
  texts: z.object({ en: z.string(), es: z.string(), tl: z.string() }),
  approvals: z.number().int(),
  needed: z.number().int(),
  /** A drill only: members left out because they texted DRILLS OFF (0 for a real incident). */
  drillOptedOut: z.number().int(),
  /** Set when the alert would reach no one, e.g. no committee covers the place. */
  warning: z.string().nullable(),
});

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: z.enum(USER_ROLES),
  /** Masked to the country code and last four digits. */
  phone: z.string().nullable(),
  /** Paged by SMS about unopened, stale and disputed incidents (with a phone number). */
  onDuty: z.boolean(),
  totp: z.boolean(),
  disabled: z.boolean(),
  createdAt: time,
});

export const userCreatedSchema = userSchema.extend({
  /** Shown once, here: the new user sets a password with it. Expires; works once. */
  passwordLink: z.string(),
  passwordLinkExpiresAt: time,
});

export const auditEntrySchema = z.object({
  id: z.string(),
  at: time,
  actorUserId: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});

export const outboxMessageSchema = z.object({ id: z.string(), sid: z.string(), to: z.string(), body: z.string(), createdAt: time });

/** The training simulator (outbox mode): a test phone number as a trainer types it, spaces and dashes allowed. */
const simulatedPhone = z.string().trim().max(32).transform((v) => v.replace(/[\s().-]/g, '')).pipe(z.string().regex(/^\+?[1-9]\d{9,14}$/, 'must be a phone number such as +1 415 555 0123'));
export const simulatorSmsBody = z.object({ from: simulatedPhone, body: z.string().max(1600) });
export const simulatorInboxBody = z.object({ phone: simulatedPhone, limit: z.number().int().min(1).max(500).default(200) });
export const simulatorSmsSchema = z.object({ sid: z.string(), from: z.string(), reply: z.string().nullable(), at: time });
export const simulatorInboxSchema = z.object({ to: z.string(), messages: z.array(outboxMessageSchema) });

// ---- places (the network's named places; the fields are checked as in src/services/places-import.ts) -------------

/** `{name, aliases?, lat, lng, kind?}`: aliases trimmed, the same alias twice kept once. */
export const placeCreateBody = placeInputSchema;
export const placePatchBody = z
  .object(placeFields)
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');
/** A CSV or GeoJSON file's text (the console reads the file). */
export const placeImportBody = z.object({
  format: z.enum(PLACE_FILE_FORMATS),
  content: z.string().min(1, 'the file is empty').max(MAX_PLACES_FILE_CHARS, 'the file is larger than 1 MB'),
});
export const placeSchema = z.object({
  id: z.string(),
  name: z.string(),
  aliases: z.array(z.string()),
  lat: z.number(),
  lng: z.number(),
  kind: z.enum(INCIDENT_KINDS).nullable(),
  createdAt: time,
  updatedAt: time,
});
export const placeImportResultSchema = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  /** Places in the file that were there already, exactly so. */
  unchanged: z.number().int(),
  /** CSV columns not read (only name, aliases, lat, lng, kind are). */
  ignoredColumns: z.array(z.string()),
});
/** `422`: the file has bad rows and nothing was imported; each by its CSV line (header = 1) or GeoJSON feature (first = 1). */
export const placeImportRejectedSchema = z.object({
  error: z.string(),
  errors: z.array(z.object({ line: z.number().int().optional(), feature: z.number().int().optional(), error: z.string() })),
});

export type ApiError = z.infer<typeof errorSchema>;
export type LocationView = z.infer<typeof locationSchema>;
export type AreaView = z.infer<typeof areaViewSchema>;
export type IncidentView = z.infer<typeof incidentSchema>;
export type IncidentDetailView = z.infer<typeof incidentDetailSchema>;
export type ReportView = z.infer<typeof reportSchema>;
export type CommitteeView = z.infer<typeof committeeSchema>;
export type MemberView = z.infer<typeof memberSchema>;
export type MemberUpdateView = z.infer<typeof memberUpdateSchema>;
export type MemberImportResult = z.infer<typeof memberImportResultSchema>;
export type HealthView = z.infer<typeof healthSchema>;
export type FloodView = z.infer<typeof floodSchema>;
export type OutboxMessageView = z.infer<typeof outboxMessageSchema>;
export type SimulatorSmsView = z.infer<typeof simulatorSmsSchema>;
export type SimulatorInboxView = z.infer<typeof simulatorInboxSchema>;
export type PreviewView = z.infer<typeof previewSchema>;
export type ConfirmationView = z.infer<typeof confirmationSchema>;
export type FollowUpSentView = z.infer<typeof followUpSentSchema>;
export type DismissBody = z.input<typeof dismissBody>;
export type UserView = z.infer<typeof userSchema>;
export type UserCreatedView = z.infer<typeof userCreatedSchema>;
export type AuditEntryView = z.infer<typeof auditEntrySchema>;
export type GeocodedView = z.infer<typeof geocodedSchema>;
export type PlaceIncidentBody = z.input<typeof placeIncidentBody>;
export type DrillCreateBody = z.input<typeof drillCreateBody>;
export type ZipCellsView = z.infer<typeof zipCellsSchema>;
export type PlaceView = z.infer<typeof placeSchema>;
export type PlaceCreateBody = z.input<typeof placeCreateBody>;
export type PlacePatchBody = z.input<typeof placePatchBody>;
export type PlaceImportResult = z.infer<typeof placeImportResultSchema>;
export type PlaceImportRejected = z.infer<typeof placeImportRejectedSchema>;

/** `GET /api/incidents/:id/verification`: who was asked to verify (masked numbers), what they answered, and the state of escalation. */
export const verificationSchema = z.object({
  incidentId: z.string(),
  round: z.number().int(),
  /** When the next nearest verifiers are asked if nobody acknowledges; null when nothing is pending. */
  nextStepAt: time.nullable(),
  /** A verifier's FALSE conflicted with an approval: dispatchers decide. */
  disputedAt: time.nullable(),
  requests: z.array(
    z.object({
      id: z.string(),
      phone: z.string().nullable(),
      round: z.number().int(),
      askedAt: time,
      ack: z.enum(['going', 'cannot']).nullable(),
      ackAt: time.nullable(),
      verdict: z.enum(['confirm', 'false']).nullable(),
      verdictAt: time.nullable(),
    }),
  ),
});
export type VerificationView = z.infer<typeof verificationSchema>;
