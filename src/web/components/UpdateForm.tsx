import { useState } from 'preact/hooks';
import { api, type Incident, type IncidentDetail } from '../api.js';
import { updateRoom } from '../../domain/update-room.js';
import { t } from '../i18n.js';

/** The incident page's action runner: shows `done` (or the error) in the page's status line and reloads. */
export type RunAction = (action: () => Promise<Incident>, done: string | ((incident: Incident) => string)) => Promise<void>;

const recipientsOf = (incident: Incident): number => ('recipients' in incident && typeof incident.recipients === 'number' ? incident.recipients : 0);

/**
 * After release: an update to everyone the alert reached, with the room left shown as the dispatcher types (the
 * same count the server refuses by), and a reminder to those who have not replied.
 */
export function UpdateForm({ incident, busy, run }: { incident: IncidentDetail; busy: boolean; run: RunAction }) {
  const [text, setText] = useState('');
  const words = text.trim();
  const room = updateRoom(words, incident);
  const over = room.left < 0;

  const send = async (event: Event) => {
    event.preventDefault();
    if (!words || over) return;
    await run(async () => {
      const sent = await api.sendUpdate(incident.id, words);
      setText('');
      return sent;
    }, (sent) => t('update_sent', { n: recipientsOf(sent) }));
  };

  return (
    <section aria-labelledby="follow-heading" class="follow-through">
      <h2 id="follow-heading">{t('follow_through')}</h2>
      <form class="update-form" onSubmit={send}>
        <label for="update-text">{t('update_label')}</label>
        <textarea
          id="update-text"
          rows={3}
          value={text}
          aria-describedby="update-hint update-room"
          aria-invalid={over}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <p id="update-hint" class="hint">{t('update_hint', { code: incident.code })}</p>
        <p id="update-room" class={over ? 'room over' : 'room'} aria-live="polite">
          {over ? t('update_over', { n: -room.left }) : t('update_room', { n: room.left })}
        </p>
        <div class="buttons">
          <button type="submit" disabled={busy || !words || over}>{t('send_update')}</button>
          <button type="button" class="secondary" aria-describedby="remind-hint" disabled={busy} onClick={() => run(() => api.remind(incident.id), (sent) => t('reminded', { n: recipientsOf(sent) }))}>
            {t('remind')}
          </button>
        </div>
        <p id="remind-hint" class="hint">{t('remind_hint')}</p>
      </form>
    </section>
  );
}
