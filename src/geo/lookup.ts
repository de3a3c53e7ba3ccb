// What the location reader can look names up in. Each source is built at the edges (a file, the database, an npm
// gazetteer) and handed to the pure reader, so reading a text never does I/O.
import type { IncidentKind, LatLng } from '../domain/types.js';
import type { StreetName } from './names.js';

/** A point with the name people know it by: "Mission St & 24th St", "Mission High School". */
export interface NamedPoint extends LatLng {
  name: string;
}

/** The offline street index built from an OpenStreetMap extract (`npm run streets:import`). */
export interface StreetIndex {
  /** Every street key in the extract ("24", "cesar chavez", "south van ness"), for finding street names in texts. */
  readonly keys: ReadonlySet<string>;
  /**
   * Where two streets meet (a node they share, or their closest approach within ~60 m), the one nearest `near` when
   * several match; `name` is "Cesar Chavez St & Bryant St" in the extract's own spelling (abbreviated types).
   */
  intersection(a: StreetName, b: StreetName, near?: LatLng | null): NamedPoint | null;
  /** A house number on a street, from address points or `addr:interpolation` ranges; `name` is "2440 Mission St". */
  address(number: number, street: StreetName, near?: LatLng | null): NamedPoint | null;
  /** A street as a whole (its middle point and length), nearest `near` when several share the name. */
  street(street: StreetName, near?: LatLng | null): (NamedPoint & { lengthMeters: number }) | null;
  /** The intersection nearest a point within `maxMeters`: how a pasted map pin is named ("near 24th St & Mission St"). */
  nearestIntersection(point: LatLng, maxMeters: number): NamedPoint | null;
  /** Neighbourhood, suburb, quarter, city, town and village nodes of the extract. */
  readonly areas: readonly NamedArea[];
}

export interface NamedArea extends NamedPoint {
  /** Its name and alt/old/local names, as written in the data. */
  names: readonly string[];
  kind: 'neighbourhood' | 'city';
}

/** One of the network's own places (`/api/places`). */
export interface Place extends LatLng {
  id: string;
  name: string;
  aliases: readonly string[];
  kind: IncidentKind | null;
}
