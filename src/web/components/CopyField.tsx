import { useState } from 'preact/hooks';
import { t } from '../i18n.js';

/** A read-only value with a `Copy` button; says in a live region whether the copy worked. */
export function CopyField({ id, label, value, hideLabel = false }: { id: string; label: string; value: string; hideLabel?: boolean }) {
  const [status, setStatus] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setStatus(t('people_copied'));
    } catch {
      // No clipboard permission: select the text so that a long-press or Ctrl+C copies it.
      (document.getElementById(id) as HTMLInputElement | null)?.select();
      setStatus(t('people_copy_failed'));
    }
  };
  return (
    <div class="copy-field">
      <label for={id} class={hideLabel ? 'visually-hidden' : undefined}>{label}</label>
      <div class="inline">
        <input id={id} type="text" readOnly value={value} onFocus={(e) => e.currentTarget.select()} />
        {/* Focused when shown: the link is the one thing to act on now. */}
        <button type="button" autoFocus onClick={copy}>{t('people_copy')}</button>
      </div>
      <p role="status" class="hint">{status}</p>
    </div>
  );
}
