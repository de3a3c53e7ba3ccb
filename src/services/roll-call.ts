// Roll call: which alert a member's reply answers, arrivals on scene, and the counts the console shows per incident.
import type { Incident } from '../db/repositories/incidents.js';
import type { Deps, Repositories } from '../deps.js';

export interface RollCall {
  going: number;
  cannot: number;
  noReply: number;
  onScene: number;
  /** Seconds from release (confirmation) to the first `ON SCENE`: the network's own response time. */
  firstArrivalSeconds: number | null;
}

export function rollCallOf(repos: Pick<Repositories, 'rollCall'>, incident: Pick<Incident, 'id' | 'confirmedAt'>): RollCall {
  const tally = repos.rollCall.tally(incident.id);
  const { firstArrivalAt, ...counts } = tally;
  const firstArrivalSeconds =
    firstArrivalAt !== null && incident.confirmedAt !== null ? Math.max(0, Math.round((firstArrivalAt - incident.confirmedAt) / 1000)) : null;
  return { ...counts, firstArrivalSeconds };
}

/**
 * The alert a reply answers: the one its code names; else the one open alert sent to this number; with two or more
 * open, none: the sender must say which (`which` holds the two newest codes). With none open, the latest alert
 * (a late "1" still says who went).
 */
export type AnsweredAlert = { incident: Incident } | { which: [string, string] } | { none: true };

export function alertAnswered(deps: Pick<Deps, 'repos'>, contactId: string, codes: readonly string[]): AnsweredAlert {
  const { repos } = deps;
  const named = codes.map((code) => repos.incidents.findByCode(code)).find((incident) => incident !== undefined);
  if (named) return { incident: named };
  const open = repos.rollCall.openAlertsTo(contactId);
  const [first, second] = open;
  if (first && second) return { which: [first.code, second.code] };
  const id = first?.incidentId ?? repos.messages.latestAlertTo(contactId)?.incidentId ?? null;
  const incident = id ? repos.incidents.get(id) : undefined;
  return incident ? { incident } : { none: true };
}

/** `ON SCENE`: arrival recorded (which implies going) and put on the incident's timeline once per person. */
export function recordArrival(deps: Pick<Deps, 'repos'>, incident: Incident, contactId: string, now: number): void {
  const repo = deps.repos.rollCall;
  const first = !repo.arrived(incident.id, contactId);
  repo.recordArrival(incident.id, contactId, now);
  if (first) deps.repos.incidents.addEvent(incident.id, 'arrived', now, {});
}

/** `DRILLS OFF` / `DRILLS ON`. */
export function setDrills(deps: Pick<Deps, 'repos'>, contactId: string, on: boolean): void {
  deps.repos.rollCall.setDrillsOff(contactId, !on);
}
