import { useState } from 'preact/hooks';
import { type AreaInput, ApiError, type CommitteeView } from '../api.js';
import { t } from '../i18n.js';
import { AreaEditor } from './AreaEditor.js';

/** Name, area and auto-approve of a new or existing committee; `save` talks to the server. */
export function CommitteeForm(props: {
  id: string;
  committee?: CommitteeView;
  submitLabel: string;
  save: (input: { name: string; area: AreaInput; autoApprove: boolean }) => Promise<string>;
}) {
  const [name, setName] = useState(props.committee?.name ?? '');
  const [area, setArea] = useState<AreaInput | null>(props.committee?.area ?? null);
  const [autoApprove, setAutoApprove] = useState(props.committee?.autoApprove ?? false);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!area) return setStatus(t('cm_area_missing'));
    setBusy(true);
    try {
      setStatus(await props.save({ name: name.trim(), area, autoApprove }));
    } catch (error) {
      setStatus(t('cm_error', { error: error instanceof ApiError && error.status !== 0 ? error.message : t('network_error') }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="committee-form" onSubmit={submit}>
      <div class="field">
        <label for={`${props.id}-name`}>{t('cm_name')}</label>
        <input id={`${props.id}-name`} type="text" required maxLength={80} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </div>
      <AreaEditor id={props.id} name={name} initial={props.committee?.area ?? null} onChange={setArea} />
      <label class="choice">
        <input type="checkbox" checked={autoApprove} onChange={(e) => setAutoApprove(e.currentTarget.checked)} /> {t('cm_auto_approve')}
      </label>
      <div class="buttons">
        <button type="submit" disabled={busy}>{busy ? t('cm_creating') : props.submitLabel}</button>
      </div>
      <p role="status" aria-live="polite" class="form-status">{status}</p>
    </form>
  );
}
