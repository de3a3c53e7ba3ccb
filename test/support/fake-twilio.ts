/**
 * A local, Twilio-compatible HTTP server for tests (node:http only), for the REAL twilio SDK:
 *
 *   const fake = await startFakeTwilio();
 *   const client = twilio(fake.accountSid, 'any-token');
 *   client.api.baseUrl = fake.url;
 *
 * It answers, with Twilio's JSON shapes, only what the app calls (src/sms/twilio-provider.ts): create and list
 * messages (filters To and DateSent>), list a message's media, serve media and recordings, delete messages, media and recordings. A request
 * it does not implement gets a 404 or a 400 that says so, never a made-up answer. Tests inject faults into
 * creates: 429s and 5xx, per-recipient errors, outages, malformed answers, requests that never answer.
 *
 * Its segment count is its own (a test oracle must not be the code under test): no import from src/.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const API_VERSION = '2010-04-01';
const ACCOUNT_SID = 'AC00000000000000000000000000000000';

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

/** A message the fake accepted. */
export interface SentMessage {
  sid: string;
  to: string;
  /** null when only MessagingServiceSid was given (like Twilio). */
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
  validityPeriod: number | null;
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

/** An inbound message registered with addInbound. */
export interface InboundMessage {
  sid: string;
  mediaSids: string[];
  /** The media URLs Twilio gives for it (in a webhook's MediaUrl0…, and in the REST API without `.json`). */
  mediaUrls: string[];
}

export interface FakeTwilio {
  /** e.g. http://127.0.0.1:54321 — assign to `client.api.baseUrl`. */
  readonly url: string;
  readonly accountSid: string;
  /** Every accepted message, in order. Cleared in place by reset(). */
  readonly sent: SentMessage[];
  /** Sids removed by DELETE (messages, media, recordings), in order. Cleared in place by reset(). */
  readonly deleted: string[];
  /** Sids of media and recordings whose content was downloaded (GET without `.json`), in order. Cleared by reset(). */
  readonly fetched: string[];
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
  /**
   * Every `n`th create request from now on (the nth, 2nth, …, counting every create) fails with `fault`, unless a
   * failNext takes that request first; null clears. A steady share of failures, e.g. a 429 to one request in five.
   */
  failEvery(n: number, fault: Fault | null): void;
  clearFaults(): void;

  /**
   * Registers an inbound message (one a webhook test "received", or one the webhook missed), sent now, so that
   * the message list, the media list and deletes know it. With media it is an MMS (an MM sid, like Twilio's).
   */
  addInbound(message: { from: string; to: string; body?: string; numMedia?: number; sid?: string; media?: MediaContent[] }): InboundMessage;
  /** Registers a recording so DELETE .../Recordings/{sid}.json answers 204 and GET .../Recordings/{sid} serves it. */
  addRecording(sid?: string, content?: MediaContent): string;

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
  dateSent: Date | null;
}

/** What a media or recording URL serves (GET without `.json`). */
export interface MediaContent {
  contentType: string;
  body: Buffer;
}

interface StoredMedia {
  messageSid: string;
  contentType: string;
  dateCreated: Date;
  body: Buffer;
}

const DEFAULT_CODES: Record<number, number> = { 400: 20001, 401: 20003, 404: 20404, 405: 20004, 429: 20429, 500: 20500, 503: 20503 };
const DEFAULT_MESSAGES: Record<number, string> = {
  20003: 'Authenticate',
  20429: 'Too Many Requests',
  20500: 'An internal server error has occurred',
  20503: 'Service unavailable',
};

/** What a photo serves unless a test gives its own: a real 1×1 JPEG. */
const GREY_PIXEL_JPEG =
  '/9j/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAABAAEDASIAAhEBAxEB/8QAFAABAAAAAAAAAAAAAAAAAAAAAP/EABQQAQAAAAAAAAAAAAAAAAAAAAD/xAAUAQEAAAAAAAAAAAAAAAAAAAAA/8QAFBEBAAAAAAAAAAAAAAAAAAAAAP/aAAwDAQACEQMRAD8AAA//2Q==';

const MALFORMED_BODY = '{"sid": "SM0123456789abcdef0123456789abcdef", "status": "queu';

const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM7_EXTENDED = new Set('^{}\\[~]|€\f');

/** SMS segment count the way carriers split: GSM-7 160/153 septets, otherwise UCS-2 70/67 UTF-16 units. */
export function countSegments(body: string): number {
  let septets = 0;
  for (const ch of body) {
    if (GSM7_BASIC.has(ch)) septets += 1;
    else if (GSM7_EXTENDED.has(ch)) septets += 2;
    else return body.length <= 70 ? 1 : Math.ceil(body.length / 67);
  }
  return septets <= 160 ? 1 : Math.ceil(septets / 153);
}

/** Twilio's date format: RFC 2822 with a numeric zone, e.g. "Mon, 01 Jan 2024 00:00:00 +0000". */
function rfc2822(date: Date): string {
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

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(json) });
  res.end(json);
}

