// Phone numbers typed into messages (a neighbour's number in a report, one's own in a JOIN note) are masked before
// anything is stored, so the console, its API and the database never hold them whole.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitSms } from '../../src/domain/sms-fit.js';
import { t } from '../../src/i18n/index.js';
import { type ApiClient, startSystem, type TestSystem } from '../support/system.js';

describe('numbers typed into messages', () => {
  let system: TestSystem;
  let dispatcher: ApiClient;
  /** Every text column the database holds, searched for the digits of a number. */
  const databaseHolds = (digits: string) =>
    (system.deps.db.$client.prepare("select text, coalesce(location_text, '') as lt from reports").all() as Array<{ text: string; lt: string }>)
      .concat(system.deps.db.$client.prepare("select coalesce(note, '') as text, '' as lt from members").all() as Array<{ text: string; lt: string }>)
      .some((row) => (row.text + row.lt).replace(/\D/g, '').includes(digits));

  beforeAll(async () => {
    system = await startSystem();
    dispatcher = await system.login();
  });
  afterAll(() => system?.close());

  it('item 14: a report is placed from the words as sent, then stored and served with the typed number masked', async () => {
    const reply = await system.text('+14155550901', 'ICE at the taqueria 94110-1234, call Jose at 415-555-0199 map https://maps.example.com/?q=4155550123');
    expect(reply).toBe(fitSms(t('en', 'report_ack')));
    await system.idle();
    const [report] = (await dispatcher.get('/api/reports')).json() as Array<{ text: string; incidentId: string; location: { label: string } }>;
    expect(report?.text).toBe('ICE at the taqueria 94110-1234, call Jose at •••-•••-0199 map https://maps.example.com/?q=4155550123');
    expect(report?.location).toMatchObject({ label: 'ZIP 94110' });
    const detail = (await dispatcher.get(`/api/incidents/${report?.incidentId}`)).json() as { reports: Array<{ text: string }> };
    expect(detail.reports.map((r) => r.text)).toEqual([report?.text]);
    expect(databaseHolds('4155550199')).toBe(false);
  });

  it('item 14: the answer to "where is this?" is stored masked as the location text', async () => {
    const reporter = '+14155550902';
    expect(await system.text(reporter, 'agents knocking on doors on my street')).toBe(fitSms(t('en', 'report_ack_ask_location')));
    expect(await system.text(reporter, '24th and Folsom 94110, my cousin is there (415) 555-0142')).toBe(fitSms(t('en', 'location_ack')));
    await system.idle();
    const reports = (await dispatcher.get('/api/reports')).json() as Array<{ text: string; locationText: string | null; location: { label: string } | null }>;
    const answered = reports.find((r) => r.text === 'agents knocking on doors on my street');
    expect(answered).toMatchObject({ locationText: '24th and Folsom 94110, my cousin is there (•••) •••-0142', location: { label: 'ZIP 94110' } });
    expect(databaseHolds('4155550142')).toBe(false);
  });

  it('item 14: a JOIN note is stored and shown with its number masked', async () => {
    const committee = (await dispatcher.post('/api/committees', { name: 'Eastside', area: { type: 'zips', zips: ['94110'] } })).json();
    expect(await system.text('+14155550903', `JOIN ${committee.inviteCode} 94110 Ana, sent by Rosa 415 555 0177`)).toBe(
      fitSms(t('en', 'join_pending', { committee: 'Eastside', program: 'Centinela' })),
    );
    const members = (await dispatcher.get(`/api/committees/${committee.id}/members`)).json() as Array<{ note: string }>;
    expect(members.map((m) => m.note)).toEqual(['Ana, sent by Rosa ••• ••• 0177']);
    expect(databaseHolds('4155550177')).toBe(false);
  });
});
