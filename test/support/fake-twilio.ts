/**
 * A local, Twilio-compatible HTTP server for tests (node:http only).
 *
 * Point the REAL twilio SDK at it:
 *
 *   const fake = await startFakeTwilio();
 *   const client = twilio(fake.accountSid, 'any-token');
 *   client.api.baseUrl = fake.url;
 *
 * It implements the Programmable Messaging endpoints the app uses (create / list / fetch /
 * update / delete messages, delete media and recordings) with Twilio's JSON shapes, and
 * lets tests inject faults (429s, 5xx, per-recipient permanent errors, outages, malformed
 * bodies, requests that never answer).
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const API_VERSION = '2010-04-01';
export const DEFAULT_FAKE_ACCOUNT_SID = 'AC00000000000000000000000000000000';

/** What to do instead of accepting a create request. */
export type Fault =
  /** Answer Twilio's error JSON `{code, message, more_info, status}` with this HTTP status. */
  | { status: number; code?: number; message?: string }
  /** Answer 200 with a body that is not JSON. */
  | { kind: 'malformed' }
  /** Accept and keep the message (it is in `sent` and in the message list), but answer a body that is not JSON. */
  | { kind: 'accepted-garbled' }
  /** Never answer (the socket is destroyed by close()). */
  | { kind: 'hang' };

/** A message the fake accepted (answered 201). */
export interface SentMessage {
  sid: string;
  to: string;
  /** null when only MessagingServiceSid was given (like Twilio). */
  from: string | null;
  messagingServiceSid: string | null;
  /** '' when no Body was given. */
  body: string;
  statusCallback: string | null;
  validityPeriod: number | null;
  mediaUrls: string[];
  /** Every form parameter as sent (last value wins for repeated ones; see mediaUrls). */
  params: Record<string, string>;
  createdAt: Date;
}

/** One POST .../Messages.json, whatever its outcome. */
export interface CreateAttempt {
  to: string | null;
  outcome: 'accepted' | 'rejected' | 'malformed' | 'hang';
  /** HTTP status answered; null for 'hang'. */
  status: number | null;
  /** Twilio error code for 'rejected'; null otherwise. */
  code: number | null;
  /** Message sid for 'accepted'; null otherwise. */
  sid: string | null;
  at: Date;
}

export interface FakeTwilioOptions {
  /** Account SID the fake expects as basic-auth username and in URLs. Default DEFAULT_FAKE_ACCOUNT_SID. */
  accountSid?: string;
  /** If set, the basic-auth password must equal it too. By default any password is accepted. */
  authToken?: string;
  /**
   * DELETE of a message / media / recording the fake never saw: 'not-found' (default, 404 like Twilio)
   * or 'accept' (204 and recorded in `deleted`), handy when sids come from hand-written webhook payloads.
   */
  unknownDeletes?: 'not-found' | 'accept';
}

export interface FakeTwilio {
  /** e.g. http://127.0.0.1:54321 — assign to `client.api.baseUrl`. */
  readonly url: string;
  readonly accountSid: string;
  /** Every accepted message, in order. Cleared in place by reset(). */
  readonly sent: SentMessage[];
  /** Sids removed by DELETE (messages, media, recordings), in order. Cleared in place by reset(). */
  readonly deleted: string[];
  /** Every create attempt (accepted or failed), in order. Cleared in place by reset(). */
  readonly attempts: CreateAttempt[];
  /** Number of create attempts (accepted or failed). */
  readonly requests: number;

  /** The next `count` create requests fail with `fault` (queued after any earlier failNext). */
  failNext(count: number, fault: Fault): void;
  /** Every create to `to` fails with `fault` until cleared (null clears this number). */
  failFor(to: string, fault: Fault | null): void;
  /** Every create fails with `fault` while set (null clears). */
  failAll(fault: Fault | null): void;
  clearFaults(): void;

  /** Register an inbound message (e.g. one a webhook test "received") so fetch/delete know its sid. */
  addInbound(message: { from: string; to: string; body?: string; numMedia?: number; sid?: string }): {
    sid: string;
    mediaSids: string[];
  };
  /** Register a recording so DELETE .../Recordings/{sid}.json answers 204. */
  addRecording(sid?: string): string;

