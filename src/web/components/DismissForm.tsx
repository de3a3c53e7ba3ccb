import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type IncidentDetail } from '../api.js';
import { t } from '../i18n.js';
import type { RunAction } from './UpdateForm.js';

/**
 * Dismissal asks what it was: a false alarm, or a duplicate of another incident (by its code). After release the
 * members' correction says which; before it, only the verifiers asked hear a stand-down.
 */
export function DismissForm({ incident, busy, run, onClose }: { incident: IncidentDetail; busy: boolean; run: RunAction; onClose: () => void }) {
  const [reason, setReason] = useState<'false' | 'duplicate'>(incident.mergeSuggestion ? 'duplicate' : 'false');
  const [duplicateOf, setDuplicateOf] = useState(incident.mergeSuggestion?.code ?? '');
  const legend = useRef<HTMLLegendElement>(null);
  useEffect(() => legend.current?.focus(), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    const why = reason === 'duplicate' ? { reason, duplicateOf: duplicateOf.trim() } : { reason };
    await run(() => api.dismiss(incident.id, why), t('done'));
  };

  return (
    <form class="dismiss-form" onSubmit={submit}>
      <fieldset>
        <legend tabIndex={-1} ref={legend}>{t('dismiss_reason')}</legend>
        <label class="choice">
          <input type="radio" name="dismiss-reason" value="false" checked={reason === 'false'} onChange={() => setReason('false')} /> {t('dismiss_false')}
        </label>
        <label class="choice">
          <input type="radio" name="dismiss-reason" value="duplicate" checked={reason === 'duplicate'} onChange={() => setReason('duplicate')} /> {t('dismiss_duplicate')}
        </label>
        {reason === 'duplicate' && (
          <>
            <label for="duplicate-of">{t('duplicate_of')}</label>
            <input id="duplicate-of" value={duplicateOf} required autoCapitalize="characters" onInput={(e) => setDuplicateOf(e.currentTarget.value)} />
          </>
        )}
      </fieldset>
      <p class="hint">{incident.status === 'confirmed' ? t('dismiss_after_release') : t('dismiss_before_release')}</p>
      <div class="buttons">
        <button type="submit" class="danger" disabled={busy}>{t('dismiss_incident')}</button>
        <button type="button" class="secondary" onClick={onClose}>{t('cancel')}</button>
      </div>
    </form>
  );
}