function sendError(res: ServerResponse, status: number, code?: number, message?: string): void {
  const c = code ?? DEFAULT_CODES[status] ?? 20000 + status;
  sendJson(res, status, {
    code: c,
    message: message ?? DEFAULT_MESSAGES[c] ?? STATUS_CODES[status] ?? 'Error',
    more_info: `https://www.twilio.com/docs/errors/${c}`,
    status,
  });
}

function sendMalformed(res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(MALFORMED_BODY) });
  res.end(MALFORMED_BODY);
}

/** A DateSent> value: "YYYY-MM-DD" (from the start of that UTC day) or an ISO date-time (at one-second resolution). */
function parseSentAfter(value: string): number | null {
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(t) ? null : Math.floor(t / 1000) * 1000;
}

/** Twilio's paging: the page asked for (PageSize, Page) and the fields the SDK follows. */
function paged<T>(all: T[], query: URLSearchParams, path: string, kept: URLSearchParams) {
  const sizeRaw = Number(query.get('PageSize') ?? 50);
  const pageSize = Number.isInteger(sizeRaw) ? Math.min(Math.max(sizeRaw, 1), 1000) : 50;
  const pageRaw = Number(query.get('Page') ?? 0);
  const page = Number.isInteger(pageRaw) && pageRaw >= 0 ? pageRaw : 0;
  const start = page * pageSize;
  const items = all.slice(start, start + pageSize);
  const pageUri = (n: number): string => {
    const p = new URLSearchParams(kept);
    p.set('PageSize', String(pageSize));
    p.set('Page', String(n));
    return `${path}?${p.toString()}`;
  };
  return {
    items,
    fields: {
      end: items.length === 0 ? 0 : start + items.length - 1,
      first_page_uri: pageUri(0),
      next_page_uri: start + pageSize < all.length ? pageUri(page + 1) : null,
      page,
      page_size: pageSize,
      previous_page_uri: page > 0 ? pageUri(page - 1) : null,
      start,
      uri: pageUri(page),
    },
  };
}

class FakeTwilioServer implements FakeTwilio {
  readonly accountSid = ACCOUNT_SID;
  readonly sent: SentMessage[] = [];
  readonly deleted: string[] = [];
  readonly fetched: string[] = [];
  readonly attempts: CreateAttempt[] = [];
  url = '';

  private readonly server = createServer((req, res) => this.handle(req, res));
  private readonly emitter = new EventEmitter();
  private readonly messages = new Map<string, StoredMessage>();
  private readonly media = new Map<string, StoredMedia>();
  private readonly recordings = new Map<string, MediaContent>();
  private readonly waiters = new Set<(error: Error) => void>();
  private readonly base = `/${API_VERSION}/Accounts/${ACCOUNT_SID}`;
  private queue: { fault: Fault; remaining: number }[] = [];
  private readonly perRecipient = new Map<string, Fault>();
  private outage: Fault | null = null;
  private periodic: { every: number; fault: Fault; seen: number } | null = null;
  private closing: Promise<void> | null = null;

