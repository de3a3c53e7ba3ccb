// The one typed client of the console's JSON API. Its types come from the server's schemas (type-only imports:
// no server code is bundled), so client and server cannot drift.
import type { AuditEntryView, UserCreatedView, UserView } from '../http/schemas.js';
import type { CommitteeView, ConfirmationView, DrillCreateBody, GeocodedView, IncidentDetailView, IncidentView, LocationView, PlaceIncidentBody, PreviewView, ZipCellsView } from '../http/schemas.js';
import type { SimulatorInboxView, SimulatorSmsView } from '../http/schemas.js';
import type { DismissBody, FollowUpSentView } from '../http/schemas.js';
import type { VerificationView } from '../http/schemas.js';
import type { PlaceCreateBody, PlaceImportRejected, PlaceImportResult, PlacePatchBody, PlaceView } from '../http/schemas.js';

export type { VerificationView };
export type { PlaceImportRejected, PlaceImportResult, PlaceView };
export type PlaceKind = NonNullable<PlaceView['kind']>;
import type { AreaView, MemberImportResult, MemberUpdateView, MemberView } from '../http/schemas.js';

export type { MemberImportResult, MemberView };
/** An area as the API takes it (what it answers has the same shape). */
export type AreaInput = AreaView;

export type { CommitteeView, IncidentDetailView, IncidentView, LocationView };
export type Incident = IncidentView;
export type IncidentDetail = IncidentDetailView;

/** `POST /api/incidents/:id/confirm`: the incident with how many approved its alert and how many must. */
export type Confirmation = ConfirmationView;

/** `POST /api/incidents/:id/preview` (contract §5). */
export type Preview = PreviewView;

export type { AuditEntryView, UserCreatedView, UserView };

export type ZipCell = ZipCellsView['cells'][number];

export type Geocoded = GeocodedView;
export type { DrillCreateBody, PlaceIncidentBody };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterSeconds: number | null = null,
    /** The answer's JSON, for errors that carry more than a message (an import's bad rows). */
    readonly body: unknown = null,
  ) {
    super(message);
  }
}

/** Called when any request answers 401: the session is gone. */
let onSignedOut: () => void = () => {};
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

async function request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, quiet401 = false): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: method === 'GET' ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' },
      // State changes are always JSON, `{}` when there is nothing to say (the server's CSRF rule).
      body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
    });
  } catch {
    throw new ApiError(0, 'network');
  }
  if (response.status === 204) return undefined as T;
  const data = (await response.json().catch(() => null)) as unknown;
  if (!response.ok) {
    const message = data && typeof data === 'object' && 'error' in data ? String((data as { error: unknown }).error) : response.statusText;
    const retry = response.headers.get('retry-after');
    if (response.status === 401 && !quiet401) onSignedOut();
    throw new ApiError(response.status, message, retry ? Number(retry) : null, data);
  }
  return data as T;
}

const enc = encodeURIComponent;

