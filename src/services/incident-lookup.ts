// An incident named by a route: by its id, or by the code alerts print (`6TWM`), typed in any case.
import type { Incident } from '../db/repositories/incidents.js';
import type { Deps } from '../deps.js';

/**
 * Codes are unique across every stored incident (a unique column; openIncident draws again on a clash), so a
 * code names one incident, open or closed, until retention deletes it.
 */
export function findIncident(repos: Pick<Deps['repos'], 'incidents'>, idOrCode: string): Incident | undefined {
  return repos.incidents.get(idOrCode) ?? repos.incidents.findByCode(idOrCode);
}
