import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Incident, type IncidentDetail, type PlaceIncidentBody, type Preview } from '../api.js';
import { Corroborated } from '../components/Corroborated.js';
import { Deliveries } from '../components/Deliveries.js';
import { DismissForm } from '../components/DismissForm.js';
import { MergeButton, SplitButton } from '../components/MergeButton.js';
import { UpdateForm } from '../components/UpdateForm.js';
import { Link } from '../components/Link.js';
import { MapView } from '../components/MapView.js';
import { PreviewPanel } from '../components/PreviewPanel.js';
import { ReportMedia } from '../components/ReportMedia.js';
import { ReportPlace, ReportText } from '../components/ReportPlace.js';
import { RollCall } from '../components/RollCall.js';
import { Verification } from '../components/Verification.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { placeText } from '../components/format.js';
import { kindName, named, t } from '../i18n.js';
import { store } from '../store.js';

const OPEN = new Set(['new', 'verifying', 'confirmed']);
const UNCONFIRMED = new Set(['new', 'verifying']);
/** The page re-reads its incident at most this often, however many live events arrive. */
const RELOAD_MS = 1000;

/** `myEmail`: the signed-in user's, to tell them when their approval is already in. */
export function IncidentPage({ code, summary, myEmail }: { code: string; summary: Incident | undefined; myEmail?: string | undefined }) {
  const [detail, setDetail] = useState<IncidentDetail | null>(null);
  const [missing, setMissing] = useState(false);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [place, setPlace] = useState('');
  const [picked, setPicked] = useState<{ lat: number; lng: number } | null>(null);
  const [dismissing, setDismissing] = useState(false);

  const load = useCallback(async () => {
    try {
      setDetail(await api.incident(code));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) setMissing(true);
    }
  }, [code]);

  // Reload whenever the live stream says something about this incident changed (its sends and roll call too), at
  // most once per RELOAD_MS: a fan-out's delivery receipts arrive by the hundred.
  const incidentId = summary?.id;
  const [pulse, setPulse] = useState(0);
  useEffect(() => {
    if (!incidentId) return;
    setPulse(store.pulse(incidentId));
    return store.subscribe(() => setPulse(store.pulse(incidentId)));
  }, [incidentId]);
  const lastLoad = useRef(0);
  useEffect(() => {
    const wait = Math.max(0, lastLoad.current + RELOAD_MS - Date.now());
    const timer = setTimeout(() => {
      lastLoad.current = Date.now();
      void load();
    }, wait);
    return () => clearTimeout(timer);
  }, [load, pulse, summary?.updatedAt]);

  if (missing) return <main id="main"><h1>{t('not_found')}</h1><Link href="/">{t('back_to_board')}</Link></main>;
  if (!detail) return <main id="main"><p role="status">{t('loading')}</p></main>;

  const run = async (action: () => Promise<Incident>, done: string | ((incident: Incident) => string)) => {
    setBusy(true);
    setMessage(null);
    try {
      const incident = await action();
      store.put(incident);
      setMessage(typeof done === 'string' ? done : done(incident));
      setPreview(null);
      await load();
    } catch (e) {
      setMessage(t('action_failed', { error: e instanceof ApiError ? e.message : String(e) }));
    } finally {
      setBusy(false);
    }
  };

  const openPreview = async () => {
    setBusy(true);
    setMessage(null);
    try {
      setPreview(await api.preview(detail.id));
    } catch (e) {
      setMessage(t('action_failed', { error: e instanceof ApiError ? e.message : String(e) }));
    } finally {
      setBusy(false);
    }
  };

  const placeIt = async (event: Event) => {
    event.preventDefault();
    let at: PlaceIncidentBody | null = picked ? { ...picked, label: `${picked.lat.toFixed(5)}, ${picked.lng.toFixed(5)}`, precision: 'point' } : null;
    if (place.trim()) {
      try {
        // A ZIP stays a ZIP: the incident keeps the precision the place was read at.
        const found = await api.geocode(place.trim());
        at = { lat: found.lat, lng: found.lng, label: found.label, precision: found.precision, ...(found.zip ? { zip: found.zip } : {}) };
      } catch {
        setMessage(t('place_not_found'));
        return;
      }
    }
    if (!at) {
      setMessage(t('place_from_map'));
      return;
    }
    const target = at;
    await run(() => api.place(detail.id, target), t('done'));
    setPlace('');
    setPicked(null);
  };

  const open = OPEN.has(detail.status);
  const unconfirmed = UNCONFIRMED.has(detail.status);
  const approvedByMe = myEmail !== undefined && detail.approvals.some((a) => a.by === myEmail);
  const stillNeeded = Math.max(detail.needed - detail.approvals.length, 0);

  return (
    <main id="main" class="incident">
      <p><Link href="/">← {t('back_to_board')}</Link></p>
      <h1>
        {t('incident_title', { code: detail.code })} <StatusBadge status={detail.status} />
        {detail.drill && <span class="badge drill">{t('drill')}</span>}
      </h1>
      <p class="summary">
        {detail.priority > 0 && <><Corroborated incident={detail} />{' '}</>}
        {kindName(detail.kind)} · {placeText(detail)} · {t('reporters_value', { distinct: detail.distinctReporters, flood: detail.floodReporters })}
      </p>
      {detail.afterDismissedId && <p class="note">{t('after_dismissed')}</p>}
      {detail.mergeSuggestion && (
        <p class="note merge-suggestion">
          {t('merge_suggested', { code: detail.mergeSuggestion.code })}{' '}
          <Link href={`/incidents/${detail.mergeSuggestion.code}`}>{detail.mergeSuggestion.code}</Link>{' '}
          <MergeButton incidentId={detail.id} into={detail.mergeSuggestion} busy={busy} run={run} />
        </p>
      )}
      {detail.mergedIntoId && (
        <p class="note">
          {t('merged_into_note')} <Link href={`/incidents/${detail.mergedIntoId}`}>{t('open_merged')}</Link>
        </p>
      )}
      <div role="status" class="message">{message}</div>

      <div class="incident-body">
        <div class="incident-main">
          {open && (
            <section aria-labelledby="actions-heading" class="actions">
              <h2 id="actions-heading">{t('actions')}</h2>
              <div class="buttons">
                {unconfirmed && detail.location && !preview && !approvedByMe && (
                  <button type="button" disabled={busy} onClick={openPreview}>{t('confirm')}</button>
                )}
                {detail.status === 'confirmed' && (
                  <button type="button" disabled={busy} onClick={() => run(() => api.resolve(detail.id), t('done'))}>{t('resolve')}</button>
                )}
                <button type="button" class="secondary" disabled={busy} aria-expanded={dismissing} onClick={() => setDismissing(!dismissing)}>
                  {t('dismiss')}
                </button>
              </div>
              {dismissing && <DismissForm incident={detail} busy={busy} run={run} onClose={() => setDismissing(false)} />}
              {unconfirmed && detail.needed > 1 && (
                <div class="approvals">
                  {approvedByMe && <p>{t('you_approved')}</p>}
                  {detail.approvals.length > 0 && <p>{t('approved_by', { who: detail.approvals.map((a) => a.by).join(', ') })}</p>}
                  <p>{t('approvals_more', { n: stillNeeded })}</p>
                </div>
              )}
              {preview && (
                <PreviewPanel
                  preview={preview}
                  busy={busy}
                  onSend={() => run(() => api.confirm(detail.id), (incident) => (incident.status === 'confirmed' ? t('alert_sent') : t('approval_recorded')))}
                  onCancel={() => setPreview(null)}
                />
              )}
              <form class="place-form" onSubmit={placeIt}>
                <label for="place">{t('place')}</label>
                <div class="inline">
                  <input id="place" value={place} aria-describedby="place-hint" onInput={(e) => setPlace(e.currentTarget.value)} />
                  <button type="submit" disabled={busy}>{t('place')}</button>
                </div>
                <p id="place-hint" class="hint">{picked ? t('placed_at', { lat: picked.lat, lng: picked.lng }) : t('place_hint')}</p>
              </form>
            </section>
          )}

          <Verification incident={detail} />

          {detail.status === 'confirmed' && !detail.mergedIntoId && <UpdateForm incident={detail} busy={busy} run={run} />}

          <section aria-labelledby="deliveries-heading">
            <h2 id="deliveries-heading">{t('deliveries')}</h2>
            <Deliveries alerts={detail.alerts} />
          </section>

          <section aria-labelledby="roll-call-heading" aria-live="polite">
            <h2 id="roll-call-heading">{t('roll_call')}</h2>
            <RollCall responses={detail.responses} rollCall={detail.rollCall} />
          </section>

          <section aria-labelledby="reports-heading">
            <h2 id="reports-heading">{t('reports')}</h2>
            <ol class="reports">
              {detail.reports.map((report) => (
                <li key={report.id}>
                  <p class="meta">
                    <strong>{t('reporter', { letter: report.reporter })}</strong> ·{' '}
                    <time dateTime={report.receivedAt}>{new Date(report.receivedAt).toLocaleString()}</time> · {report.channel === 'voice' ? t('via_voice') : t('via_sms')}
                    {report.language && <> · {t('language_of_report', { lang: report.language })}</>}
                    {report.flood && <> · {t('flood_report')}</>}
                  </p>
                  <ReportText report={report} />
                  <ReportPlace report={report} />
                  {report.machineText && <p class="note machine-text">{t('machine_text')}</p>}
                  {report.status === 'failed' && <p class="note failed">{t('report_failed')}</p>}
                  <ReportMedia report={report} />
                  {open && detail.reports.length > 1 && (
                    <SplitButton reportId={report.id} label={t('reporter', { letter: report.reporter })} busy={busy} run={run} />
                  )}
                </li>
              ))}
            </ol>
          </section>

          <section aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">{t('timeline')}</h2>
            <ol class="timeline">
              {detail.timeline.map((entry, i) => (
                <li key={i}>
                  <time dateTime={entry.at}>{new Date(entry.at).toLocaleTimeString()}</time> {named('event_', entry.type)}
                </li>
              ))}
            </ol>
          </section>
        </div>
        <section class="incident-map" aria-label={t('map')}>
          <MapView incidents={[summary ?? detail]} onPick={open ? setPicked : undefined} focus={detail.location} />
        </section>
      </div>
    </main>
  );
}
