import type { IncidentDetail } from '../api.js';
import { t } from '../i18n.js';

/** Who answered the alert: going or can't, when; numbers only as masked as the API gives them. */
export function RollCall({ responses }: { responses: IncidentDetail['responses'] }) {
  if (responses.length === 0) return <p>{t('no_responses')}</p>;
  const going = responses.filter((r) => r.answer === 'going').length;
  const sorted = [...responses].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <>
      <p class="roll-call-counts">{t('roll_call_counts', { going, cannot: responses.length - going })}</p>
      <ol class="roll-call">
        {sorted.map((r) => (
          <li key={r.id} data-answer={r.answer}>
            <time dateTime={r.at}>{new Date(r.at).toLocaleTimeString()}</time> · {r.phone ?? t('someone')} ·{' '}
            <strong>{r.answer === 'going' ? t('answer_going') : t('answer_cannot')}</strong>
          </li>
        ))}
      </ol>
    </>
  );
}
