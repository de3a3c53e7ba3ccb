import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError, type IncidentDetail, type VerificationView } from '../api.js';
import { t } from '../i18n.js';

const UNCONFIRMED = new Set(['new', 'verifying']);

/**
 * Who was asked to verify the incident (numbers as masked as the API gives them), what each answered, when the next
 * verifiers are asked, a banner while it is disputed, and "Ask verifiers". Re-read whenever the incident changes.
 */
export function Verification({ incident }: { incident: Pick<IncidentDetail, 'id' | 'status' | 'location' | 'updatedAt'> }) {
  const [view, setView] = useState<VerificationView | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setView(await api.verification(incident.id));
    } catch {
      // The incident page shows the incident's own errors; this part stays as it was.
    }
  }, [incident.id]);
  // The page re-reads its incident on every live event about it (an answer by SMS too): this part follows it.
  useEffect(() => void load(), [load, incident]);

  const ask = async () => {
    setBusy(true);
    setMessage(null);
    try {
      setView(await api.askVerifiers(incident.id));
      setMessage(t('verify_asked_now'));
    } catch (e) {
      setMessage(t('action_failed', { error: e instanceof ApiError ? e.message : String(e) }));
    } finally {
      setBusy(false);
    }
  };

  const canAsk = UNCONFIRMED.has(incident.status) && incident.location !== null;
  const requests = view?.requests ?? [];
  return (
    <section aria-labelledby="verification-heading" class="verification">
      <h2 id="verification-heading">{t('verification')}</h2>
      {view?.disputedAt && (
        <p role="alert" class="note failed disputed">
          {t('verify_disputed')}
        </p>
      )}
      {requests.length === 0 ? (
        <p>{t('verify_none_yet')}</p>
      ) : (
        <table class="list-table verification-requests">
          <caption class="visually-hidden">{t('verification')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('verify_col_phone')}</th>
              <th scope="col">{t('verify_col_round')}</th>
              <th scope="col">{t('verify_col_asked')}</th>
              <th scope="col">{t('verify_col_ack')}</th>
              <th scope="col">{t('verify_col_verdict')}</th>
            </tr>
          </thead>
          <tbody>
            {requests.map((r) => (
              <tr key={r.id} data-verdict={r.verdict ?? ''}>
                <td data-label={t('verify_col_phone')}>{r.phone ?? t('someone')}</td>
                <td data-label={t('verify_col_round')}>{r.round}</td>
                <td data-label={t('verify_col_asked')}>
                  <time dateTime={r.askedAt}>{new Date(r.askedAt).toLocaleTimeString()}</time>
                </td>
                <td data-label={t('verify_col_ack')}>{r.ack === 'going' ? t('verify_ack_going') : r.ack === 'cannot' ? t('verify_ack_cannot') : t('verify_no_ack')}</td>
                <td data-label={t('verify_col_verdict')}>{r.verdict === 'confirm' ? t('verify_verdict_confirm') : r.verdict === 'false' ? t('verify_verdict_false') : t('verify_no_verdict')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {view?.nextStepAt && UNCONFIRMED.has(incident.status) && (
        <p class="hint">{t('verify_next_at', { time: new Date(view.nextStepAt).toLocaleTimeString() })}</p>
      )}
      {canAsk && (
        <button type="button" class="secondary" disabled={busy} onClick={ask}>
          {t('verify_ask')}
        </button>
      )}
      <div role="status" class="message">
        {message}
      </div>
    </section>
  );
}