  constructor() {
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

  failEvery(n: number, fault: Fault | null): void {
    if (fault === null) {
      this.periodic = null;
      return;
    }
    if (!Number.isInteger(n) || n < 1) throw new TypeError(`fake-twilio: failEvery n must be a positive integer, got ${n}`);
    this.periodic = { every: n, fault: checkFault(fault), seen: 0 };
  }

  clearFaults(): void {
    this.queue = [];
    this.periodic = null;
    this.perRecipient.clear();
    this.outage = null;
  }

  /** failNext first (consumed), then failEvery, then failAll, then failFor(to). */
  private takeFault(to: string | null): Fault | null {
    // Counted on every create, so that the share stays 1/n whatever else fails.
    const periodic = this.periodic;
    const periodicHit = periodic !== null && ++periodic.seen % periodic.every === 0;
    const head = this.queue[0];
    if (head) {
      head.remaining -= 1;
      if (head.remaining <= 0) this.queue.shift();
      return head.fault;
    }
    if (periodicHit) return periodic.fault;
    if (this.outage) return this.outage;
    return to === null ? null : (this.perRecipient.get(to) ?? null);
  }

  // ---- seeding --------------------------------------------------------------------------

  addInbound(message: { from: string; to: string; body?: string; numMedia?: number; sid?: string; media?: MediaContent[] }): InboundMessage {
    const numMedia = message.media?.length ?? message.numMedia ?? 0;
    const sid = message.sid ?? `${numMedia > 0 ? 'MM' : 'SM'}${hex32()}`;
    const now = new Date();
    const mediaSids = Array.from({ length: numMedia }, () => `ME${hex32()}`);
    mediaSids.forEach((m, i) => {
      const content = message.media?.[i] ?? { contentType: 'image/jpeg', body: Buffer.from(GREY_PIXEL_JPEG, 'base64') };
      this.media.set(m, { messageSid: sid, contentType: content.contentType, dateCreated: now, body: content.body });
    });
    const body = message.body ?? '';
    this.messages.set(sid, {
      sid,
      to: message.to,
      from: message.from,
      messagingServiceSid: null,
      body,
      status: 'received',
      direction: 'inbound',
      numSegments: countSegments(body),
      mediaSids,
      dateCreated: now,
      dateSent: now,
    });
    return { sid, mediaSids, mediaUrls: mediaSids.map((m) => `${this.url}${this.base}/Messages/${sid}/Media/${m}`) };
  }

  addRecording(sid?: string, content: MediaContent = { contentType: 'audio/x-wav', body: Buffer.from('RIFF fake wav') }): string {
    const s = sid ?? `RE${hex32()}`;
    this.recordings.set(s, content);
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
      const fail = (error: Error): void => {
        cleanup();
        reject(error);
      };
      const onEvent = (): void => {
        if (list().length < count) return;
        cleanup();
        resolve(list().slice());
      };
      const timer = setTimeout(() => fail(new Error(`fake-twilio: timed out after ${timeoutMs} ms waiting for ${count} ${what}(s); ${this.describe()}`)), timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.emitter.off(event, onEvent);
        this.waiters.delete(fail);
      };
      this.emitter.on(event, onEvent);
      this.waiters.add(fail);
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
      (this.queue.length || this.outage || this.perRecipient.size || this.periodic
        ? `; faults still armed: ${this.queue.reduce((n, q) => n + q.remaining, 0)} failNext, ` +
          `failAll ${this.outage ? 'set' : 'unset'}, ${this.perRecipient.size} failFor` +
          (this.periodic ? `, failEvery ${this.periodic.every}` : '')
        : '')
    );
  }

  // ---- lifecycle ------------------------------------------------------------------------

