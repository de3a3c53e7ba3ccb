// Drills: a dispatcher opens a practice incident at a chosen place. It goes through the same approvals and fan-out
// as a real one, but its texts start with the drill word, it never reaches numbers that said DRILLS OFF, it never
// gathers real reports, and its counts stay apart from real incidents'.
import { inTransaction } from '../db/client.js';
import type { Incident } from '../db/repositories/incidents.js';
import type { Deps } from '../deps.js';
import { incidentCode } from '../domain/codes.js';
import type { IncidentKind, Precision } from '../domain/types.js';

type DrillDeps = Pick<Deps, 'db' | 'repos' | 'now' | 'events' | 'locator'>;

export interface DrillInput {
  /** As typed or picked: a ZIP code is an area (`zip`), a click on the map a `point` (the default). */
  location: { lat: number; lng: number; label?: string | undefined; precision?: Precision | undefined; zip?: string | undefined };
  kind: IncidentKind;
}

export function createDrill(deps: DrillDeps, userId: string, input: DrillInput): Incident {
  const now = deps.now();
  const { lat, lng } = input.location;
  const label = input.location.label?.trim() || `${lat.toFixed(5)}, ${lng.toFixed(5)}`;
  const incident = inTransaction(deps.db, () => {
    const { incidents } = deps.repos;
    let code = incidentCode();
    while (incidents.codeExists(code)) code = incidentCode();
    const created = incidents.insert(
      {
        code,
        status: 'new',
        kind: input.kind,
        lat,
        lng,
        label,
        // Its precision drives clustering, coverage and labels: a drill placed by a ZIP must behave like a report placed by one.
        precision: input.location.precision ?? 'point',
        zip: input.location.zip ?? deps.locator.zipOf({ lat, lng }),
        locationSource: 'dispatcher',
        drill: true,
        firstReportedAt: now,
        lastReportedAt: now,
        // Its author has it open: nobody needs paging about a drill they just started.
        firstOpenedAt: now,
      },
      now,
    );
    incidents.addEvent(created.id, 'opened', now, { drill: true }, userId);
    deps.repos.audit.record('drill.create', now, { actorUserId: userId, target: created.id });
    return created;
  });
  deps.events.incidentChanged(incident.id);
  return incident;
}