  /** Resolves with a copy of `sent` as soon as `sent.length >= count`. */
  waitForSent(count: number, timeoutMs?: number): Promise<SentMessage[]>;
  /** Resolves with a copy of `attempts` as soon as `requests >= count` (useful with 'hang'). */
  waitForRequests(count: number, timeoutMs?: number): Promise<CreateAttempt[]>;

  on(event: 'sent', listener: (message: SentMessage) => void): this;
  on(event: 'request', listener: (attempt: CreateAttempt) => void): this;
  off(event: 'sent', listener: (message: SentMessage) => void): this;
  off(event: 'request', listener: (attempt: CreateAttempt) => void): this;

  /** Clears recorded messages, deletions, counters and faults (hung requests stay hung). */
  reset(): void;
  /** Stops the server and destroys every open socket, hung ones included. Idempotent. */
  close(): Promise<void>;
}

type StatusFault = { status: number; code?: number; message?: string };

interface StoredMessage {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  status: string;
  direction: 'outbound-api' | 'inbound';
  numSegments: number;
  mediaSids: string[];
  dateCreated: Date;
  dateUpdated: Date;
  dateSent: Date | null;
}

interface Waiter {
  reject: (error: Error) => void;
}

const DEFAULT_CODES: Record<number, number> = {
  400: 20001,
  401: 20003,
  403: 20403,
  404: 20404,
  405: 20004,
  429: 20429,
  500: 20500,
  502: 20502,
  503: 20503,
  504: 20504,
};

const DEFAULT_MESSAGES: Record<number, string> = {
  20003: 'Authenticate',
  20429: 'Too Many Requests',
  20500: 'An internal server error has occurred',
  20503: 'Service unavailable',
  21211: "The 'To' number is not a valid phone number.",
  21408: 'Permission to send an SMS has not been enabled for the region indicated by the \'To\' number',
  21610: 'Attempt to send to unsubscribed recipient',
  21612: "The 'To' phone number is not currently reachable via SMS",
  21614: "'To' number is not a valid mobile number",
  30007: 'Message filtered',
};

const MALFORMED_BODY = '{"sid": "SM0123456789abcdef0123456789abcdef", "status": "queu';

const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM7_EXTENDED = new Set('^{}\\[~]|€\f');

/** SMS segment count the way carriers split: GSM-7 160/153, otherwise UCS-2 70/67 (UTF-16 units). */
export function countSegments(body: string): number {
  let septets = 0;
  let gsm = true;
  for (const ch of body) {
    if (GSM7_BASIC.has(ch)) septets += 1;
    else if (GSM7_EXTENDED.has(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return septets <= 160 ? 1 : Math.ceil(septets / 153);
  const units = body.length;
  return units <= 70 ? 1 : Math.ceil(units / 67);
}

/** Twilio's date format: RFC 2822 with a numeric zone, e.g. "Mon, 01 Jan 2024 00:00:00 +0000". */
export function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

function hex32(): string {
  return randomUUID().replace(/-/g, '');
}

function isStatusFault(fault: Fault): fault is StatusFault {
  return !('kind' in fault);
}

function checkFault(fault: Fault): Fault {
  if (isStatusFault(fault)) {
    if (!Number.isInteger(fault.status) || fault.status < 100 || fault.status > 599) {
      throw new TypeError(`fake-twilio: fault status must be an HTTP status, got ${String(fault.status)}`);
    }
  } else if (fault.kind !== 'malformed' && fault.kind !== 'hang' && fault.kind !== 'accepted-garbled') {
    throw new TypeError(`fake-twilio: unknown fault kind ${String((fault as { kind: unknown }).kind)}`);
  }
  return fault;
}

function errorBody(status: number, code?: number, message?: string): string {
  const c = code ?? DEFAULT_CODES[status] ?? 20000 + status;
  return JSON.stringify({
    code: c,
    message: message ?? DEFAULT_MESSAGES[c] ?? STATUS_CODES[status] ?? 'Error',
    more_info: `https://www.twilio.com/docs/errors/${c}`,
    status,
  });
}

function sendJson(res: ServerResponse, status: number, json: string): void {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
  });
  res.end(json);
}

function sendError(res: ServerResponse, status: number, code?: number, message?: string): void {
  sendJson(res, status, errorBody(status, code, message));
}

function sendNoContent(res: ServerResponse): void {
  res.writeHead(204);
  res.end();
}

/** Parses a DateSent filter value: "YYYY-MM-DD" (whole UTC day) or an ISO date-time. */
function parseDateFilter(value: string): { start: number; end: number } | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const start = Date.parse(`${value}T00:00:00Z`);
    if (Number.isNaN(start)) return null;
    return { start, end: start + 86_400_000 - 1 };
  }
  const t = Date.parse(value);
  if (Number.isNaN(t)) return null;
  // Twilio filters at one-second resolution.
  const start = Math.floor(t / 1000) * 1000;
  return { start, end: start + 999 };
}