  reset(): void {
    this.sent.length = 0;
    this.deleted.length = 0;
    this.fetched.length = 0;
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
        for (const fail of [...this.waiters]) fail(new Error('fake-twilio: closed while waiting'));
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
      try {
        this.route(req, res, Buffer.concat(chunks).toString('utf8'));
      } catch (err) {
        if (!res.headersSent) sendError(res, 500, 20500, `fake-twilio bug: ${(err as Error).message}`);
      }
    });
  }

  private route(req: IncomingMessage, res: ServerResponse, rawBody: string): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const form = new URLSearchParams(method === 'POST' ? rawBody : '');
    const isCreate = method === 'POST' && /^\/[^/]+\/Accounts\/[^/]+\/Messages\.json$/.test(path);

    if (!this.authorized(req.headers.authorization)) {
      if (isCreate) this.attempt(form.get('To'), 'rejected', 401, 20003, null);
      return sendError(res, 401, 20003, 'Authenticate');
    }
    if (!path.startsWith(`${this.base}/`)) return this.notFound(res, path);
    // ['Messages.json'], ['Messages', '{Sid}.json'], ['Messages', '{Sid}', 'Media.json'], …
    const rest = path.slice(this.base.length + 1).split('/');
    const [first, second, third, fourth] = rest;
    const sidOf = (part: string | undefined): string => (part?.endsWith('.json') ? part.slice(0, -5) : '');

    if (rest.length === 1 && first === 'Messages.json') {
      if (method === 'POST') return this.createMessage(res, form);
      if (method === 'GET') return this.listMessages(res, url.searchParams, path);
    } else if (rest.length === 2 && first === 'Messages' && sidOf(second)) {
      if (method === 'DELETE') return this.deleteMessage(res, sidOf(second), path);
    } else if (rest.length === 3 && first === 'Messages' && second && third === 'Media.json') {
      if (method === 'GET') return this.listMedia(res, second, url.searchParams, path);
    } else if (rest.length === 4 && first === 'Messages' && third === 'Media' && sidOf(fourth)) {
      const mediaSid = sidOf(fourth);
      const known = this.media.get(mediaSid)?.messageSid === second;
      if (method === 'DELETE') return this.deleteKnown(res, mediaSid, known, path, () => this.forgetMedia(mediaSid));
    } else if (rest.length === 4 && first === 'Messages' && third === 'Media' && fourth?.startsWith('ME')) {
      // The media URL itself (as in a webhook's MediaUrl0) serves the file.
      const stored = this.media.get(fourth);
      if (method === 'GET') return stored && stored.messageSid === second ? this.serveContent(res, fourth, stored) : this.notFound(res, path);
    } else if (rest.length === 2 && first === 'Recordings' && second?.startsWith('RE') && !second.includes('.')) {
      const stored = this.recordings.get(second);
      if (method === 'GET') return stored ? this.serveContent(res, second, stored) : this.notFound(res, path);
    } else if (rest.length === 2 && first === 'Recordings' && sidOf(second)) {
      const sid = sidOf(second);
      if (method === 'DELETE') return this.deleteKnown(res, sid, this.recordings.has(sid), path, () => this.recordings.delete(sid));
    } else {
      return this.notFound(res, path);
    }
    sendError(res, 405, 20004, `fake-twilio does not implement ${method} ${path}`);
  }

  private serveContent(res: ServerResponse, sid: string, content: { contentType: string; body: Buffer }): void {
    this.fetched.push(sid);
    res.writeHead(200, { 'content-type': content.contentType, 'content-length': content.body.length });
    res.end(content.body);
  }

  private authorized(header: string | undefined): boolean {
    if (!header?.startsWith('Basic ')) return false;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    return decoded.split(':')[0] === this.accountSid;
  }

  private notFound(res: ServerResponse, path: string): void {
    sendError(res, 404, 20404, `The requested resource ${path} was not found`);
  }

  private attempt(to: string | null, outcome: CreateAttempt['outcome'], status: number | null, code: number | null, sid: string | null): void {
    const a: CreateAttempt = { to, outcome, status, code, sid, at: new Date() };
    this.attempts.push(a);
    this.emitter.emit('request', a);
  }

  private createMessage(res: ServerResponse, form: URLSearchParams): void {
    const to = form.get('To');
    const fault = this.takeFault(to);
    const garble = fault !== null && !isStatusFault(fault) && fault.kind === 'accepted-garbled';
    if (fault && !garble) {
      if (isStatusFault(fault)) {
        const code = fault.code ?? DEFAULT_CODES[fault.status] ?? 20000 + fault.status;
        this.attempt(to, 'rejected', fault.status, code, null);
        sendError(res, fault.status, code, fault.message);
      } else if (fault.kind === 'malformed') {
        this.attempt(to, 'malformed', 200, null, null);
        sendMalformed(res);
      } else {
        this.attempt(to, 'hang', null, null, null); // never answered; close() destroys the socket
      }
      return;
    }

    const from = form.get('From');
    const messagingServiceSid = form.get('MessagingServiceSid');
    const body = form.get('Body') ?? '';
    const reject = (code: number, message: string): void => {
      this.attempt(to, 'rejected', 400, code, null);
      sendError(res, 400, code, message);
    };
    if (!to) return reject(21604, "A 'To' phone number is required.");
    if (!/^\+[1-9]\d{1,14}$/.test(to)) return reject(21211, `The 'To' number ${to} is not a valid phone number.`);
    if (!from && !messagingServiceSid) return reject(21603, "A 'From' phone number is required.");
    if (!body) return reject(21602, 'Message body is required.');
    if (body.length > 1600) return reject(21617, 'The concatenated message body exceeds the 1600 character limit.');

    const now = new Date();
    const stored: StoredMessage = {
      sid: `SM${hex32()}`,
      to,
      from: from || null,
      messagingServiceSid: messagingServiceSid || null,
      body,
      // Twilio answers 'accepted' when it must still pick a sender from the Messaging Service.
      status: from ? 'queued' : 'accepted',
      direction: 'outbound-api',
      numSegments: countSegments(body),
      mediaSids: [],
      dateCreated: now,
      dateSent: null,
    };
    this.messages.set(stored.sid, stored);
    const validity = form.get('ValidityPeriod');
    const sent: SentMessage = {
      sid: stored.sid,
      to,
      from: stored.from,
      messagingServiceSid: stored.messagingServiceSid,
      body,
      statusCallback: form.get('StatusCallback'),
      validityPeriod: validity === null || validity === '' ? null : Number(validity),
      createdAt: now,
    };
    this.sent.push(sent);
    if (garble) sendMalformed(res);
    else sendJson(res, 201, this.messageJson(stored));
    this.attempt(to, 'accepted', 201, null, stored.sid);
    this.emitter.emit('sent', sent);
  }

  private messageJson(m: StoredMessage): Record<string, unknown> {
    return {
      account_sid: this.accountSid,
      api_version: API_VERSION,
      body: m.body,
      date_created: rfc2822(m.dateCreated),
      date_sent: m.dateSent ? rfc2822(m.dateSent) : null,
      date_updated: rfc2822(m.dateCreated),
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
      subresource_uris: { media: `${this.base}/Messages/${m.sid}/Media.json` },
      to: m.to,
      uri: `${this.base}/Messages/${m.sid}.json`,
    };
  }

  /** Newest first, like Twilio; filters To and DateSent> (what the app asks), and refuses any other. */
  private listMessages(res: ServerResponse, query: URLSearchParams, path: string): void {
    const unknown = [...query.keys()].find((key) => !['To', 'DateSent>', 'PageSize', 'Page', 'PageToken'].includes(key));
    if (unknown !== undefined) return sendError(res, 400, 20001, `fake-twilio does not implement the message list filter ${unknown}`);
    const to = query.get('To');
    const afterRaw = query.get('DateSent>');
    const after = afterRaw === null ? null : parseSentAfter(afterRaw);
    if (afterRaw !== null && after === null) return sendError(res, 400, 20001, `Invalid value for DateSent>: ${afterRaw}`);

    const matches = [...this.messages.values()]
      .reverse()
      // Queued messages have no date_sent yet; they are filtered by creation time instead.
      .filter((m) => (to === null || m.to === to) && (after === null || (m.dateSent ?? m.dateCreated).getTime() >= after));
    const kept = new URLSearchParams();
    if (to !== null) kept.set('To', to);
    if (afterRaw !== null) kept.set('DateSent>', afterRaw);
    const { items, fields } = paged(matches, query, path, kept);
    sendJson(res, 200, { messages: items.map((m) => this.messageJson(m)), ...fields });
  }

  /** A message's media, as `media_list` (the key the SDK's MediaPage reads). */
  private listMedia(res: ServerResponse, messageSid: string, query: URLSearchParams, path: string): void {
    const message = this.messages.get(messageSid);
    if (!message) return this.notFound(res, path);
    const { items, fields } = paged(message.mediaSids, query, path, new URLSearchParams());
    const mediaList = items.map((sid) => {
      const media = this.media.get(sid);
      return {
        account_sid: this.accountSid,
        content_type: media?.contentType ?? 'image/jpeg',
        date_created: rfc2822(media?.dateCreated ?? message.dateCreated),
        date_updated: rfc2822(media?.dateCreated ?? message.dateCreated),
        parent_sid: messageSid,
        sid,
        uri: `${this.base}/Messages/${messageSid}/Media/${sid}.json`,
      };
    });
    sendJson(res, 200, { media_list: mediaList, ...fields });
  }

  private forgetMedia(mediaSid: string): void {
    const messageSid = this.media.get(mediaSid)?.messageSid;
    this.media.delete(mediaSid);
    const message = messageSid === undefined ? undefined : this.messages.get(messageSid);
    if (message) message.mediaSids = message.mediaSids.filter((m) => m !== mediaSid);
  }

  private deleteMessage(res: ServerResponse, sid: string, path: string): void {
    const message = this.messages.get(sid);
    this.deleteKnown(res, sid, message !== undefined, path, () => {
      for (const media of message?.mediaSids ?? []) this.media.delete(media);
      this.messages.delete(sid);
    });
  }

  /** 204 and recorded in `deleted`, or 404 like Twilio for a sid it never had (or no longer has). */
  private deleteKnown(res: ServerResponse, sid: string, known: boolean, path: string, remove: () => void): void {
    if (!known) return this.notFound(res, path);
    remove();
    this.deleted.push(sid);
    res.writeHead(204);
    res.end();
  }
}

export async function startFakeTwilio(): Promise<FakeTwilio> {
  const fake = new FakeTwilioServer();
  await fake.listen();
  return fake;
}
