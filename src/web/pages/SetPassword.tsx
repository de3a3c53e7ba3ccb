// A new person sets their password from the one-time link an admin gave them (no session). The token is in the
// URL's fragment, which browsers never send to a server; it leaves this page only in the JSON body below.
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { t } from '../i18n.js';

/** Reads the token once and takes it out of the address bar, so it is not left in history or on the screen. */
function takeToken(): string {
  const token = location.hash.replace(/^#/, '');
  if (token) history.replaceState(history.state, '', location.pathname);
  return token;
}

export function SetPassword({ onDone }: { onDone: () => void }) {
  const [token] = useState(takeToken);
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(token ? null : t('setpw_missing'));
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (password.length < 12) return setError(t('setpw_short'));
    if (password !== repeat) return setError(t('setpw_differ'));
    setBusy(true);
    setError(null);
    try {
      await api.setPassword(token, password);
      onDone();
    } catch (e) {
      const failure = e instanceof ApiError ? e : new ApiError(0, 'network');
      setError(failure.status === 400 && /link/.test(failure.message) ? t('setpw_invalid') : failure.status === 400 ? t('setpw_short') : t('network_error'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <h1>{t('setpw_title')}</h1>
      <form onSubmit={submit} noValidate>
        <label for="new-password">{t('setpw_new')}</label>
        <input id="new-password" type="password" autoComplete="new-password" required minLength={12} aria-describedby="new-password-hint" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        <p id="new-password-hint" class="hint">{t('setpw_hint')}</p>
        <label for="repeat-password">{t('setpw_repeat')}</label>
        <input id="repeat-password" type="password" autoComplete="new-password" required value={repeat} onInput={(e) => setRepeat(e.currentTarget.value)} />
        <div role="alert" class="error">{error}</div>
        <button type="submit" disabled={busy || !token}>{busy ? t('setpw_saving') : t('setpw_button')}</button>
      </form>
    </main>
  );
}
