import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n.js';
import { createMap, type ConsoleMap, tilesUrl } from '../map.js';

/** The network's places on a map whose click says where a place is; `focus` moves the view to the one being edited. */
export function PlaceMap({
  places,
  onPick,
  focus,
}: {
  places: Array<{ name: string; lat: number; lng: number }>;
  onPick: (at: { lat: number; lng: number }) => void;
  focus: { lat: number; lng: number } | null;
}) {
  const element = useRef<HTMLDivElement>(null);
  const map = useRef<ConsoleMap | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  const tiles = tilesUrl();

  useEffect(() => {
    if (!element.current) return;
    const created = createMap(element.current, tiles, t('pl_map'));
    map.current = created;
    created.onPick((at) => pick.current(at));
    return () => {
      created.destroy();
      map.current = null;
    };
  }, []);

  useEffect(() => {
    map.current?.showPlaces(places);
  }, [places]);

  useEffect(() => {
    if (focus) map.current?.focus(focus.lat, focus.lng, 16);
  }, [focus?.lat, focus?.lng]);

  return (
    <div class="place-map">
      <div ref={element} class="map" />
      <p class="hint" id="place-map-hint">{t('pl_map_hint')}</p>
      {!tiles && <p class="note">{t('map_no_tiles')}</p>}
    </div>
  );
}
