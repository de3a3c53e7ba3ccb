import { useEffect, useRef, useState } from 'preact/hooks';
import { INCIDENT_KINDS } from '../../domain/types.js';
import { ApiError, placesApi, type PlaceKind, type PlaceView } from '../api.js';
import { t } from '../i18n.js';

export type LatLng = { lat: number; lng: number };

/** Aliases as typed in one field: "Home Depot, la Home Depot de Cesar Chavez". */
const aliasList = (text: string) =>
  text
    .split(',')
    .map((alias) => alias.trim())
    .filter((alias) => alias !== '');

/**
 * Name, aliases, kind and position of a new or existing place. `at` is where the map was last clicked (the parent
 * owns the map); typing a latitude and longitude works too, for keyboards and pasted coordinates.
 */
export function PlaceForm(props: { place: PlaceView | null; at: LatLng | null; onSaved: (place: PlaceView, message: string) => void; onCancel: () => void }) {
  const { place } = props;
  const [name, setName] = useState(place?.name ?? '');
  const [aliases, setAliases] = useState(place?.aliases.join(', ') ?? '');
  const [kind, setKind] = useState<PlaceKind | ''>(place?.kind ?? '');
  const [lat, setLat] = useState(place ? String(place.lat) : '');
  const [lng, setLng] = useState(place ? String(place.lng) : '');
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const nameInput = useRef<HTMLInputElement>(null);
  const prefix = place ? 'edit-place' : 'new-place';

  // A click on the map fills in the position.
  useEffect(() => {
    if (!props.at) return;
    setLat(String(props.at.lat));
    setLng(String(props.at.lng));
  }, [props.at?.lat, props.at?.lng]);

  // Editing starts at the form, wherever the list was scrolled.
  useEffect(() => {
    if (place) nameInput.current?.focus();
  }, [place?.id]);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setStatus('');
    const body = { name: name.trim(), aliases: aliasList(aliases), kind: kind === '' ? null : kind, lat: Number(lat), lng: Number(lng) };
    try {
      const saved = place ? await placesApi.update(place.id, body) : await placesApi.create(body);
      if (!place) {
        setName('');
        setAliases('');
        setKind('');
        setLat('');
        setLng('');
      }
      props.onSaved(saved, t(place ? 'pl_saved' : 'pl_added', { name: saved.name }));
    } catch (error) {
      const failure = error instanceof ApiError ? error : new ApiError(0, 'network');
      if (failure.status === 409) setStatus(t('pl_name_taken', { name: body.name }));
      else setStatus(failure.status === 0 ? t('network_error') : t('pl_error', { error: failure.message }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="place-form-fields" onSubmit={submit}>
      <div class="coordinates">
        <div class="field">
          <label for={`${prefix}-lat`}>{t('pl_lat')}</label>
          <input id={`${prefix}-lat`} type="number" step="any" min={-90} max={90} required value={lat} aria-describedby="place-map-hint" onInput={(e) => setLat(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for={`${prefix}-lng`}>{t('pl_lng')}</label>
          <input id={`${prefix}-lng`} type="number" step="any" min={-180} max={180} required value={lng} aria-describedby="place-map-hint" onInput={(e) => setLng(e.currentTarget.value)} />
        </div>
      </div>
      <div class="field">
        <label for={`${prefix}-name`}>{t('pl_name')}</label>
        <input ref={nameInput} id={`${prefix}-name`} type="text" required maxLength={120} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for={`${prefix}-aliases`}>{t('pl_aliases')}</label>
        <input id={`${prefix}-aliases`} type="text" value={aliases} aria-describedby={`${prefix}-aliases-hint`} onInput={(e) => setAliases(e.currentTarget.value)} />
        <p class="hint" id={`${prefix}-aliases-hint`}>{t('pl_aliases_hint')}</p>
      </div>
      <div class="field">
        <label for={`${prefix}-kind`}>{t('pl_kind')}</label>
        <select id={`${prefix}-kind`} value={kind} aria-describedby={`${prefix}-kind-hint`} onChange={(e) => setKind(e.currentTarget.value as PlaceKind | '')}>
          <option value="">{t('pl_kind_none')}</option>
          {INCIDENT_KINDS.map((k) => (
            <option value={k}>{t(`pl_kind_${k}`)}</option>
          ))}
        </select>
        <p class="hint" id={`${prefix}-kind-hint`}>{t('pl_kind_hint')}</p>
      </div>
      <div class="buttons">
        <button type="submit" disabled={busy}>{busy ? t('pl_saving') : place ? t('pl_save_changes') : t('pl_save')}</button>
        {place && (
          <button type="button" class="secondary" onClick={props.onCancel}>{t('pl_cancel')}</button>
        )}
      </div>
      <p role="status" aria-live="polite" class="form-status">{status}</p>
    </form>
  );
}
