// The places routes of the console API (`/api/places`), typed from the server's schemas like src/web/api.ts.
// TODO(integration): these belong in api.ts's `api` object; they live here until that file is free to edit.
import { ApiError } from '../api.js';
import type { PlaceCreateBody, PlaceImportRejected, PlaceImportResult, PlacePatchBody, PlaceView } from '../../http/schemas.js';

export type { PlaceImportRejected, PlaceImportResult, PlaceView };
export type PlaceKind = NonNullable<PlaceView['kind']>;

async function request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; data: T }> {
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
  const data = (response.status === 204 ? undefined : await response.json().catch(() => null)) as T;
  if (response.status === 401) window.dispatchEvent(new Event('centinela:signed-out'));
  return { status: response.status, data };
}

/** The answer, or an ApiError with the server's `{error}` message. */
async function ok<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const { status, data } = await request<T | { error?: string }>(method, path, body);
  if (status >= 400) {
    const message = data && typeof data === 'object' && 'error' in data ? String(data.error) : String(status);
    throw new ApiError(status, message);
  }
  return data as T;
}

const enc = encodeURIComponent;

export const placesApi = {
  list: () => ok<PlaceView[]>('GET', '/api/places'),
  create: (body: PlaceCreateBody) => ok<PlaceView>('POST', '/api/places', body),
  update: (id: string, patch: PlacePatchBody) => ok<PlaceView>('PATCH', `/api/places/${enc(id)}`, patch),
  remove: (id: string) => ok<void>('DELETE', `/api/places/${enc(id)}`, {}),
  /** The counts, or (422) the bad rows of a file of which nothing was imported. */
  async import(format: 'csv' | 'geojson', content: string): Promise<PlaceImportResult | PlaceImportRejected> {
    const { status, data } = await request<PlaceImportResult | PlaceImportRejected>('POST', '/api/places/import', { format, content });
    if (status === 200 || status === 422) return data;
    throw new ApiError(status, data && typeof data === 'object' && 'error' in data ? data.error : String(status));
  },
};
