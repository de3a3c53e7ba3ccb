// A ZIP-list area drawn as its ZIPs' nearest-centroid cells (a Voronoi diagram of the gazetteer's centroids):
// that is how membership of such an area is decided (src/geo/areas.ts), so that is what the map shows.
import { Delaunay } from 'd3-delaunay';
import { zipCentroid, zipCentroidsIn } from './zips.js';

/** How far around the listed ZIPs other centroids take part, so that the edge cells are closed by their neighbours. */
const MARGIN_DEGREES = 0.5;

export interface ZipCell {
  zip: string;
  /** The cell's ring as [lat, lng] pairs. */
  polygon: Array<[number, number]>;
}

export function zipCells(zips: string[]): ZipCell[] {
  const listed = zips.flatMap((zip) => {
    const centroid = zipCentroid(zip);
    return centroid ? [{ zip, ...centroid }] : [];
  });
  if (listed.length === 0) return [];
  const lats = listed.map((c) => c.lat);
  const lngs = listed.map((c) => c.lng);
  const box = {
    west: Math.min(...lngs) - MARGIN_DEGREES,
    south: Math.min(...lats) - MARGIN_DEGREES,
    east: Math.max(...lngs) + MARGIN_DEGREES,
    north: Math.max(...lats) + MARGIN_DEGREES,
  };
  const near = zipCentroidsIn(box);
  const voronoi = Delaunay.from(near, (c) => c.lng, (c) => c.lat).voronoi([box.west, box.south, box.east, box.north]);
  const wanted = new Set(listed.map((c) => c.zip));
  return near.flatMap((centroid, i) => {
    const ring = wanted.has(centroid.zip) ? voronoi.cellPolygon(i) : null;
    return ring ? [{ zip: centroid.zip, polygon: ring.map(([lng, lat]) => [lat, lng] as [number, number]) }] : [];
  });
}
