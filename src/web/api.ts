// The one typed client of the console's JSON API. Its types come from the server's schemas (type-only imports:
// no server code is bundled), so client and server cannot drift.
import type { CommitteeView, GeocodedView, IncidentDetailView, IncidentView, LocationView, PlaceIncidentBody, PreviewView, ZipCellsView } from '../http/schemas.js';

export type { CommitteeView, IncidentDetailView, IncidentView, LocationView };
export type Incident = IncidentView;
export type IncidentDetail = IncidentDetailView;

/** `POST /api/incidents/:id/preview` (contract §5). */
export type Preview = PreviewView;

export type ZipCell = ZipCellsView['cells'][number];

export type Geocoded = GeocodedView;
export type { PlaceIncidentBody };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

/** Called when any request answers 401: the session is gone. */
let onSignedOut: () => void = () => {};
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

async function request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, quiet401 = false): Promise<T> {
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
    throw new ApiError(response.status, message, retry ? Number(retry) : null);
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
  confirm: (id: string) => request<Incident>('POST', `/api/incidents/${enc(id)}/confirm`),
  dismiss: (id: string) => request<Incident>('POST', `/api/incidents/${enc(id)}/dismiss`),
  resolve: (id: string) => request<Incident>('POST', `/api/incidents/${enc(id)}/resolve`),
  place: (id: string, at: PlaceIncidentBody) => request<Incident>('POST', `/api/incidents/${enc(id)}/location`, at),
  geocode: (q: string) => request<Geocoded>('GET', `/api/geocode?q=${enc(q)}`),
  committees: () => request<CommitteeView[]>('GET', '/api/committees'),
  cells: (id: string) => request<{ cells: ZipCell[] }>('GET', `/api/committees/${enc(id)}/cells`),
};
