// The signed-in user's own account: turning on (or replacing) the second factor. The secret is shown once, and
// is in force only after a first code from the app confirms it was copied right.
import { useState } from 'preact/hooks';
import { api, ApiError, type UserView } from '../api.js';
import { PagingSettings } from '../components/PagingSettings.js';
import { t } from '../i18n.js';

export function Account({ me, onChanged }: { me: UserView; onChanged: () => void }) {
  const [password, setPassword] = useState('');
  const [currentCode, setCurrentCode] = useState('');
  const [started, setStarted] = useState<{ secret: string; uri: string } | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);

  const start = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setMessage('');
    try {
      setStarted(await api.startTotp(password, me.totp ? currentCode : undefined));
      setPassword('');
      setCurrentCode('');
    } catch (e) {
      const failure = e instanceof ApiError ? e : new ApiError(0, 'network');
      // A wrong password ends the session on the server (a borrowed session must not test passwords).
      if (failure.status === 403 && /password/.test(failure.message)) window.dispatchEvent(new Event('centinela:signed-out'));
      else if (failure.status === 403) setError(t('wrong_code'));
      else if (failure.status === 409) setError(t('factor_code_needed'));
      else setError(t('network_error'));
    } finally {
      setBusy(false);
    }
  };

  const confirm = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.confirmTotp(code.replace(/\s/g, ''));
      setStarted(null);
      setCode('');
      setMessage(t('factor_enabled'));
      onChanged();
    } catch (e) {
      const failure = e instanceof ApiError ? e : new ApiError(0, 'network');
      setError(failure.status === 400 ? t('wrong_code') : failure.status === 0 ? t('network_error') : t('action_failed', { error: failure.message }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="narrow">
      <h1>{t('account_title')}</h1>
      <p>{t('account_signed_in_as', { email: me.email, role: t(`role_${me.role}`) })}</p>
      <section aria-labelledby="factor-heading" class="panel">
        <h2 id="factor-heading">{t('factor_title')}</h2>
        <p>{me.totp ? t('factor_is_on') : t('factor_is_off')}</p>
        {!started ? (
          <form class="stack" onSubmit={start} noValidate>
            <p class="hint">{t('factor_needs_app')}</p>
            <label for="factor-password">{t('password')}</label>
            <input id="factor-password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
            {me.totp && (
              <>
                <label for="factor-current">{t('factor_current_code')}</label>
                <input id="factor-current" inputMode="numeric" autoComplete="one-time-code" value={currentCode} onInput={(e) => setCurrentCode(e.currentTarget.value)} />
              </>
            )}
            <div>
              <button type="submit" disabled={busy || password === ''}>{me.totp ? t('factor_replace') : t('factor_turn_on')}</button>
            </div>
          </form>
        ) : (
          <form class="stack" onSubmit={confirm} noValidate>
            <p>{t('factor_add_key')}</p>
            <p class="secret">
              {t('factor_key')}: <code>{started.secret.replace(/(.{4})(?=.)/g, '$1 ')}</code>
            </p>
            <p>{t('factor_uri')}</p>
            <p class="uri">
              <a href={started.uri}>{started.uri}</a>
            </p>
            <p>{t('factor_then_code')}</p>
            <label for="factor-code">{t('code')}</label>
            <input id="factor-code" inputMode="numeric" autoComplete="one-time-code" required autoFocus value={code} onInput={(e) => setCode(e.currentTarget.value)} />
            <div>
              <button type="submit" disabled={busy || code.trim() === ''}>{t('factor_confirm')}</button>
            </div>
          </form>
        )}
        <div role="alert" class="error">{error}</div>
        <div role="status" class="message">{message}</div>
      </section>
      <PagingSettings me={me} onChanged={onChanged} />
    </main>
  );
}
