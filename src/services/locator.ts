// Where a text says it is: the pure reader (src/geo/read-location.ts) fed with the network's current places, the
// operator's street index, the city gazetteer and the committees' region; then, in workers only, the operator's own
// HTTP geocoder for what the offline sources could not resolve. Built once per process; each source reloads only
// when it changed.
import { statSync } from 'node:fs';
import type { Config } from '../config.js';
import type { Repositories } from '../deps.js';
import { type AreaContains, defaultAreaContains } from '../domain/clustering.js';
import type { LatLng, Location } from '../domain/types.js';
import { type CityIndex, createCityIndex } from '../geo/cities.js';
import { distanceMeters } from '../geo/distance.js';
import { createHttpGeocoder, type HttpGeocoder } from '../geo/http-geocoder.js';
import type { StreetIndex } from '../geo/lookup.js';
import { buildPlaceIndex } from '../geo/place-index.js';
import { type Gazetteers, type LocationReading, readLocation } from '../geo/read-location.js';
import { readStreetIndexFile } from '../geo/street-index.js';
import { areaCentroidHint } from '../geo/areas.js';
import { nearestZip } from '../geo/zips.js';
import type { Logger } from '../log.js';

export interface Locator {
  /** Offline and fast: what the webhook reads before it answers. */
  read(text: string): LocationReading;
  /** The offline reading, improved by the HTTP geocoder (when configured) if it found nothing precise. */
  locate(text: string): Promise<LocationReading>;
  /** Whether a point lies in an area-level location (ZIP, neighbourhood, city): how area reports cluster. */
  contains: AreaContains;
  /** The ZIP a point lies in (nearest Census centroid). */
  zipOf(point: LatLng): string | null;
}

// The street index file and the committees' region are re-checked at most this often.
const RECHECK_MS = 2_000;
const REGION_RADIUS_KM = 150;

export function createLocator(deps: { repos: Repositories; config: Config; log: Logger; now: () => number }): Locator {
  const { repos, config, log } = deps;
  const geocoder: HttpGeocoder | null = config.geocoder
    ? createHttpGeocoder({ ...config.geocoder, region: () => regionOf(), log })
    : null;

  let checkedAt = -Infinity;
  let placesVersion: string | null = null;
  let streetsStamp: number | null = null;
  let streets: StreetIndex | null = null;
  let region: LatLng | null = null;
  let cities: CityIndex | null = null;
  let regionKey = '';
  let gazetteers: Gazetteers | null = null;

  function regionOf(): { center: LatLng; radiusKm: number } | null {
    return region ? { center: region, radiusKm: REGION_RADIUS_KM } : null;
  }

  function refresh(): Gazetteers {
    // Places are checked on every read (one small query): a place added in the console is known to the next text.
    const version = repos.places.version();
    let changed = gazetteers === null || version !== placesVersion;
    placesVersion = version;
    const now = deps.now();
    if (gazetteers && !changed && now - checkedAt < RECHECK_MS) return gazetteers;
    checkedAt = now;
    const stamp = fileStamp(config.streetsFile);
    if (stamp !== streetsStamp) {
      streetsStamp = stamp;
      streets = stamp === null ? null : loadStreets(config.streetsFile, log);
      changed = true;
    }
    const centres = repos.committees.list().flatMap((c) => areaCentroidHint(c.area) ?? []);
    const key = centres.map((c) => `${c.lat.toFixed(3)},${c.lng.toFixed(3)}`).join(';');
    if (key !== regionKey || !cities) {
      regionKey = key;
      region = centres.length ? { lat: mean(centres.map((c) => c.lat)), lng: mean(centres.map((c) => c.lng)) } : null;
      cities = createCityIndex({ region, radiusKm: REGION_RADIUS_KM });
      changed = true;
    }
    if (changed || !gazetteers) {
      gazetteers = { places: buildPlaceIndex(repos.places.list()), streets, cities, region };
    }
    return gazetteers;
  }

  const contains: AreaContains = (area, point) => {
    if (area.precision === 'zip') {
      return area.zip != null && (point.zip === area.zip || (point.precision !== 'zip' && nearestZip(point) === area.zip));
    }
    return defaultAreaContains(area, point);
  };

  /** Never throws: a source that breaks on some text (a damaged index) is left out for that text, and logged. */
  const safeRead = (text: string): LocationReading => {
    const sources = refresh();
    try {
      return readLocation(text, sources);
    } catch (error) {
      log.error({ err: (error as Error).message }, 'location reader failed; reading without the street index and places');
      return readLocation(text, { ...sources, streets: null, places: buildPlaceIndex([]) });
    }
  };

  return {
    read: safeRead,
    async locate(text) {
      const reading = safeRead(text);
      if (!geocoder || !reading.geocoderQuery) return reading;
      if (reading.location && ['point', 'address', 'intersection', 'place'].includes(reading.location.precision)) return reading;
      const hit = await geocoder.search(reading.geocoderQuery);
      if (!hit || !isBetter(hit, reading.location)) return reading;
      return { ...reading, location: { ...hit, zip: hit.zip ?? nearestZip(hit) } };
    },
    contains,
    zipOf: (point) => nearestZip(point),
  };
}

/** A geocoder hit replaces an area-level reading only when it lies in that area (it found the same town's street). */
function isBetter(hit: Location, current: Location | null): boolean {
  if (!current) return true;
  const radius = current.precision === 'city' ? 25_000 : current.precision === 'zip' ? 5_000 : 3_000;
  return distanceMeters(hit, current) <= radius;
}

function fileStamp(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

// A text that touches every part of the index, read once when a file is loaded: a file whose shape is damaged
// fails here, at load, and is set aside, instead of failing on every report later.
const PROBE = '2440 Mission St, 24th and Mission, kanto ng Mission at 24th, Bernal Heights, 94110';

function loadStreets(path: string, log: Logger): StreetIndex | null {
  try {
    const index = readStreetIndexFile(path);
    if (index) readLocation(PROBE, { places: buildPlaceIndex([]), streets: index, cities: createCityIndex({ region: null, radiusKm: REGION_RADIUS_KM }), region: null });
    return index;
  } catch (error) {
    // A damaged index must not stop reports: they are read without streets and the operator is told.
    log.error({ err: (error as Error).message }, 'street index unreadable; reports are read without it');
    return null;
  }
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
