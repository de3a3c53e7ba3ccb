// After downtime: reports Twilio received but could not deliver to the webhook are filed from its message list.
import { afterEach, describe, expect, it } from 'vitest';
import { fitSms } from '../../src/domain/sms-fit.js';
import { t } from '../../src/i18n/index.js';
import { backfillInbound } from '../../src/services/backfill.js';
import { committeeWithMembers, MISSION_ZIPS, reportIncident } from '../support/scenario.js';
import { FROM_NUMBER, PUBLIC_URL, startSystem, TestClock, type TestSystem } from '../support/system.js';

const VERIFIER = '+14155551241';
const DISPATCHER_PHONE = '+14155551242';

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.close();
  system = undefined;
});

describe('filing inbound messages the webhook missed', () => {
  it('files a missed report once, answers it by SMS, and leaves messages the webhook handled alone', async () => {
    const clock = new TestClock();
    system = await startSystem({ clock });
    const s = system;
    const dispatcher = await s.login();

    // One message reached the webhook; one was lost while the line was down.
    const handled = s.twilio.addInbound({ from: '+14155551201', to: FROM_NUMBER, body: 'raid at the school 94110' });
    await s.sms('+14155551201', 'raid at the school 94110', { MessageSid: handled.sid });
    const missed = s.twilio.addInbound({ from: '+14155551202', to: FROM_NUMBER, body: 'ICE at the bakery 94103' });

    // Too fresh: the webhook may still be handling it.
    expect(await backfillInbound(s.deps)).toBe(0);
    clock.advance(3 * 60_000);
    expect(await backfillInbound(s.deps)).toBe(1);
    await s.idle();

    const reports = (await dispatcher.get('/api/reports')).json() as Array<{ text: string }>;
    expect(reports.map((r) => r.text).sort()).toEqual(['ICE at the bakery 94103', 'raid at the school 94110']);
    const [reply] = await s.twilio.waitForSent(1);
    expect(reply).toMatchObject({ to: '+14155551202', body: fitSms(t('en', 'report_ack')) });
    expect(missed.sid).toMatch(/^SM/);

    expect(await backfillInbound(s.deps)).toBe(0);
    await s.idle();
    expect(s.twilio.sent).toHaveLength(1);
  });

  it('item 22: files a missed MMS with its photos, from Twilio\'s media list, and one with photos but no text', async () => {
    const clock = new TestClock();
    system = await startSystem({ clock });
    const s = system;
    const dispatcher = await s.login();

    // Lost while the line was down: a report with two photos, and a photo alone (a report too).
    const withText = s.twilio.addInbound({ from: '+14155551221', to: FROM_NUMBER, body: 'ICE van at the bakery 94103', numMedia: 2 });
    const photoOnly = s.twilio.addInbound({ from: '+14155551222', to: FROM_NUMBER, body: '', numMedia: 1 });
    clock.advance(3 * 60_000);
    expect(await backfillInbound(s.deps)).toBe(2);
    await s.idle();

    // Fetched from the same URLs Twilio's webhook would have carried as MediaUrl0, MediaUrl1, and kept here.
    expect([...s.twilio.fetched].sort()).toEqual([...withText.mediaSids, ...photoOnly.mediaSids].sort());
    const reports = (await dispatcher.get('/api/reports')).json() as Array<{ text: string; media: Array<{ kind: string }> }>;
    expect(reports.map((r) => ({ text: r.text, photos: r.media.filter((m) => m.kind === 'photo').length })).sort((a, b) => a.text.localeCompare(b.text))).toEqual([
      { text: '', photos: 1 },
      { text: 'ICE van at the bakery 94103', photos: 2 },
    ]);
    expect(withText.mediaUrls).toHaveLength(2);
    expect(await backfillInbound(s.deps)).toBe(0);
  });

  it('item 2: a FALSE filed late, after an approval, marks the incident disputed and pages the dispatchers, like a live one', async () => {
    const clock = new TestClock();
    system = await startSystem({ clock, env: { RELEASE_APPROVALS: '2' } });
    const s = system;
    const admin = await s.login('admin');
    const committee = await committeeWithMembers(s, admin, { name: 'Mission', area: MISSION_ZIPS }, [VERIFIER]);
    const [member] = (await admin.get(`/api/committees/${committee.id}/members`)).json() as Array<{ id: string }>;
    expect((await admin.patch(`/api/members/${member?.id}`, { role: 'verifier' })).statusCode).toBe(200);
    expect((await admin.patch('/api/me', { phone: DISPATCHER_PHONE })).statusCode).toBe(200);
    const id = await reportIncident(s, admin, '+14155551231', 'ICE raid at the bakery behind the church 94110');
    const { code } = (await admin.get(`/api/incidents/${id}`)).json() as { code: string };
    const check = /CONFIRM ([A-Z0-9]{5})/.exec(s.twilio.sent.find((m) => m.to === VERIFIER && m.body.startsWith(`VERIFY ${code}`))?.body ?? '')?.[1];
    expect(check).toBeDefined();
    expect((await admin.post(`/api/incidents/${id}/confirm`, {})).json()).toMatchObject({ approvals: 1, needed: 2 });

    // The verifier's FALSE reached Twilio while the webhook was down.
    s.twilio.addInbound({ from: VERIFIER, to: FROM_NUMBER, body: `FALSE ${check}` });
    clock.advance(3 * 60_000);
    const before = s.twilio.sent.length;
    expect(await backfillInbound(s.deps)).toBe(1);
    await s.idle();

    const incident = s.deps.repos.incidents.get(id);
    expect(incident).toMatchObject({ status: 'verifying', disputedAt: expect.any(Number) });
    const events = s.deps.repos.incidents.events(id);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['verified', 'disputed']));
    expect(events).toContainEqual(expect.objectContaining({ type: 'paged', detail: { reason: 'disputed', pages: 1 } }));
    const sent = s.twilio.sent.slice(before);
    expect(sent.find((m) => m.to === DISPATCHER_PHONE)?.body).toBe(
      `Dispatch: incident ${code} is disputed: a verifier said false after an approval. Please decide: ${PUBLIC_URL}/incidents/${code}`,
    );
    // The verifier's late answer is sent too; nobody else hears of it, and nothing was released.
    expect(sent.map((m) => m.to).sort()).toEqual([DISPATCHER_PHONE, VERIFIER].sort());
  });

  it('does not file a message the rate limit refused', async () => {
    const clock = new TestClock();
    system = await startSystem({ clock, env: { LIMIT_REPORTS_PER_NUMBER_PER_HOUR: '1' } });
    const s = system;
    const first = s.twilio.addInbound({ from: '+14155551211', to: FROM_NUMBER, body: 'raid at the school 94110' });
    const second = s.twilio.addInbound({ from: '+14155551211', to: FROM_NUMBER, body: 'raid again 94110' });
    await s.sms('+14155551211', 'raid at the school 94110', { MessageSid: first.sid });
    await s.sms('+14155551211', 'raid again 94110', { MessageSid: second.sid });
    clock.advance(3 * 60_000);
    expect(await backfillInbound(s.deps)).toBe(0);
    expect((s.deps.db.$client.prepare('select count(*) as n from reports').get() as { n: number }).n).toBe(1);
  });
});
