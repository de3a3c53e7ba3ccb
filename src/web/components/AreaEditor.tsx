import { useEffect, useState } from 'preact/hooks';
import type { AreaInput } from '../api.js';
import { t } from '../i18n.js';
import { AreaMap } from './AreaMap.js';

type Mode = 'zips' | 'circle' | 'polygon' | 'file';
type Geometry = Extract<AreaInput, { type: 'polygon' }>['geojson'];
type Point = { lat: number; lng: number };

/**
 * Chooses a committee's area: a typed ZIP list, a circle (a tap for the centre, a radius in metres), a shape (taps
 * for the corners) or a GeoJSON file. The map shows the area as it will be decided; the server checks it again.
 */
export function AreaEditor({ id, name, initial, onChange }: { id: string; name: string; initial: AreaInput | null; onChange: (area: AreaInput | null) => void }) {
  const [mode, setMode] = useState<Mode>(initial?.type ?? 'zips');
  const [zips, setZips] = useState(initial?.type === 'zips' ? initial.zips.join(' ') : '');
  const [center, setCenter] = useState<Point | null>(initial?.type === 'circle' ? initial.center : null);
  const [radius, setRadius] = useState(initial?.type === 'circle' ? String(initial.radiusMeters) : '1500');
  const [points, setPoints] = useState<Point[]>([]);
  const [file, setFile] = useState<Geometry | null>(initial?.type === 'polygon' ? initial.geojson : null);
  const [fileStatus, setFileStatus] = useState('');

  const area = currentArea(mode, { zips, center, radius, points, file });
  const key = JSON.stringify(area);
  useEffect(() => onChange(area), [key]);

  const pick = (at: Point) => {
    if (mode === 'circle') setCenter(at);
    else if (mode === 'polygon') setPoints((list) => [...list, at]);
  };

  const readFile = async (input: HTMLInputElement) => {
    const chosen = input.files?.[0];
    if (!chosen) return;
    const geometry = geometryOf(await chosen.text());
    setFile(geometry);
    setFileStatus(geometry ? t('cm_file_ok', { type: geometry.type, n: countCorners(geometry) }) : t('cm_file_bad'));
  };

  const modes: Array<[Mode, string]> = [
    ['zips', t('cm_by_zips')],
    ['circle', t('cm_by_circle')],
    ['polygon', t('cm_by_polygon')],
    ['file', t('cm_by_file')],
  ];
  return (
    <div class="area-editor">
      <fieldset class="area-modes">
        <legend>{t('cm_area')}</legend>
        {modes.map(([value, label]) => (
          <label class="choice">
            <input type="radio" name={`${id}-mode`} value={value} checked={mode === value} onChange={() => setMode(value)} /> {label}
          </label>
        ))}
      </fieldset>
      {mode === 'zips' && (
        <div class="field">
          <label for={`${id}-zips`}>{t('cm_zips')}</label>
          <input id={`${id}-zips`} type="text" inputMode="numeric" autoComplete="off" value={zips} aria-describedby={`${id}-zips-hint`} onInput={(e) => setZips(e.currentTarget.value)} />
          <p class="hint" id={`${id}-zips-hint`}>{t('cm_zips_hint')}</p>
        </div>
      )}
      {mode === 'circle' && (
        <div class="field">
          <label for={`${id}-radius`}>{t('cm_radius')}</label>
          <input id={`${id}-radius`} type="number" min="1" step="100" inputMode="numeric" value={radius} onInput={(e) => setRadius(e.currentTarget.value)} />
          <p class="hint" role="status">{center ? t('cm_center_set', { lat: center.lat.toFixed(4), lng: center.lng.toFixed(4) }) : t('cm_circle_hint')}</p>
        </div>
      )}
      {mode === 'polygon' && (
        <div class="field">
          <p class="hint" role="status">{t('cm_polygon_hint', { n: points.length })}</p>
          <div class="buttons">
            <button type="button" class="secondary" disabled={points.length === 0} onClick={() => setPoints((list) => list.slice(0, -1))}>{t('cm_undo_point')}</button>
            <button type="button" class="secondary" disabled={points.length === 0} onClick={() => setPoints([])}>{t('cm_clear_points')}</button>
          </div>
        </div>
      )}
      {mode === 'file' && (
        <div class="field">
          <label for={`${id}-file`}>{t('cm_geojson_file')}</label>
          <input id={`${id}-file`} type="file" accept=".geojson,.json,application/geo+json,application/json" onChange={(e) => void readFile(e.currentTarget)} />
          <p class="hint" role="status">{fileStatus}</p>
        </div>
      )}
      <AreaMap name={name} area={area} onPick={mode === 'circle' || mode === 'polygon' ? pick : undefined} />
    </div>
  );
}

function currentArea(mode: Mode, s: { zips: string; center: Point | null; radius: string; points: Point[]; file: Geometry | null }): AreaInput | null {
  if (mode === 'zips') {
    const list = s.zips.split(/[\s,;]+/).filter(Boolean);
    return list.length > 0 ? { type: 'zips', zips: list } : null;
  }
  if (mode === 'circle') {
    const radiusMeters = Number(s.radius);
    return s.center && Number.isFinite(radiusMeters) && radiusMeters > 0 ? { type: 'circle', center: s.center, radiusMeters } : null;
  }
  if (mode === 'polygon') {
    if (s.points.length < 3) return null;
    const ring = s.points.map((p): [number, number] => [p.lng, p.lat]);
    return { type: 'polygon', geojson: { type: 'Polygon', coordinates: [[...ring, ring[0] as [number, number]]] } };
  }
  return s.file ? { type: 'polygon', geojson: s.file } : null;
}

/** A Polygon or MultiPolygon from a GeoJSON file: a bare geometry, a Feature, or a collection of one feature. */
function geometryOf(text: string): Geometry | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  const object = data as { type?: string; geometry?: unknown; features?: Array<{ geometry?: unknown }> };
  const geometry = (object.type === 'FeatureCollection' ? object.features?.[0]?.geometry : object.type === 'Feature' ? object.geometry : data) as
    | { type?: string; coordinates?: unknown }
    | undefined;
  if (!geometry || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') || !Array.isArray(geometry.coordinates)) return null;
  return geometry as Geometry;
}

function countCorners(geometry: Geometry): number {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polygons.reduce((total, rings) => total + Math.max((rings[0]?.length ?? 1) - 1, 0), 0);
}
