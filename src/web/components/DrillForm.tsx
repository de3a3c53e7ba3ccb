import { useState } from 'preact/hooks';
import { api, ApiError, type DrillCreateBody, type Incident } from '../api.js';
import { INCIDENT_KINDS } from '../../domain/types.js';
import { kindName, t } from '../i18n.js';
import { navigate } from '../router.js';
import { store } from '../store.js';
import { Link } from './Link.js';
import { MapView } from './MapView.js';
import { StatusBadge } from './StatusBadge.js';
import { placeText } from './format.js';

type Kind = (typeof INCIDENT_KINDS)[number];

/**
 * "Start a drill": a place (typed, or a click on the map) and the kind of raid to rehearse. The drill opens as its
 * own incident page, where it is approved and sent like a real alert.
 */
export function DrillForm() {
  const [open, setOpen] = useState(false);
  const [place, setPlace] = useState('');
  const [picked, setPicked] = useState<{ lat: number; lng: number } | null>(null);
  const [kind, setKind] = useState<Kind>('worksite');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setMessage(null);
    let location: DrillCreateBody['location'] | null = picked ? { ...picked, label: `${picked.lat.toFixed(5)}, ${picked.lng.toFixed(5)}` } : null;
    setBusy(true);
    try {
      if (place.trim()) {
        try {
          const found = await api.geocode(place.trim());
          location = { lat: found.lat, lng: found.lng, label: found.label, precision: found.precision, ...(found.zip ? { zip: found.zip } : {}) };
        } catch {
          setMessage(t('place_not_found'));
          return;
        }
      }
      if (!location) {
        setMessage(t('drill_place_hint'));
        return;
      }
      const drill = await api.startDrill({ location, kind });
      store.put(drill);
      setMessage(t('drill_created', { code: drill.code }));
      navigate(`/incidents/${drill.code}`);
    } catch (e) {
      setMessage(t('action_failed', { error: e instanceof ApiError ? e.message : String(e) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="drill-form" aria-labelledby="drill-heading">
      <h2 id="drill-heading">
        <button type="button" class="secondary" aria-expanded={open} aria-controls="drill-panel" onClick={() => setOpen(!open)}>
          {t('drill_start')}
        </button>
      </h2>
      {open && (
        <div id="drill-panel">
          <p class="hint">{t('drill_intro')}</p>
          <form onSubmit={submit}>
            <label for="drill-place">{t('drill_place')}</label>
            <input id="drill-place" value={place} aria-describedby="drill-place-hint" onInput={(e) => setPlace(e.currentTarget.value)} />
            <p id="drill-place-hint" class="hint">{picked ? t('placed_at', { lat: picked.lat, lng: picked.lng }) : t('drill_place_hint')}</p>
            <div class="drill-map">
              <MapView incidents={[]} onPick={setPicked} />
            </div>
            <label for="drill-kind">{t('drill_kind')}</label>
            <select id="drill-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as Kind)}>
              {INCIDENT_KINDS.map((k) => (
                <option key={k} value={k}>{kindName(k)}</option>
              ))}
            </select>
            <div class="buttons">
              <button type="submit" disabled={busy}>{t('drill_create')}</button>
            </div>
          </form>
        </div>
      )}
      <p role="status" class="message">{message}</p>
    </section>
  );
}

/** Drill incidents, listed apart from real ones so that their counts never mix. */
export function DrillList({ drills }: { drills: Incident[] }) {
  if (drills.length === 0) return null;
  return (
    <section class="drill-list" aria-labelledby="drills-heading">
      <h2 id="drills-heading">{t('drills_heading')}</h2>
      <p class="hint">{t('drills_apart')}</p>
      <ul>
        {drills.map((drill) => (
          <li key={drill.id}>
            <span class="badge drill">{t('drill')}</span> <Link href={`/incidents/${drill.code}`} class="code">{drill.code}</Link>{' '}
            <StatusBadge status={drill.status} /> {kindName(drill.kind)} · {placeText(drill)}
          </li>
        ))}
      </ul>
    </section>
  );
}
