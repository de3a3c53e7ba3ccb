// The SMS language of the hotline, through the real webhook: effects happen before the reply, in the
// sender's language, and a keyword that doesn't apply changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitSms } from '../../src/domain/sms-fit.js';
import type { Locale } from '../../src/domain/types.js';
import { type MessageKey, t } from '../../src/i18n/index.js';
import { type ApiClient, startSystem, type TestSystem } from '../support/system.js';

// Replies name the program (PROGRAM_NAME, default Centinela).
const say = (locale: Locale, key: MessageKey, params?: Record<string, string>) => fitSms(t(locale, key, { program: 'Centinela', ...params }));

describe('keywords over SMS', () => {
  let system: TestSystem;
  let dispatcher: ApiClient;
  let committee: { id: string; inviteCode: string; name: string };
  let n = 0;
  const phone = () => `+1415555${(1000 + n++).toString()}`;
  const reportCount = () => (system.deps.db.$client.prepare('select count(*) as n from reports').get() as { n: number }).n;
  const contact = (p: string) => {
    const row = system.deps.db.$client.prepare('select * from contacts where phone_hash = ?').get(system.deps.vault.hash(p));
    return row as { locale: string | null; locale_explicit: number; stopped_at: number | null } | undefined;
  };

  beforeAll(async () => {
    system = await startSystem();
    dispatcher = await system.login();
    committee = (await dispatcher.post('/api/committees', { name: 'Eastside', area: { type: 'zips', zips: ['94110'] } })).json();
  });
  afterAll(() => system?.close());

  it('answers HELP in the language of the keyword, and is not a report', async () => {
    const before = reportCount();
    expect(await system.text(phone(), 'HELP')).toBe(say('en', 'help'));
    expect(await system.text(phone(), 'info')).toBe(say('en', 'help'));
    expect(await system.text(phone(), '¡Ayuda!')).toBe(say('es', 'help'));
    expect(await system.text(phone(), 'tulong')).toBe(say('tl', 'help'));
    expect(reportCount()).toBe(before);
  });

  it('takes "la migra está aquí, ayuda" as a report, not a request for help', async () => {
    const before = reportCount();
    const reply = await system.text(phone(), 'la migra está aquí, ayuda');
    expect(reply).toBe(say('es', 'report_ack_ask_location'));
    expect(reportCount()).toBe(before + 1);
  });

  it('STOP in every language stops the number at once with an empty answer; START brings it back', async () => {
    for (const [word, start] of [['STOP', 'START'], ['alto', 'INICIAR'], ['Tigil', 'simula'], ['cancel', 'unstop'], ['ya no me manden mensajes', 'alta']]) {
      const p = phone();
      await system.text(p, 'HELP');
      expect(await system.text(p, word!)).toBe('');
      expect(contact(p)?.stopped_at).not.toBeNull();
      expect(await system.text(p, start!)).not.toBe('');
      expect(contact(p)?.stopped_at).toBeNull();
    }
  });

  it('YES from a stopped number starts it again', async () => {
    const p = phone();
    await system.text(p, 'STOP');
    expect(await system.text(p, 'YES')).toBe(say('en', 'start_ok'));
    expect(contact(p)?.stopped_at).toBeNull();
  });

  it('JOIN in three languages: pending by default, with ZIP and note; unknown codes explained', async () => {
    const [en, es, tl] = [phone(), phone(), phone()];
    expect(await system.text(en, `JOIN ${committee.inviteCode} 94110 sent by Rosa`)).toBe(say('en', 'join_pending', { committee: 'Eastside' }));
    expect(await system.text(es, `Unirse ${committee.inviteCode.toLowerCase()}`)).toBe(say('es', 'join_pending', { committee: 'Eastside' }));
    expect(await system.text(tl, `SUMALI ${committee.inviteCode}`)).toBe(say('tl', 'join_pending', { committee: 'Eastside' }));
    expect(await system.text(en, `JOIN ${committee.inviteCode}`)).toBe(say('en', 'join_already', { committee: 'Eastside' }));
    const members = (await dispatcher.get(`/api/committees/${committee.id}/members`)).json() as Array<{ status: string; note: string | null; zip: string | null; locale: string | null }>;
    expect(members.map((m) => [m.status, m.locale])).toEqual([
      ['pending', null], // English keywords are used by everyone: they reveal no language
      ['pending', 'es'],
      ['pending', 'tl'],
    ]);
    expect(members[0]).toMatchObject({ note: 'sent by Rosa', zip: '94110' });

    const before = reportCount();
    expect(await system.text(phone(), 'JOIN ZZ9ZZ9')).toBe(say('en', 'join_unknown_code'));
    expect(await system.text(phone(), 'join')).toBe(say('en', 'join_how'));
    expect(reportCount()).toBe(before);
    // "join us" has no code: it is a report.
    expect(await system.text(phone(), 'join us at the factory, ICE is here 94110')).toBe(say('en', 'report_ack'));
  });

  it('LANG sets the language and always wins over guesses; unsupported languages are explained', async () => {
    const p = phone();
    expect(await system.text(p, 'IDIOMA es')).toBe(say('es', 'lang_set'));
    expect(contact(p)).toMatchObject({ locale: 'es', locale_explicit: 1 });
    // A long English message would be guessed English, but LANG wins.
    expect(await system.text(p, 'there are agents outside the school right now please help')).toBe(say('es', 'report_ack_ask_location'));
    expect(await system.text(p, 'WIKA tl')).toBe(say('tl', 'lang_set'));
    expect(await system.text(p, 'LANG klingon')).toBe(say('tl', 'lang_unsupported'));
    expect(contact(p)?.locale).toBe('tl');
  });

  it('guesses the language from the first message with enough words and remembers it; bare keywords never change it', async () => {
    const p = phone();
    expect(await system.text(p, 'May mga ahente ng ICE sa pabrika sa kanto ng Mission ngayon')).toBe(say('tl', 'report_ack_ask_location'));
    expect(contact(p)).toMatchObject({ locale: 'tl', locale_explicit: 0 });
    await system.text(p, '94110'); // the location follow-up: a bare ZIP
    expect(await system.text(p, 'STOP')).toBe('');
    expect(await system.text(p, 'START')).toBe(say('tl', 'start_ok'));
    expect(contact(p)?.locale).toBe('tl');
  });

  it('explains 1/2, CONFIRM and ON DUTY when they do not apply, and files nothing', async () => {
    const before = reportCount();
    const p = phone();
    expect(await system.text(p, '1')).toBe(say('en', 'respond_nothing'));
    expect(await system.text(p, 'NO')).toBe(say('en', 'respond_nothing'));
    expect(await system.text(p, 'CONFIRM K7Q2')).toBe(say('en', 'verify_nothing'));
    expect(await system.text(p, 'hindi totoo K7Q2')).toBe(say('tl', 'verify_nothing'));
    expect(await system.text(p, 'ON DUTY')).toBe(say('tl', 'duty_not_allowed'));
    expect(reportCount()).toBe(before);
  });

  it('ON DUTY / OFF DUTY work for an active verifier', async () => {
    const p = phone();
    await system.text(p, `JOIN ${committee.inviteCode}`);
    const members = (await dispatcher.get(`/api/committees/${committee.id}/members`)).json() as Array<{ id: string; phone: string }>;
    const me = members.find((m) => m.phone.endsWith(p.slice(-4)))!;
    await dispatcher.patch(`/api/members/${me.id}`, { role: 'verifier', status: 'active' });
    expect(await system.text(p, 'OFF DUTY')).toBe(say('en', 'duty_off'));
    expect(await system.text(p, 'en turno')).toBe(say('es', 'duty_on'));
  });
});
