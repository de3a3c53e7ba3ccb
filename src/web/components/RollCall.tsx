import type { IncidentDetail } from '../api.js';
import { t } from '../i18n.js';

/** "7 min 30 s": the network's own response time. */
function duration(seconds: number): string {
  return t('rc_minutes', { min: Math.floor(seconds / 60), sec: seconds % 60 });
}

/**
 * The roll call: how many members the alert reached are going, can't, said nothing or are on scene, the time from
 * release to the first arrival, and who answered when (numbers only as masked as the API gives them).
 */
export function RollCall({ responses, rollCall }: { responses: IncidentDetail['responses']; rollCall: IncidentDetail['rollCall'] }) {
  const sorted = [...responses].sort((a, b) => a.at.localeCompare(b.at));
  const counts = [
    ['going', t('rc_going'), rollCall.going],
    ['cannot', t('rc_cannot'), rollCall.cannot],
    ['no-reply', t('rc_no_reply'), rollCall.noReply],
    ['on-scene', t('rc_on_scene'), rollCall.onScene],
  ] as const;
  return (
    <>
      <dl class="roll-call-counts">
        {counts.map(([key, label, n]) => (
          <div key={key} class={`count ${key}`}>
            <dt>{label}</dt>
            <dd>{n}</dd>
          </div>
        ))}
      </dl>
      <dl class="roll-call-time">
        <dt>{t('rc_response_time')}</dt>
        <dd>{rollCall.firstArrivalSeconds === null ? t('rc_no_arrival') : duration(rollCall.firstArrivalSeconds)}</dd>
      </dl>
      {sorted.length === 0 ? (
        <p>{t('no_responses')}</p>
      ) : (
        <ol class="roll-call">
          {sorted.map((r) => (
            <li key={r.id} data-answer={r.answer}>
              <time dateTime={r.at}>{new Date(r.at).toLocaleTimeString()}</time> · {r.phone ?? t('someone')} ·{' '}
              <strong>{r.answer === 'going' ? t('answer_going') : t('answer_cannot')}</strong>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
