// Admins: who can use the console. A new person gets a one-time link (shown here once) to set a password.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type UserCreatedView, type UserView } from '../api.js';
import { AdminsOnly } from '../components/AdminsOnly.js';
import { CopyField } from '../components/CopyField.js';
import { t } from '../i18n.js';

const ROLES = ['dispatcher', 'admin'] as const;

export function People({ me }: { me: UserView }) {
  return me.role === 'admin' ? <PeopleList me={me} /> : <AdminsOnly title={t('people_title')} />;
}

function PeopleList({ me }: { me: UserView }) {
  const [users, setUsers] = useState<UserView[] | null>(null);
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<UserCreatedView | null>(null);

  const load = () => api.users().then(setUsers, () => setError(t('network_error')));
  useEffect(() => void load(), []);

  const failed = (e: unknown) => {
    const failure = e instanceof ApiError ? e : new ApiError(0, 'network');
    if (failure.status === 409 && /email/.test(failure.message)) setError(t('people_email_taken'));
    else if (failure.status === 400) setError(t('people_bad_input', { error: failure.message }));
    else if (failure.status === 0) setError(t('network_error'));
    else setError(t('action_failed', { error: failure.message }));
  };

  const update = async (user: UserView, patch: { role?: UserView['role']; disabled?: boolean }) => {
    setError(null);
    setMessage('');
    try {
      const saved = await api.updateUser(user.id, patch);
      setUsers((list) => list?.map((u) => (u.id === saved.id ? saved : u)) ?? null);
      setMessage(t('people_saved', { email: saved.email }));
    } catch (e) {
      failed(e);
    }
  };

  return (
    <main id="main" class="people">
      <h1>{t('people_title')}</h1>
      {created && (
        <section class="one-time" aria-labelledby="link-heading">
          <h2 id="link-heading">{t('people_link_label', { email: created.email })}</h2>
          <p class="note">{t('people_link_once', { email: created.email, expires: new Date(created.passwordLinkExpiresAt).toLocaleString() })}</p>
          <CopyField id="one-time-link" label={t('people_link_label', { email: created.email })} hideLabel value={created.passwordLink} />
          <button type="button" class="secondary" onClick={() => setCreated(null)}>{t('done')}</button>
        </section>
      )}
      <AddPerson
        onAdded={(user) => {
          setCreated(user);
          setError(null);
          setMessage(t('people_added', { email: user.email }));
          void load();
        }}
        onError={failed}
      />
      <div role="status" class="message">{message}</div>
      <div role="alert" class="error">{error}</div>
      <section aria-labelledby="people-list">
        <h2 id="people-list">{t('people_list')}</h2>
        {users === null ? (
          <p>{t('loading')}</p>
        ) : (
          <table class="list-table">
            <thead>
              <tr>
                <th scope="col">{t('email')}</th>
                <th scope="col">{t('people_role')}</th>
                <th scope="col">{t('people_phone')}</th>
                <th scope="col">{t('people_col_state')}</th>
                <th scope="col">{t('people_col_factor')}</th>
                <th scope="col">{t('actions')}</th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <PersonRow key={user.id} user={user} self={user.id === me.id} onChange={(patch) => update(user, patch)} />
              ))}
            </tbody>
          </table>
        )}
      </section>
    </main>
  );
}

function AddPerson({ onAdded, onError }: { onAdded: (user: UserCreatedView) => void; onError: (e: unknown) => void }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<UserView['role']>('dispatcher');
  const [phone, setPhone] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      const user = await api.createUser({ email: email.trim(), role, ...(phone.trim() ? { phone: phone.trim() } : {}) });
      setEmail('');
      setPhone('');
      setRole('dispatcher');
      onAdded(user);
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="add-heading" class="panel">
      <h2 id="add-heading">{t('people_add')}</h2>
      <form class="stack" onSubmit={submit} noValidate>
        <label for="new-email">{t('email')}</label>
        <input id="new-email" type="email" autoComplete="off" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        <label for="new-role">{t('people_role')}</label>
        <select id="new-role" value={role} onChange={(e) => setRole(e.currentTarget.value as UserView['role'])}>
          {ROLES.map((r) => (
            <option value={r}>{t(`role_${r}`)}</option>
          ))}
        </select>
        <label for="new-phone">{t('people_phone')}</label>
        <input id="new-phone" type="tel" autoComplete="off" aria-describedby="new-phone-hint" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
        <p id="new-phone-hint" class="hint">{t('people_phone_hint')}</p>
        <div>
          <button type="submit" disabled={busy || email.trim() === ''}>{t('people_add_button')}</button>
        </div>
      </form>
    </section>
  );
}

function PersonRow({ user, self, onChange }: { user: UserView; self: boolean; onChange: (patch: { role?: UserView['role']; disabled?: boolean }) => Promise<void> }) {
  const [asking, setAsking] = useState(false);
  const roleId = `role-${user.id}`;
  return (
    <tr class={user.disabled ? 'row-disabled' : ''}>
      <td data-label={t('email')}>
        {user.email} {self && <span class="hint">{t('people_you')}</span>}
      </td>
      <td data-label={t('people_role')}>
        {self ? (
          t(`role_${user.role}`)
        ) : (
          <>
            <label for={roleId} class="visually-hidden">{t('people_role_for', { email: user.email })}</label>
            <select id={roleId} value={user.role} onChange={(e) => void onChange({ role: e.currentTarget.value as UserView['role'] })}>
              {ROLES.map((r) => (
                <option value={r}>{t(`role_${r}`)}</option>
              ))}
            </select>
          </>
        )}
      </td>
      <td data-label={t('people_phone')}>{user.phone ?? t('people_no_phone')}</td>
      <td data-label={t('people_col_state')}>{user.disabled ? t('people_disabled') : t('people_active')}</td>
      <td data-label={t('people_col_factor')}>{user.totp ? t('people_factor_on') : t('people_factor_off')}</td>
      <td data-label={t('actions')}>
        {/* The server refuses an admin disabling themselves; the page does not offer it. */}
        {!self && !asking && (
          <button type="button" class={user.disabled ? 'secondary' : 'danger'} onClick={() => setAsking(true)}>
            {user.disabled ? t('people_enable') : t('people_disable')}
          </button>
        )}
        {!self && asking && (
          <div class="confirm-box" role="group" aria-label={user.disabled ? t('people_enable') : t('people_disable')}>
            <p>{user.disabled ? t('people_confirm_enable', { email: user.email }) : t('people_confirm_disable', { email: user.email })}</p>
            <div class="buttons">
              <button
                type="button"
                class={user.disabled ? '' : 'danger'}
                autoFocus
                onClick={async () => {
                  await onChange({ disabled: !user.disabled });
                  setAsking(false);
                }}
              >
                {user.disabled ? t('people_yes_enable') : t('people_yes_disable')}
              </button>
              <button type="button" class="secondary" onClick={() => setAsking(false)}>{t('cancel')}</button>
            </div>
          </div>
        )}
      </td>
    </tr>
  );
}
