// The network's places (/places): worksites, schools, courts, ICE offices… that reports name. Search the list,
// add one by clicking the map, edit its aliases, delete it, or import a CSV or GeoJSON file.
import { useEffect, useState } from 'preact/hooks';
import { fold } from '../../geo/names.js';
import { ApiError, placesApi, type PlaceView } from '../api.js';
import { type LatLng, PlaceForm } from '../components/PlaceForm.js';
import { PlaceImport } from '../components/PlaceImport.js';
import { PlaceMap } from '../components/PlaceMap.js';
import { t } from '../i18n.js';

/** A long list is cut here: search finds the rest, and a phone stays quick. */
const SHOWN = 200;

const NO_PLACES: PlaceView[] = [];

export function Places() {
  const [places, setPlaces] = useState<PlaceView[] | null>(null);
  const [query, setQuery] = useState('');
  const [editing, setEditing] = useState<PlaceView | null>(null);
  const [at, setAt] = useState<LatLng | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const [error, setError] = useState('');

  const load = () => placesApi.list().then(setPlaces, () => setError(t('network_error')));
  useEffect(() => void load(), []);

  const saved = (place: PlaceView, text: string) => {
    setPlaces((list) => sortByName([...(list ?? []).filter((p) => p.id !== place.id), place]));
    setEditing(null);
    setAt(null);
    setError('');
    setMessage(text);
  };

  const edit = (place: PlaceView) => {
    setEditing(place);
    setAt({ lat: place.lat, lng: place.lng });
    setDeleting(null);
    setMessage('');
  };

  const remove = async (place: PlaceView) => {
    setDeleting(null);
    try {
      await placesApi.remove(place.id);
      setPlaces((list) => list?.filter((p) => p.id !== place.id) ?? null);
      if (editing?.id === place.id) setEditing(null);
      setError('');
      setMessage(t('pl_deleted', { name: place.name }));
    } catch (failure) {
      setError(failure instanceof ApiError && failure.status !== 0 ? t('action_failed', { error: failure.message }) : t('network_error'));
    }
  };

  const needle = fold(query.trim());
  const matching = (places ?? []).filter((p) => needle === '' || fold(`${p.name} ${p.aliases.join(' ')}`).includes(needle));

  return (
    <main id="main" class="places">
      <h1>{t('pl_title')}</h1>
      <p class="hint">{t('pl_intro')}</p>
      <div role="status" class="message">{message}</div>
      <div role="alert" class="error">{error}</div>
      <div class="places-body">
        <section aria-labelledby="places-list-heading" class="panel places-list">
          <h2 id="places-list-heading">{t('pl_list', { n: places?.length ?? 0 })}</h2>
          <div class="field">
            <label for="place-search">{t('pl_search')}</label>
            <input id="place-search" type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
          </div>
          {places === null ? (
            <p role="status">{t('loading')}</p>
          ) : places.length === 0 ? (
            <p>{t('pl_none')}</p>
          ) : matching.length === 0 ? (
            <p>{t('pl_no_match')}</p>
          ) : (
            <>
              <table class="list-table">
                <thead>
                  <tr>
                    <th scope="col">{t('pl_col_name')}</th>
                    <th scope="col">{t('pl_col_aliases')}</th>
                    <th scope="col">{t('pl_col_kind')}</th>
                    <th scope="col">{t('pl_col_actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {matching.slice(0, SHOWN).map((place) => (
                    <tr key={place.id} class={editing?.id === place.id ? 'row-editing' : undefined}>
                      <td data-label={t('pl_col_name')}>
                        <strong>{place.name}</strong>
                      </td>
                      <td data-label={t('pl_col_aliases')}>{place.aliases.length > 0 ? <span>{place.aliases.join(', ')}</span> : <span class="hint">{t('pl_none_set')}</span>}</td>
                      <td data-label={t('pl_col_kind')} class="kind">{place.kind ? <span>{t(`pl_kind_${place.kind}`)}</span> : <span class="hint">{t('pl_kind_none')}</span>}</td>
                      <td data-label={t('pl_col_actions')}>
                        {deleting === place.id ? (
                          <div class="confirm" role="group" aria-labelledby={`delete-${place.id}`}>
                            <p id={`delete-${place.id}`}>{t('pl_delete_confirm', { name: place.name })}</p>
                            <div class="buttons">
                              <button type="button" class="danger" onClick={() => void remove(place)}>{t('pl_delete_yes')}</button>
                              <button type="button" class="secondary" onClick={() => setDeleting(null)}>{t('pl_cancel')}</button>
                            </div>
                          </div>
                        ) : (
                          <div class="buttons">
                            <button type="button" class="secondary" onClick={() => edit(place)}>
                              {t('pl_edit')}
                              <span class="visually-hidden"> {place.name}</span>
                            </button>
                            <button type="button" class="secondary" onClick={() => setDeleting(place.id)}>
                              {t('pl_delete')}
                              <span class="visually-hidden"> {place.name}</span>
                            </button>
                          </div>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {matching.length > SHOWN && <p class="hint">{t('pl_showing', { shown: SHOWN, n: matching.length })}</p>}
            </>
          )}
        </section>
        <div class="places-side">
          <section aria-labelledby="place-form-heading" class="panel">
            <h2 id="place-form-heading">{editing ? t('pl_editing', { name: editing.name }) : t('pl_add')}</h2>
            <PlaceMap places={places ?? NO_PLACES} onPick={setAt} focus={editing ? { lat: editing.lat, lng: editing.lng } : null} />
            <PlaceForm
              key={editing?.id ?? 'new'}
              place={editing}
              at={at}
              onSaved={saved}
              onCancel={() => {
                setEditing(null);
                setAt(null);
              }}
            />
          </section>
          <section aria-labelledby="place-import-heading" class="panel">
            <h2 id="place-import-heading">{t('pl_import')}</h2>
            <PlaceImport onImported={() => void load()} />
          </section>
        </div>
      </div>
    </main>
  );
}

function sortByName(places: PlaceView[]): PlaceView[] {
  return places.sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }));
}
