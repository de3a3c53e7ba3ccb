// The only file that knows Leaflet. Incidents are circle markers coloured by status (no marker images); committee
// areas are outlines: ZIP lists as their nearest-centroid cells, circles and polygons as drawn. Members and
// verifiers are never on the map.
import 'leaflet/dist/leaflet.css';
import L from 'leaflet';
import type { CommitteeView, Incident, ZipCell } from './api.js';

export const STATUS_COLOURS: Record<Incident['status'], string> = {
  new: '#b00020',
  verifying: '#b35900',
  confirmed: '#6a1b9a',
  dismissed: '#555555',
  resolved: '#1b5e20',
  expired: '#555555',
};

/** The Bay Area until something better is known: the first incident or committee moves the view. */
const START: L.LatLngExpression = [37.76, -122.42];

/** The operator's MAP_TILES_URL, written into the page by the server; null when tiles are off. */
export function tilesUrl(): string | null {
  const value = document.querySelector('meta[name="centinela-tiles"]')?.getAttribute('content') ?? 'none';
  return value === 'none' || value.startsWith('__') ? null : value;
}

export interface ConsoleMap {
  showIncidents(incidents: Incident[], onOpen?: (incident: Incident) => void): void;
  showAreas(committees: CommitteeView[], cells: Map<string, ZipCell[]>): void;
  /** The network's named places as small squares-in-circle markers with their names; the first call fits the view. */
  showPlaces(places: Array<{ name: string; lat: number; lng: number }>): void;
  /** Calls back with the clicked point and drops a pin there. */
  onPick(handler: (at: { lat: number; lng: number }) => void): void;
  focus(lat: number, lng: number, zoom?: number): void;
  destroy(): void;
}

export function createMap(element: HTMLElement, tilesUrl: string | null, label: string): ConsoleMap {
  const map = L.map(element, { center: START, zoom: 11, attributionControl: Boolean(tilesUrl) });
  element.setAttribute('role', 'region');
  element.setAttribute('aria-label', label);
  if (tilesUrl) {
    L.tileLayer(tilesUrl, { maxZoom: 19, attribution: '© OpenStreetMap contributors', referrerPolicy: 'no-referrer' } as L.TileLayerOptions).addTo(map);
  }
  const incidentLayer = L.layerGroup().addTo(map);
  const areaLayer = L.layerGroup().addTo(map);
  const placeLayer = L.layerGroup().addTo(map);
  let pick: L.CircleMarker | null = null;
  let fitted = false;

  return {
    showIncidents(incidents, onOpen) {
      incidentLayer.clearLayers();
      const points: L.LatLngTuple[] = [];
      for (const incident of incidents) {
        if (!incident.location) continue;
        const at: L.LatLngTuple = [incident.location.lat, incident.location.lng];
        points.push(at);
        const colour = STATUS_COLOURS[incident.status];
        const marker = L.circleMarker(at, { radius: 10, color: '#ffffff', weight: 2, fillColor: colour, fillOpacity: 0.9 })
          .bindTooltip(`${incident.code} · ${incident.location.label}`)
          .addTo(incidentLayer);
        if (onOpen) marker.on('click', () => onOpen(incident));
      }
      if (!fitted && points.length > 0) {
        fitted = true;
        map.fitBounds(L.latLngBounds(points).pad(0.3), { maxZoom: 14 });
      }
    },
    showAreas(committees, cells) {
      areaLayer.clearLayers();
      const style = { color: '#1565c0', weight: 2, fillOpacity: 0.06 };
      for (const committee of committees) {
        const area = committee.area;
        if (area.type === 'circle') L.circle([area.center.lat, area.center.lng], { ...style, radius: area.radiusMeters }).bindTooltip(committee.name).addTo(areaLayer);
        else if (area.type === 'polygon') L.geoJSON(area.geojson, { style }).bindTooltip(committee.name).addTo(areaLayer);
        else for (const cell of cells.get(committee.id) ?? []) L.polygon(cell.polygon, style).bindTooltip(`${committee.name} · ${cell.zip}`).addTo(areaLayer);
      }
    },
    showPlaces(places) {
      placeLayer.clearLayers();
      for (const place of places) {
        L.circleMarker([place.lat, place.lng], { radius: 6, color: '#0d47a1', weight: 2, fillColor: '#ffffff', fillOpacity: 1 })
          .bindTooltip(place.name)
          .addTo(placeLayer);
      }
      if (!fitted && places.length > 0) {
        fitted = true;
        map.fitBounds(L.latLngBounds(places.map((p): L.LatLngTuple => [p.lat, p.lng])).pad(0.2), { maxZoom: 15 });
      }
    },
    onPick(handler) {
      map.getContainer().style.cursor = 'crosshair';
      map.on('click', (event: L.LeafletMouseEvent) => {
        const at = { lat: Number(event.latlng.lat.toFixed(6)), lng: Number(event.latlng.lng.toFixed(6)) };
        pick?.remove();
        pick = L.circleMarker([at.lat, at.lng], { radius: 9, color: '#000', weight: 3, fillColor: '#ffeb3b', fillOpacity: 1 }).addTo(map);
        handler(at);
      });
    },
    focus(lat, lng, zoom = 14) {
      fitted = true;
      map.setView([lat, lng], zoom);
    },
    destroy() {
      map.remove();
    },
  };
}
