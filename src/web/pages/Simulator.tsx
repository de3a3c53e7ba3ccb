// Training mode: text the hotline as any test number and watch each phone's inbox (outbox mode only). The numbers
// the trainer types live in this page's memory only; the server answers with masked numbers.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { PhonePane, type PhoneLine } from '../components/PhonePane.js';
import { t } from '../i18n.js';

const POLL_MS = 1500;

interface Phone {
  /** As the trainer typed it. */
  typed: string;
  masked: string;
  /** Its own texts and the hotline's direct replies, kept here (the outbox holds only what was sent later). */
  local: PhoneLine[];
  /** What the outbox holds for it: alerts, updates, welcomes. */
  inbox: PhoneLine[];
}

const key = (phone: string) => phone.replace(/[^\d+]/g, '');

/** Kept while the console is open, so the trainer can go confirm an incident and come back; gone on reload. */
let kept: Phone[] = [];

export function Simulator() {
  const [mode, setMode] = useState<'twilio' | 'outbox' | null | undefined>(undefined);
  const [phones, setPhones] = useState<Phone[]>(kept);
  const [from, setFrom] = useState('');
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const phonesRef = useRef(phones);
  phonesRef.current = phones;
  kept = phones;
  const messageField = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    api.smsProvider().then(setMode, () => setMode(null));
  }, []);

  // Each phone's inbox, refreshed while the page is open.
  useEffect(() => {
    if (mode !== 'outbox') return;
    let stopped = false;
    const refresh = async () => {
      for (const phone of phonesRef.current) {
        try {
          const inbox = await api.simulatorInbox(phone.typed);
          if (stopped) return;
          const lines = inbox.messages.map((m, i): PhoneLine => ({ id: m.id, at: m.createdAt, order: 2 + i, from: 'line', body: m.body }));
          setPhones((all) => all.map((p) => (key(p.typed) === key(phone.typed) && !sameLines(p.inbox, lines) ? { ...p, inbox: lines } : p)));
        } catch {
          // The next round tries again.
        }
      }
    };
    const timer = setInterval(() => void refresh(), POLL_MS);
    void refresh();
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [mode, phones.length]);

  const send = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      const typed = from.trim();
      const sent = await api.simulateSms(typed, body);
      const lines: PhoneLine[] = [{ id: `${sent.sid}-in`, at: sent.at, order: 0, from: 'phone', body }];
      lines.push({ id: `${sent.sid}-reply`, at: sent.at, order: 1, from: 'reply', body: sent.reply ?? t('sim_no_reply') });
      setPhones((all) => {
        const existing = all.find((p) => key(p.typed) === key(typed));
        if (existing) return all.map((p) => (p === existing ? { ...p, local: [...p.local, ...lines] } : p));
        return [...all, { typed, masked: sent.from, local: lines, inbox: [] }];
      });
      setBody('');
      setMessage(t('sim_sent_from', { phone: sent.from }));
    } catch (e) {
      setMessage(t('action_failed', { error: e instanceof ApiError ? e.message : String(e) }));
    } finally {
      setBusy(false);
    }
  };

  const usePhone = (phone: Phone) => {
    setFrom(phone.typed);
    messageField.current?.focus();
  };

  return (
    <main id="main" class="simulator">
      <p class="training-banner" role="note">{t('sim_banner')}</p>
      <h1>{t('sim_title')}</h1>
      {mode === undefined ? (
        <p role="status">{t('loading')}</p>
      ) : mode !== 'outbox' ? (
        <p class="note">{t('sim_off')}</p>
      ) : (
        <>
          <p>{t('sim_intro')}</p>
          <form class="sim-form" onSubmit={send}>
            <label for="sim-from">{t('phone_number')}</label>
            <input id="sim-from" type="tel" autocomplete="off" required value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
            <label for="sim-body">{t('message')}</label>
            <textarea id="sim-body" ref={messageField} rows={3} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
            <div class="buttons">
              <button type="submit" disabled={busy}>{busy ? t('sending') : t('send')}</button>
            </div>
          </form>
          <div role="status" class="message">{message}</div>
          <section aria-labelledby="phones-heading">
            <h2 id="phones-heading">{t('sim_phones')}</h2>
            {phones.length === 0 && <p>{t('sim_no_phones')}</p>}
            <div class="phones">
              {phones.map((phone) => (
                <PhonePane key={key(phone.typed)} phone={phone.typed} lines={[...phone.local, ...phone.inbox]} onUse={() => usePhone(phone)} />
              ))}
            </div>
          </section>
        </>
      )}
    </main>
  );
}

function sameLines(a: PhoneLine[], b: PhoneLine[]): boolean {
  return a.length === b.length && a.every((line, i) => line.id === b[i]?.id);
}
