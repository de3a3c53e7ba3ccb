import { t } from '../i18n.js';

export interface PhoneLine {
  id: string;
  at: string;
  /** Breaks ties at one instant: the text, then its reply, then what the outbox holds in its own order. */
  order: number;
  from: 'phone' | 'reply' | 'line';
  body: string;
}

const WHO = { phone: 'sim_you', reply: 'sim_reply', line: 'sim_line' } as const;

/** One simulated phone's conversation, newest last; a log region, so a screen reader hears new messages. */
export function PhonePane({ phone, lines, onUse }: { phone: string; lines: PhoneLine[]; onUse: () => void }) {
  const headingId = `phone-${phone.replace(/\D/g, '')}`;
  const sorted = [...lines].sort((a, b) => a.at.localeCompare(b.at) || a.order - b.order);
  return (
    <section class="phone" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('sim_phone', { phone })}</h3>
      <div class="conversation" role="log" aria-label={t('sim_phone', { phone })}>
        <ol>
          {sorted.map((line) => (
            <li key={line.id} class={`bubble from-${line.from}`}>
              <span class="who">{t(WHO[line.from])} · <time dateTime={line.at}>{new Date(line.at).toLocaleTimeString()}</time></span>
              <span class="body">{line.body}</span>
            </li>
          ))}
        </ol>
      </div>
      <button type="button" class="secondary" aria-describedby={headingId} onClick={onUse}>{t('sim_use_phone')}</button>
    </section>
  );
}
