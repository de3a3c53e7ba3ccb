// Applies the corroboration rule where reports join incidents (inside the caller's transaction).
import type { Deps } from '../deps.js';
import { corroborationPriority } from '../domain/corroboration.js';

/** Sets the incident's priority from its reports; the first time it rises, the timeline says by how many people. */
export function applyCorroboration(deps: Pick<Deps, 'repos' | 'config'>, incidentId: string, now: number): void {
  const incident = deps.repos.incidents.get(incidentId);
  if (!incident) return;
  const priority = corroborationPriority(deps.repos.reports.corroborating(incidentId), deps.config.corroboration);
  if (priority === incident.priority) return;
  deps.repos.incidents.update(incidentId, { priority }, now);
  if (incident.priority === 0 && priority > 0) deps.repos.incidents.addEvent(incidentId, 'corroborated', now, { reporters: priority });
}
