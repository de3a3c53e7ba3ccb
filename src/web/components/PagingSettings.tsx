// The signed-in user's paging by SMS: their own phone number (stored encrypted, shown masked) and whether they
// are on duty. The console's language goes along, so pages come in it.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type UserView } from '../api.js';
import { locale, t } from '../i18n.js';

export function PagingSettings({ me, onChanged }: { me: UserView; onChanged: () => void }) {
  const [phone, setPhone] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  // Shown switched at once; put back if the server refuses.
  const [onDuty, setOnDuty] = useState(me.onDuty);
  useEffect(() => setOnDuty(me.onDuty), [me.onDuty]);

  const save = async (patch: { phone?: string | null; onDuty?: boolean }) => {
    setBusy(true);
    setError(null);
    setMessage('');
    try {
      await api.updateMe({ ...patch, locale: locale() });
      setPhone('');
      setMessage(t('paging_saved'));
      onChanged();
    } catch (e) {
      const failure = e instanceof ApiError ? e : new ApiError(0, 'network');
      setOnDuty(me.onDuty);
      setError(failure.status === 400 ? t('paging_bad_phone') : failure.status === 0 ? t('network_error') : t('action_failed', { error: failure.message }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="paging-heading" class="panel">
      <h2 id="paging-heading">{t('paging_title')}</h2>
      <p class="hint">{t('paging_intro')}</p>
      <p>{me.phone ? t('paging_phone_is', { phone: me.phone }) : t('paging_no_phone')}</p>
      <form
        class="stack"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save({ phone: phone.trim() });
        }}
      >
        <label for="paging-phone">{t('paging_phone')}</label>
        <input id="paging-phone" type="tel" autoComplete="tel" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
        <div class="buttons">
          <button type="submit" disabled={busy || phone.trim() === ''}>{t('paging_save_phone')}</button>
          {me.phone && (
            <button type="button" class="secondary" disabled={busy} onClick={() => void save({ phone: null })}>
              {t('paging_remove_phone')}
            </button>
          )}
        </div>
      </form>
      <label class="choice">
        <input
          type="checkbox"
          checked={onDuty}
          disabled={busy}
          onChange={(e) => {
            setOnDuty(e.currentTarget.checked);
            void save({ onDuty: e.currentTarget.checked });
          }}
        />{' '}
        {t('paging_on_duty')}
      </label>
      <div role="alert" class="error">{error}</div>
      <div role="status" class="message">{message}</div>
    </section>
  );
}
