import { useEffect, useRef } from 'preact/hooks';
import { api, type CommitteeView, type Incident, type ZipCell } from '../api.js';
import { t } from '../i18n.js';
import { createMap, type ConsoleMap, tilesUrl } from '../map.js';

/** The map with committee areas and incidents; `onPick` makes a click choose a point. */
export function MapView(props: {
  incidents: Incident[];
  onOpen?: (incident: Incident) => void;
  onPick?: (at: { lat: number; lng: number }) => void;
  focus?: { lat: number; lng: number } | null;
}) {
  const element = useRef<HTMLDivElement>(null);
  const map = useRef<ConsoleMap | null>(null);
  const tiles = tilesUrl();

  useEffect(() => {
    if (!element.current) return;
    const created = createMap(element.current, tiles, t('map'));
    map.current = created;
    if (props.onPick) created.onPick(props.onPick);
    let stopped = false;
    void loadAreas().then(({ committees, cells }) => {
      if (!stopped) created.showAreas(committees, cells);
    });
    return () => {
      stopped = true;
      created.destroy();
      map.current = null;
    };
  }, []);

  useEffect(() => {
    map.current?.showIncidents(props.incidents, props.onOpen);
  }, [props.incidents]);

  useEffect(() => {
    if (props.focus) map.current?.focus(props.focus.lat, props.focus.lng);
  }, [props.focus?.lat, props.focus?.lng]);

  return (
    <div class="map-wrap">
      <div ref={element} class="map" />
      {!tiles && <p class="note">{t('map_no_tiles')}</p>}
    </div>
  );
}

async function loadAreas(): Promise<{ committees: CommitteeView[]; cells: Map<string, ZipCell[]> }> {
  const cells = new Map<string, ZipCell[]>();
  try {
    const committees = await api.committees();
    await Promise.all(
      committees.filter((c) => c.area.type === 'zips').map(async (c) => cells.set(c.id, (await api.cells(c.id)).cells)),
    );
    return { committees, cells };
  } catch {
    return { committees: [], cells };
  }
}
