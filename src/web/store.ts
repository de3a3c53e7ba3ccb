// Incidents kept in one place: loaded once, then fed by the /api/events stream; after a drop the stream reconnects
// and `updatedSince` catches up on what changed meanwhile.
import { api, type Incident } from './api.js';

type Listener = () => void;

const incidents = new Map<string, Incident>();
// How many live events each incident had: sends and answers change what its page shows but not the incident itself.
const pulses = new Map<string, number>();
const listeners = new Set<Listener>();
const newListeners = new Set<(incident: Incident) => void>();
let source: EventSource | null = null;
let lastUpdate: string | null = null;
let connected = false;
let retryTimer: number | undefined;

function notify(): void {
  for (const listener of listeners) listener();
}

function take(incident: Incident, live: boolean): void {
  const known = incidents.get(incident.id);
  if (known && known.updatedAt > incident.updatedAt) return;
  incidents.set(incident.id, incident);
  if (!lastUpdate || incident.updatedAt > lastUpdate) lastUpdate = incident.updatedAt;
  if (!known && live) for (const listener of newListeners) listener(incident);
}

export const store = {
  all: (): Incident[] => [...incidents.values()],
  byIdOrCode: (key: string): Incident | undefined => incidents.get(key) ?? [...incidents.values()].find((i) => i.code === key),
  connected: () => connected,
  /** Grows with every live event about this incident, whether or not the incident itself changed. */
  pulse: (id: string): number => pulses.get(id) ?? 0,
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  onNew(listener: (incident: Incident) => void): () => void {
    newListeners.add(listener);
    return () => newListeners.delete(listener);
  },
  /** Replaces an incident with the server's answer to an action, so the page shows it at once. */
  put(incident: Incident): void {
    take(incident, false);
    notify();
  },
  async start(): Promise<void> {
    for (const incident of await api.incidents()) take(incident, false);
    notify();
    connect();
  },
  stop(): void {
    source?.close();
    source = null;
    clearTimeout(retryTimer);
    incidents.clear();
    pulses.clear();
    lastUpdate = null;
    connected = false;
  },
};

function connect(): void {
  source?.close();
  source = new EventSource('/api/events');
  source.addEventListener('open', () => {
    const wasDown = !connected;
    connected = true;
    notify();
    if (wasDown) void catchUp();
  });
  source.addEventListener('incident', (event) => {
    const incident = JSON.parse((event as MessageEvent<string>).data) as Incident;
    pulses.set(incident.id, (pulses.get(incident.id) ?? 0) + 1);
    take(incident, true);
    notify();
  });
  source.addEventListener('signed-out', () => {
    store.stop();
    window.dispatchEvent(new Event('centinela:signed-out'));
  });
  source.addEventListener('error', () => {
    connected = false;
    notify();
    // EventSource retries by itself unless the server refused (CLOSED): then try again ourselves, gently.
    if (source?.readyState === EventSource.CLOSED) retryTimer = window.setTimeout(connect, 3000);
  });
}

/** What changed while the stream was down (a second of overlap: clocks and commits are not instant). */
async function catchUp(): Promise<void> {
  if (!lastUpdate) return;
  const since = new Date(Date.parse(lastUpdate) - 1000).toISOString();
  try {
    for (const incident of await api.incidents(since)) take(incident, true);
    notify();
  } catch {
    // The next reconnect tries again.
  }
}
