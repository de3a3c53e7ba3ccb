// Shared vocabulary of the domain. Plain data only: no I/O, no classes.

/** Languages the hotline answers in. Reports may be written in any language. */
export const LOCALES = ['en', 'es', 'tl'] as const;
export type Locale = (typeof LOCALES)[number];

export function isLocale(value: string): value is Locale {
  return (LOCALES as readonly string[]).includes(value);
}

export interface LatLng {
  lat: number;
  lng: number;
}

/** From most to least precise. `point`..`place` are "precise": they cluster by distance, the rest by area. */
export const PRECISIONS = ['point', 'address', 'intersection', 'place', 'neighbourhood', 'zip', 'city'] as const;
export type Precision = (typeof PRECISIONS)[number];

/** Where a location was read from, shown to dispatchers next to it. */
export const LOCATION_SOURCES = ['places', 'streets', 'geocoder', 'zip', 'city', 'map', 'photo', 'keypad', 'dispatcher'] as const;
export type LocationSource = (typeof LOCATION_SOURCES)[number];

/** Where a report or incident is. `zip` is set when the place was read from (or lies in) a ZIP code. */
export interface Location extends LatLng {
  label: string;
  precision: Precision;
  zip?: string | null;
  /** Where it came from, and the words of the text it was read from (null when not from words). */
  source?: LocationSource;
  words?: string | null;
}

export const INCIDENT_KINDS = ['worksite', 'school', 'home', 'court', 'checkpoint', 'other'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** What a report says besides where, for a dispatcher's glance. Only what was found is set. */
export interface ReportDetails {
  vehicles?: number;
  /** Agency words as written, folded: "ice", "cbp", "hsi", "migra", "la placa". */
  agencies?: string[];
  happeningNow?: boolean;
  arrests?: boolean;
  weapons?: boolean;
  children?: boolean;
}

export const INCIDENT_STATUSES = ['new', 'verifying', 'confirmed', 'dismissed', 'resolved', 'expired'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
/** Not yet confirmed: nothing was broadcast; they expire if nobody confirms them. */
export const UNCONFIRMED_STATUSES: readonly IncidentStatus[] = ['new', 'verifying'];
/** Open incidents gather reports and can still be acted on. */
export const OPEN_STATUSES: readonly IncidentStatus[] = [...UNCONFIRMED_STATUSES, 'confirmed'];

export const MEMBER_ROLES = ['responder', 'verifier', 'coordinator'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/** A weekly on-duty window in the network's TIMEZONE: day 0 = Sunday; minutes since midnight, end exclusive. */
export interface WeeklyShift {
  day: number;
  start: number;
  end: number;
}

export const MEMBER_STATUSES = ['pending', 'active', 'removed'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

/** A committee's area, as the console API accepts it. GeoJSON positions are [lng, lat]. */
export type Area =
  | { type: 'zips'; zips: string[] }
  | { type: 'circle'; center: LatLng; radiusMeters: number }
  | { type: 'polygon'; geojson: GeoJsonPolygon | GeoJsonMultiPolygon };

export type Position = [number, number];
export interface GeoJsonPolygon {
  type: 'Polygon';
  coordinates: Position[][];
}
export interface GeoJsonMultiPolygon {
  type: 'MultiPolygon';
  coordinates: Position[][][];
}