class FakeTwilioServer implements FakeTwilio {
  readonly sent: SentMessage[] = [];
  readonly deleted: string[] = [];
  readonly attempts: CreateAttempt[] = [];
  url = '';

  private readonly server = createServer((req, res) => this.handle(req, res));
  private readonly emitter = new EventEmitter();
  private readonly messages = new Map<string, StoredMessage>();
  private readonly media = new Map<string, string>(); // media sid -> message sid
  private readonly recordings = new Set<string>();
  private readonly waiters = new Set<Waiter>();
  private readonly base: string;
  private queue: { fault: Fault; remaining: number }[] = [];
  private readonly perRecipient = new Map<string, Fault>();
  private outage: Fault | null = null;
  private closing: Promise<void> | null = null;

  constructor(
    readonly accountSid: string,
    private readonly authToken: string | undefined,
    private readonly unknownDeletes: 'not-found' | 'accept',
  ) {
    this.base = `/${API_VERSION}/Accounts/${accountSid}`;
    this.emitter.setMaxListeners(0);
    // Clients (Node's global agent) keep idle sockets 5 s or less; outlive them so a reused
    // socket is never closed under a request. close() destroys them anyway.
    this.server.keepAliveTimeout = 30_000;
    this.server.headersTimeout = 31_000;
    this.server.requestTimeout = 0; // 'hang' faults must not be cut by the server itself
    this.server.maxRequestsPerSocket = 0;
  }

  get requests(): number {
    return this.attempts.length;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
  }

  // ---- faults -------------------------------------------------------------------------

  failNext(count: number, fault: Fault): void {
    if (!Number.isInteger(count) || count < 0) {
      throw new TypeError(`fake-twilio: failNext count must be a non-negative integer, got ${count}`);
    }
    if (count > 0) this.queue.push({ fault: checkFault(fault), remaining: count });
  }

  failFor(to: string, fault: Fault | null): void {
    if (fault === null) this.perRecipient.delete(to);
    else this.perRecipient.set(to, checkFault(fault));
  }

  failAll(fault: Fault | null): void {
    this.outage = fault === null ? null : checkFault(fault);
  }

  clearFaults(): void {
    this.queue = [];
    this.perRecipient.clear();
    this.outage = null;
  }

  /** failNext first (consumed), then failAll, then failFor(to). */
  private takeFault(to: string | null): Fault | null {
    const head = this.queue[0];
    if (head) {
      head.remaining -= 1;
      if (head.remaining <= 0) this.queue.shift();
      return head.fault;
    }
    if (this.outage) return this.outage;
    if (to !== null) return this.perRecipient.get(to) ?? null;
    return null;
  }

  // ---- seeding --------------------------------------------------------------------------

  addInbound(message: { from: string; to: string; body?: string; numMedia?: number; sid?: string }): {
    sid: string;
    mediaSids: string[];
  } {
    const sid = message.sid ?? `SM${hex32()}`;
    const mediaSids = Array.from({ length: message.numMedia ?? 0 }, () => `ME${hex32()}`);
    for (const m of mediaSids) this.media.set(m, sid);
    const now = new Date();
    this.messages.set(sid, {
      sid,
      to: message.to,
      from: message.from,
      messagingServiceSid: null,
      body: message.body ?? '',
      status: 'received',
      direction: 'inbound',
      numSegments: countSegments(message.body ?? ''),
      mediaSids,
      dateCreated: now,
      dateUpdated: now,
      dateSent: now,
    });
    return { sid, mediaSids };
  }

