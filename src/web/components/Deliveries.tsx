import type { IncidentDetail } from '../api.js';
import { named, t } from '../i18n.js';

const ORDER = ['queued', 'sending', 'unknown', 'sent', 'delivered', 'undelivered', 'failed', 'cancelled', 'expired'];

/** Per kind of message (alert, update, all clear…), how many are in each delivery state. */
export function Deliveries({ alerts }: { alerts: IncidentDetail['alerts'] }) {
  const kinds = Object.entries(alerts);
  if (kinds.length === 0) return <p>{t('no_messages')}</p>;
  return (
    <dl class="deliveries">
      {kinds.map(([kind, counts]) => (
        <div key={kind} class="delivery" data-kind={kind}>
          <dt>{named('mkind_', kind)}</dt>
          <dd>
            {Object.entries(counts)
              .sort(([a], [b]) => ORDER.indexOf(a) - ORDER.indexOf(b))
              .map(([state, n]) => (
                <span class="count" key={state}>
                  {n} {t(`ms_${state}` as Parameters<typeof t>[0])}
                </span>
              ))}
          </dd>
        </div>
      ))}
    </dl>
  );
}
