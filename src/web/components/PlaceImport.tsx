import { useState } from 'preact/hooks';
import { ApiError, type PlaceImportRejected, type PlaceImportResult, placesApi } from '../api.js';
import { t } from '../i18n.js';

const MAX_BYTES = 1024 * 1024;

/** `.csv` is CSV, `.geojson`/`.json` GeoJSON; any other name is told apart by its first character. */
function formatOf(fileName: string, content: string): 'csv' | 'geojson' {
  if (/\.csv$/i.test(fileName)) return 'csv';
  if (/\.(geo)?json$/i.test(fileName)) return 'geojson';
  return content.trimStart().startsWith('{') ? 'geojson' : 'csv';
}

/** Reads a CSV or GeoJSON file in the browser and sends its text; shows the counts, or every bad row. */
export function PlaceImport({ onImported }: { onImported: () => void }) {
  const [result, setResult] = useState<PlaceImportResult | PlaceImportRejected | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('places-file') as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setResult(null);
    setError('');
    if (file.size > MAX_BYTES) return setError(t('pl_import_failed', { error: t('pl_import_too_big') }));
    setBusy(true);
    try {
      const content = await file.text();
      const answer = await placesApi.import(formatOf(file.name, content), content);
      setResult(answer);
      if (!('errors' in answer)) {
        input.value = '';
        onImported();
      }
    } catch (failure) {
      const message = failure instanceof ApiError && failure.status !== 0 ? failure.message : t('network_error');
      setError(t('pl_import_failed', { error: message }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="place-import" onSubmit={submit}>
      <div class="field">
        <label for="places-file">{t('pl_import_file')}</label>
        <input id="places-file" name="places-file" type="file" required accept=".csv,.geojson,.json,text/csv,application/geo+json,application/json" aria-describedby="places-file-hint" />
        <p class="hint" id="places-file-hint">{t('pl_import_hint')}</p>
      </div>
      <div class="buttons">
        <button type="submit" disabled={busy}>{busy ? t('pl_importing') : t('pl_import_button')}</button>
      </div>
      <div role="status" aria-live="polite" class="form-status">
        {error && <p>{error}</p>}
        {result && !('errors' in result) && <p>{t('pl_import_result', { created: result.created, updated: result.updated, unchanged: result.unchanged })}</p>}
        {result && !('errors' in result) && result.ignoredColumns.length > 0 && <p>{t('pl_import_ignored', { columns: result.ignoredColumns.join(', ') })}</p>}
        {result && 'errors' in result && (
          <>
            <p>{t('pl_import_rejected', { n: result.errors.length })}</p>
            <ul class="import-errors">
              {result.errors.map((row) => (
                <li>{row.line !== undefined ? t('pl_import_line', { n: row.line, error: row.error }) : t('pl_import_feature', { n: row.feature ?? 0, error: row.error })}</li>
              ))}
            </ul>
          </>
        )}
      </div>
    </form>
  );
}
