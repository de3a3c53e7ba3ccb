import { useEffect, useRef } from 'preact/hooks';
import { api, type AreaInput, type CommitteeView, type ZipCell } from '../api.js';
import { t } from '../i18n.js';
import { createMap, type ConsoleMap, tilesUrl } from '../map.js';

/**
 * One committee's area drawn as it will be decided (a ZIP list as its nearest-centroid cells); `onPick` makes a
 * click on the map choose a point (a circle's centre, a shape's corner).
 */
export function AreaMap({ name, area, onPick }: { name: string; area: AreaInput | null; onPick?: (at: { lat: number; lng: number }) => void }) {
  const element = useRef<HTMLDivElement>(null);
  const map = useRef<ConsoleMap | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  const tiles = tilesUrl();

  useEffect(() => {
    if (!element.current) return;
    const created = createMap(element.current, tiles, t('cm_map'));
    map.current = created;
    created.onPick((at) => pick.current?.(at));
    return () => {
      created.destroy();
      map.current = null;
    };
  }, []);

  const key = JSON.stringify(area);
  useEffect(() => {
    let stopped = false;
    const draw = (cells: ZipCell[]) => {
      if (stopped || !map.current) return;
      const draft: CommitteeView[] = area ? [{ id: 'draft', name: name || t('cm_area'), area, inviteCode: '', autoApprove: false, createdAt: '' }] : [];
      map.current.showAreas(draft, new Map([['draft', cells]]));
      const first = firstPoint(area, cells);
      if (first) map.current.focus(first.lat, first.lng, area?.type === 'circle' && area.radiusMeters > 4000 ? 11 : 12);
    };
    if (area?.type === 'zips') api.zipCells(area.zips).then((answer) => draw(answer.cells), () => draw([]));
    else draw([]);
    return () => {
      stopped = true;
    };
  }, [key, name]);

  return (
    <div class="area-map">
      <div ref={element} class="map" />
      {!tiles && <p class="note">{t('map_no_tiles')}</p>}
    </div>
  );
}

function firstPoint(area: AreaInput | null, cells: ZipCell[]): { lat: number; lng: number } | null {
  if (!area) return null;
  if (area.type === 'circle') return area.center;
  if (area.type === 'zips') {
    // The middle of all cells' corners: good enough to centre the view on the list.
    const corners = cells.flatMap((cell) => cell.polygon);
    if (corners.length === 0) return null;
    return { lat: corners.reduce((sum, c) => sum + c[0], 0) / corners.length, lng: corners.reduce((sum, c) => sum + c[1], 0) / corners.length };
  }
  const ring = area.geojson.type === 'Polygon' ? area.geojson.coordinates[0] : area.geojson.coordinates[0]?.[0];
  const corner = ring?.[0];
  return corner ? { lat: corner[1], lng: corner[0] } : null;
}
