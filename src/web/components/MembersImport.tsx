import { useState } from 'preact/hooks';
import { api, type MemberImportResult } from '../api.js';
import { t } from '../i18n.js';

/** Reads a CSV file in the browser and sends its text; shows what went in and each bad line. */
export function MembersImport({ committeeId, onImported }: { committeeId: string; onImported: () => void }) {
  const [result, setResult] = useState<MemberImportResult | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('csv') as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setBusy(true);
    setError('');
    try {
      setResult(await api.importMembers(committeeId, await file.text()));
      input.value = '';
      onImported();
    } catch (failure) {
      setResult(null);
      setError(t('cm_error', { error: (failure as Error).message }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="members-import" onSubmit={submit}>
      <div class="field">
        <label for="members-csv">{t('cm_import_file')}</label>
        <input id="members-csv" name="csv" type="file" required accept=".csv,text/csv" aria-describedby="members-csv-hint" />
        <p class="hint" id="members-csv-hint">{t('cm_import_hint')}</p>
      </div>
      <div class="buttons">
        <button type="submit" disabled={busy}>{busy ? t('cm_importing') : t('cm_import_button')}</button>
      </div>
      <div role="status" aria-live="polite" class="form-status">
        {error && <p>{error}</p>}
        {result && <p>{t('cm_import_result', { imported: result.imported, skipped: result.skipped })}</p>}
        {result && result.errors.length > 0 && (
          <ul class="import-errors">
            {result.errors.map((e) => (
              <li>{t('cm_import_line', { line: e.line, error: e.error })}</li>
            ))}
          </ul>
        )}
      </div>
    </form>
  );
}