  addRecording(sid?: string): string {
    const s = sid ?? `RE${hex32()}`;
    this.recordings.add(s);
    return s;
  }

  // ---- waiting --------------------------------------------------------------------------

  on(event: 'sent', listener: (message: SentMessage) => void): this;
  on(event: 'request', listener: (attempt: CreateAttempt) => void): this;
  on(event: 'sent' | 'request', listener: (arg: SentMessage & CreateAttempt) => void): this {
    this.emitter.on(event, listener);
    return this;
  }

  off(event: 'sent', listener: (message: SentMessage) => void): this;
  off(event: 'request', listener: (attempt: CreateAttempt) => void): this;
  off(event: 'sent' | 'request', listener: (arg: SentMessage & CreateAttempt) => void): this {
    this.emitter.off(event, listener);
    return this;
  }

  waitForSent(count: number, timeoutMs = 10_000): Promise<SentMessage[]> {
    return this.waitFor('sent', count, timeoutMs, () => this.sent, 'accepted message');
  }

  waitForRequests(count: number, timeoutMs = 10_000): Promise<CreateAttempt[]> {
    return this.waitFor('request', count, timeoutMs, () => this.attempts, 'create request');
  }

  private waitFor<T>(event: 'sent' | 'request', count: number, timeoutMs: number, list: () => T[], what: string): Promise<T[]> {
    if (list().length >= count) return Promise.resolve(list().slice());
    if (this.closing) return Promise.reject(new Error(`fake-twilio: closed while waiting for ${count} ${what}(s)`));
    return new Promise<T[]>((resolve, reject) => {
      const waiter: Waiter = {
        reject: (error) => {
          cleanup();
          reject(error);
        },
      };
      const onEvent = (): void => {
        if (list().length >= count) {
          cleanup();
          resolve(list().slice());
        }
      };
      const timer = setTimeout(() => {
        waiter.reject(new Error(`fake-twilio: timed out after ${timeoutMs} ms waiting for ${count} ${what}(s); ${this.describe()}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.emitter.off(event, onEvent);
        this.waiters.delete(waiter);
      };
      this.emitter.on(event, onEvent);
      this.waiters.add(waiter);
    });
  }

  private describe(): string {
    const failures = new Map<string, number>();
    for (const a of this.attempts) {
      if (a.outcome === 'accepted') continue;
      const key = a.outcome === 'rejected' ? `${a.status}/${a.code}` : a.outcome;
      failures.set(key, (failures.get(key) ?? 0) + 1);
    }
    const failed = [...failures].map(([k, n]) => `${n}× ${k}`).join(', ');
    return (
      `${this.sent.length} message(s) accepted out of ${this.attempts.length} create request(s)` +
      (failed ? ` (failed: ${failed})` : '') +
      (this.queue.length || this.outage || this.perRecipient.size
        ? `; faults still armed: ${this.queue.reduce((n, q) => n + q.remaining, 0)} failNext, ` +
          `failAll ${this.outage ? 'set' : 'unset'}, ${this.perRecipient.size} failFor`
        : '')
    );
  }

  // ---- lifecycle ------------------------------------------------------------------------

  reset(): void {
    this.sent.length = 0;
    this.deleted.length = 0;
    this.attempts.length = 0;
    this.messages.clear();
    this.media.clear();
    this.recordings.clear();
    this.clearFaults();
  }

  close(): Promise<void> {
    if (!this.closing) {
      this.closing = new Promise<void>((resolve) => {
        this.server.close(() => resolve());
        this.server.closeAllConnections(); // idle keep-alive sockets and hung requests alike
        for (const w of [...this.waiters]) w.reject(new Error('fake-twilio: closed while waiting'));
      });
    }
    return this.closing;
  }

  // ---- HTTP -----------------------------------------------------------------------------

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('error', () => undefined); // client aborted mid-body; nothing to answer
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = chunks.length === 0 ? '' : chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
      try {
        this.route(req, res, raw);
      } catch (err) {
        if (!res.headersSent) sendError(res, 500, 20500, `fake-twilio bug: ${(err as Error).message}`);
      }
    });
  }

  private route(req: IncomingMessage, res: ServerResponse, rawBody: string): void {
    const fullUrl = req.url ?? '/';
    const q = fullUrl.indexOf('?');
    const path = q === -1 ? fullUrl : fullUrl.slice(0, q);
    const query = new URLSearchParams(q === -1 ? '' : fullUrl.slice(q + 1));
    const method = req.method ?? 'GET';
    const parts = path.split('/'); // ['', '2010-04-01', 'Accounts', sid, ...]
    const isCreate = method === 'POST' && parts.length === 5 && parts[4] === 'Messages.json';
    const form = method === 'POST' ? new URLSearchParams(rawBody) : null;

    if (!this.authorized(req.headers.authorization)) {
      if (isCreate) this.attempt(form?.get('To') ?? null, 'rejected', 401, 20003, null);
      sendError(res, 401, 20003, 'Authenticate');
      return;
    }
    if (parts[1] !== API_VERSION || parts[2] !== 'Accounts' || parts[3] !== this.accountSid || parts.length < 5) {
      this.notFound(res, path);
      return;
    }

    const rest = parts.slice(4);
    const [first, second, third, fourth] = rest;

    if (rest.length === 1 && first === 'Messages.json') {
      if (method === 'POST') return this.createMessage(res, form!);
      if (method === 'GET') return this.listMessages(res, query, path);
      return this.methodNotAllowed(res);
    }
    if (rest.length === 2 && first === 'Messages' && second?.endsWith('.json')) {
      const sid = second.slice(0, -5);
      if (method === 'GET') return this.fetchMessage(res, sid, path);
      if (method === 'POST') return this.updateMessage(res, sid, form!, path);
      if (method === 'DELETE') return this.deleteMessage(res, sid, path);
      return this.methodNotAllowed(res);
    }
    if (rest.length === 4 && first === 'Messages' && third === 'Media' && fourth?.endsWith('.json')) {
      if (method !== 'DELETE') return this.methodNotAllowed(res);
      const mediaSid = fourth.slice(0, -5);
      const known = this.media.get(mediaSid) === second;
      return this.deleteKnown(res, mediaSid, known, path, () => {
        this.media.delete(mediaSid);
        const msg = this.messages.get(second!);
        if (msg) msg.mediaSids = msg.mediaSids.filter((m) => m !== mediaSid);
      });
    }
    // /Recordings/{Sid}.json and /Calls/{CallSid}/Recordings/{Sid}.json
    const recordingFile =
      rest.length === 2 && first === 'Recordings' ? second : rest.length === 4 && first === 'Calls' && third === 'Recordings' ? fourth : undefined;
    if (recordingFile?.endsWith('.json')) {
      if (method !== 'DELETE') return this.methodNotAllowed(res);
      const sid = recordingFile.slice(0, -5);
      return this.deleteKnown(res, sid, this.recordings.has(sid), path, () => this.recordings.delete(sid));
    }
    this.notFound(res, path);
  }

  private authorized(header: string | undefined): boolean {
    if (!header?.startsWith('Basic ')) return false;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon === -1 ? decoded : decoded.slice(0, colon);
    if (user !== this.accountSid) return false;
    return this.authToken === undefined || decoded.slice(colon + 1) === this.authToken;
  }

  private notFound(res: ServerResponse, path: string): void {
    sendError(res, 404, 20404, `The requested resource ${path} was not found`);
  }

  private methodNotAllowed(res: ServerResponse): void {
    sendError(res, 405, 20004, 'Method not allowed');
  }

  private attempt(to: string | null, outcome: CreateAttempt['outcome'], status: number | null, code: number | null, sid: string | null): void {
    const a: CreateAttempt = { to, outcome, status, code, sid, at: new Date() };
    this.attempts.push(a);
    this.emitter.emit('request', a);
  }

  private createMessage(res: ServerResponse, form: URLSearchParams): void {
    const to = form.get('To');
    const fault = this.takeFault(to);
    const garble = fault !== undefined && fault !== null && !isStatusFault(fault) && fault.kind === 'accepted-garbled';
    if (fault && !garble) {
      if (isStatusFault(fault)) {
        const code = fault.code ?? DEFAULT_CODES[fault.status] ?? 20000 + fault.status;
        this.attempt(to, 'rejected', fault.status, code, null);
        sendError(res, fault.status, code, fault.message);
      } else if (fault.kind === 'malformed') {
        this.attempt(to, 'malformed', 200, null, null);
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(MALFORMED_BODY) });
        res.end(MALFORMED_BODY);
      } else {
        this.attempt(to, 'hang', null, null, null);
        // Never answer; close() destroys the socket.
      }
      return;
    }

    const from = form.get('From');
    const messagingServiceSid = form.get('MessagingServiceSid');
    const body = form.get('Body') ?? '';
    const mediaUrls = form.getAll('MediaUrl');
    const reject = (code: number, message: string): void => {
      this.attempt(to, 'rejected', 400, code, null);
      sendError(res, 400, code, message);
    };
    if (!to) return reject(21604, "A 'To' phone number is required.");
    if (!/^\+[1-9]\d{1,14}$/.test(to) && !/^[a-z]+:./.test(to)) {
      return reject(21211, `The 'To' number ${to} is not a valid phone number.`);
    }
    if (!from && !messagingServiceSid) return reject(21603, "A 'From' phone number is required.");
    if (!body && mediaUrls.length === 0 && !form.get('ContentSid')) return reject(21602, 'Message body is required.');
    if (body.length > 1600) return reject(21617, 'The concatenated message body exceeds the 1600 character limit.');

    const sid = `SM${hex32()}`;
    const now = new Date();
    const mediaSids = mediaUrls.map(() => `ME${hex32()}`);
    for (const m of mediaSids) this.media.set(m, sid);
    const stored: StoredMessage = {
      sid,
      to,
      from: from || null,
      messagingServiceSid: messagingServiceSid || null,
      body,
      // Twilio answers 'accepted' when it must still pick a sender from the Messaging Service.
      status: from ? 'queued' : 'accepted',
      direction: 'outbound-api',
      numSegments: countSegments(body),
      mediaSids,
      dateCreated: now,
      dateUpdated: now,
      dateSent: null,
    };
    this.messages.set(sid, stored);

    const validity = form.get('ValidityPeriod');
    const params: Record<string, string> = {};
    for (const [k, v] of form) params[k] = v;
    const sent: SentMessage = {
      sid,
      to,
      from: stored.from,
      messagingServiceSid: stored.messagingServiceSid,
      body,
      statusCallback: form.get('StatusCallback'),
      validityPeriod: validity === null || validity === '' ? null : Number(validity),
      mediaUrls,
      params,
      createdAt: now,
    };
    this.sent.push(sent);
    if (garble) {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(MALFORMED_BODY) });
      res.end(MALFORMED_BODY);
    } else {
      sendJson(res, 201, JSON.stringify(this.toJson(stored)));
    }
    this.attempt(to, 'accepted', 201, null, sid);
    this.emitter.emit('sent', sent);
  }

  private toJson(m: StoredMessage): Record<string, unknown> {
    const uri = `${this.base}/Messages/${m.sid}.json`;
    return {
      account_sid: this.accountSid,
      api_version: API_VERSION,
      body: m.body,
      date_created: rfc2822(m.dateCreated),
      date_sent: m.dateSent ? rfc2822(m.dateSent) : null,
      date_updated: rfc2822(m.dateUpdated),
      direction: m.direction,
      error_code: null,
      error_message: null,
      from: m.from,
      messaging_service_sid: m.messagingServiceSid,
      num_media: String(m.mediaSids.length),
      num_segments: String(m.numSegments),
      price: null,
      price_unit: 'USD',
      sid: m.sid,
      status: m.status,
      subresource_uris: {
        media: `${this.base}/Messages/${m.sid}/Media.json`,
        feedback: `${this.base}/Messages/${m.sid}/Feedback.json`,
      },
      to: m.to,
      uri,
    };
  }

  private listMessages(res: ServerResponse, query: URLSearchParams, path: string): void {
    const to = query.get('To');
    const from = query.get('From');
    const ranges: { op: '=' | '<' | '>'; range: { start: number; end: number } }[] = [];
    for (const [key, op] of [
      ['DateSent', '='],
      ['DateSent<', '<'],
      ['DateSent>', '>'],
    ] as const) {
      const v = query.get(key);
      if (v === null) continue;
      const range = parseDateFilter(v);
      if (!range) {
        sendError(res, 400, 20001, `Invalid value for ${key}: ${v}`);
        return;
      }
      ranges.push({ op, range });
    }
    const pageSizeRaw = Number(query.get('PageSize') ?? 50);
    const pageSize = Number.isInteger(pageSizeRaw) ? Math.min(Math.max(pageSizeRaw, 1), 1000) : 50;
    const pageRaw = Number(query.get('Page') ?? 0);
    const page = Number.isInteger(pageRaw) && pageRaw >= 0 ? pageRaw : 0;

    const matches: StoredMessage[] = [];
    const all = [...this.messages.values()];
    for (let i = all.length - 1; i >= 0; i--) {
      const m = all[i]!;
      if (to !== null && m.to !== to) continue;
      if (from !== null && m.from !== from) continue;
      // Queued messages have no date_sent yet; filter them by creation time instead.
      const t = (m.dateSent ?? m.dateCreated).getTime();
      let ok = true;
      for (const { op, range } of ranges) {
        if (op === '=' ? t < range.start || t > range.end : op === '<' ? t > range.end : t < range.start) {
          ok = false;
          break;
        }
      }
      if (ok) matches.push(m);
    }

    const start = page * pageSize;
    const slice = matches.slice(start, start + pageSize);
    const pageUri = (n: number): string => {
      const p = new URLSearchParams();
      if (to !== null) p.set('To', to);
      if (from !== null) p.set('From', from);
      for (const key of ['DateSent', 'DateSent<', 'DateSent>']) {
        const v = query.get(key);
        if (v !== null) p.set(key, v);
      }
      p.set('PageSize', String(pageSize));
      p.set('Page', String(n));
      return `${path}?${p.toString()}`;
    };
    const json = JSON.stringify({
      messages: slice.map((m) => this.toJson(m)),
      end: slice.length === 0 ? 0 : start + slice.length - 1,
      first_page_uri: pageUri(0),
      next_page_uri: start + pageSize < matches.length ? pageUri(page + 1) : null,
      page,
      page_size: pageSize,
      previous_page_uri: page > 0 ? pageUri(page - 1) : null,
      start,
      uri: pageUri(page),
    });
    sendJson(res, 200, json);
  }

  private fetchMessage(res: ServerResponse, sid: string, path: string): void {
    const m = this.messages.get(sid);
    if (!m) return this.notFound(res, path);
    sendJson(res, 200, JSON.stringify(this.toJson(m)));
  }

  /** Twilio only allows redacting the body (Body="") or canceling a scheduled message. */
  private updateMessage(res: ServerResponse, sid: string, form: URLSearchParams, path: string): void {
    const m = this.messages.get(sid);
    if (!m) return this.notFound(res, path);
    const body = form.get('Body');
    const status = form.get('Status');
    if (body !== null) m.body = body;
    if (status !== null) m.status = status;
    m.dateUpdated = new Date();
    sendJson(res, 200, JSON.stringify(this.toJson(m)));
  }

  private deleteMessage(res: ServerResponse, sid: string, path: string): void {
    const m = this.messages.get(sid);
    this.deleteKnown(res, sid, m !== undefined, path, () => {
      this.messages.delete(sid);
      for (const media of m?.mediaSids ?? []) this.media.delete(media);
    });
  }

  private deleteKnown(res: ServerResponse, sid: string, known: boolean, path: string, remove: () => void): void {
    if (!known) {
      const alreadyDeleted = this.deleted.includes(sid);
      if (this.unknownDeletes === 'not-found' || alreadyDeleted) return this.notFound(res, path);
    } else {
      remove();
    }
    this.deleted.push(sid);
    sendNoContent(res);
  }
}

export async function startFakeTwilio(options: FakeTwilioOptions = {}): Promise<FakeTwilio> {
  const accountSid = options.accountSid ?? DEFAULT_FAKE_ACCOUNT_SID;
  if (!accountSid.startsWith('AC')) throw new TypeError('fake-twilio: accountSid must start with AC (the SDK insists)');
  const fake = new FakeTwilioServer(accountSid, options.authToken, options.unknownDeletes ?? 'not-found');
  await fake.listen();
  return fake;
}
