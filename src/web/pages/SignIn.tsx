import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { t } from '../i18n.js';

export function SignIn({ onSignedIn, notice }: { onSignedIn: () => void; notice?: string | null }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.signIn(email, password, needsCode ? code : undefined);
      onSignedIn();
    } catch (e) {
      const failure = e instanceof ApiError ? e : new ApiError(0, 'network');
      if (failure.status === 401 && /^code needed/.test(failure.message)) {
        setNeedsCode(true);
        setError(t('code_needed'));
      } else if (failure.status === 401 && /code/.test(failure.message)) setError(t('wrong_code'));
      else if (failure.status === 401) setError(t('wrong_password'));
      else if (failure.status === 429) setError(t('throttled', { minutes: Math.max(1, Math.ceil((failure.retryAfterSeconds ?? 60) / 60)) }));
      else setError(t('network_error'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <h1>{t('sign_in_title')}</h1>
      {notice && <p class="note">{notice}</p>}
      <form onSubmit={submit} noValidate>
        <label for="email">{t('email')}</label>
        <input id="email" name="email" type="email" autoComplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        <label for="password">{t('password')}</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        {needsCode && (
          <>
            <label for="code">{t('code')}</label>
            <input id="code" name="code" inputMode="numeric" autoComplete="one-time-code" aria-describedby="code-hint" autoFocus value={code} onInput={(e) => setCode(e.currentTarget.value)} />
            <p id="code-hint" class="hint">{t('code_hint')}</p>
          </>
        )}
        <div role="alert" class="error">{error}</div>
        <button type="submit" disabled={busy}>{busy ? t('signing_in') : t('sign_in')}</button>
      </form>
    </main>
  );
}