export const api = {
  signIn: (email: string, password: string, code?: string) => request<void>('POST', '/api/session', code ? { email, password, code } : { email, password }, true),
  signOut: () => request<void>('DELETE', '/api/session'),
  /** Any signed-in route answers 401 without a session: the cheapest is the health check with details. */
  session: () => request<{ status: string; db?: string }>('GET', '/api/health').then((h) => h.db !== undefined),
  incidents: (updatedSince?: string) => request<Incident[]>('GET', `/api/incidents?limit=1000${updatedSince ? `&updatedSince=${enc(updatedSince)}` : ''}`),
  incident: (id: string) => request<IncidentDetail>('GET', `/api/incidents/${enc(id)}`),
  preview: (id: string) => request<Preview>('POST', `/api/incidents/${enc(id)}/preview`),
  verification: (id: string) => request<VerificationView>('GET', `/api/incidents/${enc(id)}/verification`),
  askVerifiers: (id: string) => request<VerificationView>('POST', `/api/incidents/${enc(id)}/verify`),
  confirm: (id: string) => request<Confirmation>('POST', `/api/incidents/${enc(id)}/confirm`),
  dismiss: (id: string, why: DismissBody = {}) => request<Incident>('POST', `/api/incidents/${enc(id)}/dismiss`, why),
  /** Follow-through: an update to those alerted, a reminder to those who did not reply, merge and split. */
  sendUpdate: (id: string, text: string) => request<FollowUpSentView>('POST', `/api/incidents/${enc(id)}/messages`, { text }),
  remind: (id: string) => request<FollowUpSentView>('POST', `/api/incidents/${enc(id)}/remind`),
  merge: (id: string, into: string) => request<Incident>('POST', `/api/incidents/${enc(id)}/merge`, { into }),
  split: (reportId: string) => request<Incident>('POST', `/api/reports/${enc(reportId)}/split`),
  resolve: (id: string) => request<Incident>('POST', `/api/incidents/${enc(id)}/resolve`),
  /** `POST /api/drills`: a drill incident, to approve and send like a real one. */
  startDrill: (body: DrillCreateBody) => request<Incident>('POST', '/api/drills', body),
  place: (id: string, at: PlaceIncidentBody) => request<Incident>('POST', `/api/incidents/${enc(id)}/location`, at),
  geocode: (q: string) => request<Geocoded>('GET', `/api/geocode?q=${enc(q)}`),
  committees: () => request<CommitteeView[]>('GET', '/api/committees'),
  cells: (id: string) => request<{ cells: ZipCell[] }>('GET', `/api/committees/${enc(id)}/cells`),
  zipCells: (zips: string[]) => request<{ cells: ZipCell[] }>('GET', `/api/zip-cells?zips=${enc(zips.join(','))}`),
  committee: (id: string) => request<CommitteeView>('GET', `/api/committees/${enc(id)}`),
  createCommittee: (body: { name: string; area: AreaInput; autoApprove?: boolean }) => request<CommitteeView>('POST', '/api/committees', body),
  updateCommittee: (id: string, patch: { name?: string; area?: AreaInput; autoApprove?: boolean }) => request<CommitteeView>('PATCH', `/api/committees/${enc(id)}`, patch),
  rotateInviteCode: (id: string) => request<CommitteeView>('POST', `/api/committees/${enc(id)}/invite-code`),
  members: (id: string) => request<MemberView[]>('GET', `/api/committees/${enc(id)}/members`),
  updateMember: (id: string, patch: { role?: MemberView['role']; status?: MemberView['status']; onDuty?: boolean }) => request<MemberUpdateView>('PATCH', `/api/members/${enc(id)}`, patch),
  /** A number set aside after repeated delivery failures: texts to it resume. */
  markReachable: (id: string) => request<void>('POST', `/api/members/${enc(id)}/reachable`),
  importMembers: (id: string, csv: string) => request<MemberImportResult>('POST', `/api/committees/${enc(id)}/members/import`, { csv }),
  /** Training mode only; numbers go in the body, never the URL. */
  smsProvider: () => request<{ smsProvider?: 'twilio' | 'outbox' }>('GET', '/api/health').then((h) => h.smsProvider ?? null),
  simulateSms: (from: string, body: string) => request<SimulatorSmsView>('POST', '/api/dev/sms', { from, body }),
  simulatorInbox: (phone: string) => request<SimulatorInboxView>('POST', '/api/dev/inbox', { phone }),
  me: () => request<UserView>('GET', '/api/session'),
  users: () => request<UserView[]>('GET', '/api/users'),
  createUser: (body: { email: string; role: UserView['role']; phone?: string }) => request<UserCreatedView>('POST', '/api/users', body),
  updateUser: (id: string, patch: { role?: UserView['role']; disabled?: boolean }) => request<UserView>('PATCH', `/api/users/${enc(id)}`, patch),
  /** From a one-time link's token (no session): the token goes only in this JSON body. */
  setPassword: (token: string, password: string) => request<void>('POST', '/api/users/password', { token, password }, true),
  audit: (query: Record<string, string>) => request<AuditEntryView[]>('GET', `/api/audit?${new URLSearchParams(query).toString()}`),
  startTotp: (password: string, code?: string) => request<{ secret: string; uri: string }>('POST', '/api/session/totp', code ? { password, code } : { password }),
  confirmTotp: (code: string) => request<void>('POST', '/api/session/totp/confirm', { code }),
  /** The signed-in user's own paging settings (phone number, on duty) and the console language pages use. */
  updateMe: (patch: { phone?: string | null; onDuty?: boolean; locale?: string }) => request<UserView>('PATCH', '/api/me', patch),
};

/** The network's places (`/api/places`). */
export const placesApi = {
  list: () => request<PlaceView[]>('GET', '/api/places'),
  create: (body: PlaceCreateBody) => request<PlaceView>('POST', '/api/places', body),
  update: (id: string, patch: PlacePatchBody) => request<PlaceView>('PATCH', `/api/places/${encodeURIComponent(id)}`, patch),
  remove: (id: string) => request<void>('DELETE', `/api/places/${encodeURIComponent(id)}`, {}),
  /** The counts, or (422) the bad rows of a file of which nothing was imported. */
  async import(format: 'csv' | 'geojson', content: string): Promise<PlaceImportResult | PlaceImportRejected> {
    try {
      return await request<PlaceImportResult>('POST', '/api/places/import', { format, content });
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) return error.body as PlaceImportRejected;
      throw error;
    }
  },
};
