// The console's entry: session check, router, the live event stream, and what every screen shares (header,
// language switch, the live region that announces new incidents, the title badge and the sound).
import './styles.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, type Incident, type UserView, whenSignedOut } from './api.js';
import { Link } from './components/Link.js';
import { placeText } from './components/format.js';
import { kindName, LOCALE_NAMES, LOCALES, type Locale, locale, onLocaleChange, setLocale, t } from './i18n.js';
import { Board } from './pages/Board.js';
import { Committees } from './pages/Committees.js';
import { CommitteesDetail } from './pages/CommitteesDetail.js';
import { IncidentPage } from './pages/IncidentPage.js';
import { SignIn } from './pages/SignIn.js';
import { Account } from './pages/Account.js';
import { Audit } from './pages/Audit.js';
import { People } from './pages/People.js';
import { Places } from './pages/Places.js';
import { SetPassword } from './pages/SetPassword.js';
import { Simulator } from './pages/Simulator.js';
import { SimulatorLink } from './components/SimulatorLink.js';
import { currentPath, navigate, onNavigate } from './router.js';
import { store } from './store.js';

function App() {
  const [signedIn, setSignedIn] = useState<boolean | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [path, setPath] = useState(currentPath());
  const [, setLang] = useState(locale());
  const [incidents, setIncidents] = useState<Incident[]>([]);
  const [live, setLive] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const [unseen, setUnseen] = useState(0);
  // Who is signed in: an admin's header links to People and Audit log.
  const [me, setMe] = useState<UserView | null>(null);
  const refreshMe = () => api.me().then(setMe, () => setMe(null));
  useEffect(() => void (signedIn ? refreshMe() : setMe(null)), [signedIn]);

  useEffect(() => onNavigate(() => setPath(currentPath())), []);
  useEffect(() => onLocaleChange(() => setLang(locale())), []);
  useEffect(() => {
    const out = () => {
      store.stop();
      setNotice(t('session_ended'));
      setSignedIn(false);
    };
    whenSignedOut(out);
    window.addEventListener('centinela:signed-out', out);
    api.session().then(setSignedIn, () => setSignedIn(false));
    return () => window.removeEventListener('centinela:signed-out', out);
  }, []);

  useEffect(() => {
    if (!signedIn) return;
    const unsubscribe = store.subscribe(() => {
      setIncidents(store.all());
      setLive(store.connected());
    });
    const unsubscribeNew = store.onNew((incident) => {
      setAnnouncement(t('new_incident_announce', { code: incident.code, kind: kindName(incident.kind), place: placeText(incident) }));
      if (document.hidden) setUnseen((n) => n + 1);
      chime();
    });
    void store.start();
    return () => {
      unsubscribe();
      unsubscribeNew();
      store.stop();
    };
  }, [signedIn]);

  useEffect(() => {
    const seen = () => !document.hidden && setUnseen(0);
    document.addEventListener('visibilitychange', seen);
    return () => document.removeEventListener('visibilitychange', seen);
  }, []);

  const match = /^\/incidents\/([^/]+)$/.exec(path);
  const code = match?.[1] ? decodeURIComponent(match[1]) : null;
  const summary = code ? store.byIdOrCode(code) : undefined;
  const committeeId = /^\/committees\/([^/]+)$/.exec(path)?.[1] ?? null;
  const open = incidents.filter((i) => i.status === 'new' || i.status === 'verifying').length;
  useEffect(() => {
    const mine = { '/places': t('pl_title'), '/people': t('people_title'), '/audit': t('audit_title'), '/account': t('account_title'), '/set-password': t('setpw_title') }[path];
    const page = code ? t('incident_title', { code }) : (mine ?? t('board'));
    document.title = `${unseen > 0 ? `(${unseen}) ` : open > 0 ? `(${open}) ` : ''}${page} · ${t('app_name')}`;
  }, [unseen, open, code, path, locale()]);

  const signOut = async () => {
    await api.signOut().catch(() => undefined);
    store.stop();
    setNotice(null);
    setSignedIn(false);
  };

  return (
    <>
      <a class="skip" href="#main">{t('skip_to_main')}</a>
      <header class="top">
        <Link href="/" class="brand">{t('app_name')}</Link>
        {signedIn && (
          <nav aria-label={t('app_name')}>
            <Link href="/">{t('board')}</Link>
            <Link href="/committees">{t('committees')}</Link>
            <Link href="/places">{t('nav_places')}</Link>
            {me?.role === 'admin' && <Link href="/people">{t('nav_people')}</Link>}
            {me?.role === 'admin' && <Link href="/audit">{t('nav_audit')}</Link>}
            <SimulatorLink />
          </nav>
        )}
        <div class="top-right">
          <label class="lang">
            <span class="visually-hidden">{t('language')}</span>
            <select aria-label={t('language')} value={locale()} onChange={(e) => setLocale(e.currentTarget.value as Locale)}>
              {LOCALES.map((l) => (
                <option value={l} lang={l}>{LOCALE_NAMES[l]}</option>
              ))}
            </select>
          </label>
          {signedIn && <Link href="/account">{t('nav_account')}</Link>}
          {signedIn && (
            <button type="button" class="secondary" onClick={signOut}>{t('sign_out')}</button>
          )}
        </div>
      </header>
      <div aria-live="polite" role="log" class="visually-hidden" id="announcements">{announcement}</div>
      {path === '/set-password' ? (
        <SetPassword onDone={() => { setNotice(t('setpw_done')); navigate('/'); }} />
      ) : signedIn === null ? (
        <main id="main"><p role="status">{t('loading')}</p></main>
      ) : !signedIn ? (
        <SignIn notice={notice} onSignedIn={() => { setNotice(null); setSignedIn(true); }} />
      ) : path === '/committees' ? (
        <Committees />
      ) : committeeId ? (
        <CommitteesDetail key={committeeId} id={committeeId} />
      ) : path === '/places' ? (
        <Places />
      ) : path === '/simulator' ? (
        <Simulator />
      ) : ['/people', '/audit', '/account'].includes(path) && !me ? (
        <main id="main"><p role="status">{t('loading')}</p></main>
      ) : path === '/people' && me ? (
        <People me={me} />
      ) : path === '/audit' && me ? (
        <Audit me={me} />
      ) : path === '/account' && me ? (
        <Account me={me} onChanged={refreshMe} />
      ) : code ? (
        <IncidentPage key={code} code={code} summary={summary} myEmail={me?.email} />
      ) : (
        <Board incidents={incidents} live={live} />
      )}
    </>
  );
}

let audio: AudioContext | undefined;
/** A short two-tone chime for a new incident (browsers allow it once the page was interacted with). */
function chime(): void {
  try {
    audio ??= new AudioContext();
    const now = audio.currentTime;
    for (const [i, frequency] of [880, 660].entries()) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.15, now + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.001, now + i * 0.18 + 0.16);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(now + i * 0.18);
      oscillator.stop(now + i * 0.18 + 0.17);
    }
  } catch {
    // No sound is fine: the title badge and the live region still tell.
  }
}

render(<App />, document.getElementById('app')!);
