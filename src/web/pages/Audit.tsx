// Admins: who did what and when, newest first, filtered by action, person and time; `Older` pages back.
import { useEffect, useState } from 'preact/hooks';
import { type AuditEntryView, api, type UserView } from '../api.js';
import { AdminsOnly } from '../components/AdminsOnly.js';
import { Link } from '../components/Link.js';
import { t } from '../i18n.js';
import { store } from '../store.js';

const PAGE = 50;
/** The actions the server records (src/**: audit.record), offered as the action filter. */
const ACTIONS = [
  'session.created', 'session.failed', 'incident.view', 'incident.confirm', 'incident.place', 'media.open',
  'user.create', 'user.update', 'user.password_set', 'totp.started', 'totp.enabled', 'totp.refused',
  'committee.create', 'committee.update', 'committee.invite_code', 'member.update',
  'flood.raised', 'flood.cleared', 'sending.paused', 'sending.resumed', 'data.purge',
];

interface Filters {
  action: string;
  actor: string;
  since: string;
  until: string;
}

export function Audit({ me }: { me: UserView }) {
  return me.role === 'admin' ? <AuditLog /> : <AdminsOnly title={t('audit_title')} />;
}

function AuditLog() {
  const [users, setUsers] = useState<UserView[]>([]);
  const [filters, setFilters] = useState<Filters>({ action: '', actor: '', since: '', until: '' });
  const [entries, setEntries] = useState<AuditEntryView[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const query = (f: Filters, before?: string): Record<string, string> => {
    const q: Record<string, string> = { limit: String(PAGE) };
    if (f.action) q.action = f.action;
    if (f.actor) q.actor = f.actor;
    // datetime-local is the browser's local time; the API takes ISO instants.
    if (f.since) q.since = new Date(f.since).toISOString();
    if (f.until) q.until = new Date(f.until).toISOString();
    if (before) q.before = before;
    return q;
  };
  const load = async (f: Filters, before?: string) => {
    setError(null);
    try {
      const page = await api.audit(query(f, before));
      setEntries((shown) => (before && shown ? [...shown, ...page] : page));
      setMore(page.length === PAGE);
    } catch {
      setError(t('network_error'));
    }
  };
  useEffect(() => {
    api.users().then(setUsers, () => undefined);
    void load(filters);
  }, []);

  const emailOf = new Map(users.map((u) => [u.id, u.email]));
  const set = (key: keyof Filters) => (e: Event) => setFilters({ ...filters, [key]: (e.currentTarget as HTMLInputElement).value });

  return (
    <main id="main" class="audit">
      <h1>{t('audit_title')}</h1>
      <form
        class="filters panel"
        aria-label={t('audit_filters')}
        onSubmit={(e) => {
          e.preventDefault();
          void load(filters);
        }}
      >
        <div>
          <label for="audit-action">{t('audit_action')}</label>
          <select id="audit-action" value={filters.action} onChange={set('action')}>
            <option value="">{t('audit_any_action')}</option>
            {ACTIONS.map((a) => (
              <option value={a}>{a}</option>
            ))}
          </select>
        </div>
        <div>
          <label for="audit-actor">{t('audit_actor')}</label>
          <select id="audit-actor" value={filters.actor} onChange={set('actor')}>
            <option value="">{t('audit_anyone')}</option>
            {users.map((u) => (
              <option value={u.id}>{u.email}</option>
            ))}
          </select>
        </div>
        <div>
          <label for="audit-since">{t('audit_since')}</label>
          <input id="audit-since" type="datetime-local" value={filters.since} onInput={set('since')} />
        </div>
        <div>
          <label for="audit-until">{t('audit_until')}</label>
          <input id="audit-until" type="datetime-local" value={filters.until} onInput={set('until')} />
        </div>
        <div class="filters-go">
          <button type="submit">{t('audit_apply')}</button>
        </div>
      </form>
      <div role="alert" class="error">{error}</div>
      {entries === null ? (
        <p>{t('loading')}</p>
      ) : entries.length === 0 ? (
        <p role="status">{t('audit_none')}</p>
      ) : (
        <>
          <p role="status" class="hint">{t('audit_shown', { n: entries.length })}</p>
          <table class="list-table">
            <thead>
              <tr>
                <th scope="col">{t('audit_col_time')}</th>
                <th scope="col">{t('audit_actor')}</th>
                <th scope="col">{t('audit_action')}</th>
                <th scope="col">{t('audit_col_target')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id}>
                  <td data-label={t('audit_col_time')}><time dateTime={entry.at}>{new Date(entry.at).toLocaleString()}</time></td>
                  <td data-label={t('audit_actor')}>{entry.actorUserId === null ? t('audit_system') : (emailOf.get(entry.actorUserId) ?? t('audit_unknown_user'))}</td>
                  <td data-label={t('audit_action')}><code>{entry.action}</code></td>
                  <td data-label={t('audit_col_target')}><Target entry={entry} emailOf={emailOf} /></td>
                </tr>
              ))}
            </tbody>
          </table>
          {more && (
            <button type="button" class="secondary older" onClick={() => void load(filters, entries[entries.length - 1]?.id)}>{t('audit_older')}</button>
          )}
        </>
      )}
    </main>
  );
}

function Target({ entry, emailOf }: { entry: AuditEntryView; emailOf: Map<string, string> }) {
  const target = entry.target;
  if (!target) return null;
  if (entry.action.startsWith('incident.')) {
    // Incident routes take the id as well as the code; the code is shown when the board knows the incident.
    const code = store.byIdOrCode(target)?.code;
    return <Link href={`/incidents/${encodeURIComponent(code ?? target)}`}>{t('audit_incident', { code: code ?? target })}</Link>;
  }
  return <>{emailOf.get(target) ?? target}</>;
}
