// The offline reading with no network data at all (no places, no street index, no region): ZIP codes, map pins
// and clearly named US cities. Kept for callers that have no gazetteers at hand; the full reader is readLocation.
import type { Location } from '../domain/types.js';
import { defaultGazetteers, readLocation } from './read-location.js';

/** The place a report names, or null when none can be read offline. When several ZIPs qualify the last one wins. */
export function parseLocationOffline(text: string): Location | null {
  return readLocation(text, defaultGazetteers()).location;
}
