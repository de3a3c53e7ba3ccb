// TWILIO_DELETE_AFTER_MINUTES: the provider's copies of messages, photos and recordings are deleted through its
// REST API once processed.
import { afterEach, describe, expect, it } from 'vitest';
import { deleteFromProvider } from '../../src/services/provider-cleanup.js';
import { committeeWithMembers, MISSION_ZIPS, reportIncident } from '../support/scenario.js';
import { FROM_NUMBER, startSystem, TestClock, type TestSystem } from '../support/system.js';

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.close();
  system = undefined;
});

describe('deleting from Twilio after processing', () => {
  it('deletes inbound messages, their photos and recordings, and delivered alerts, once the delay has passed', async () => {
    const clock = new TestClock();
    system = await startSystem({ clock, env: { TWILIO_DELETE_AFTER_MINUTES: '5' } });
    const s = system;
    const dispatcher = await s.login();
    await committeeWithMembers(s, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, ['+14155551101']);

    const reporter = '+14155551102';
    const inbound = s.twilio.addInbound({ from: reporter, to: FROM_NUMBER, body: 'ICE at the school 94110', numMedia: 1 });
    const mediaUrl = `${s.twilio.url}/2010-04-01/Accounts/${s.twilio.accountSid}/Messages/${inbound.sid}/Media/${inbound.mediaSids[0]}`;
    const response = await s.sms(reporter, 'ICE at the school 94110', { MessageSid: inbound.sid, NumMedia: '1', MediaUrl0: mediaUrl });
    expect(response.statusCode).toBe(200);
    await s.idle();
    const incidentId = (await dispatcher.get('/api/reports')).json()[0].incidentId as string;
    await dispatcher.post(`/api/incidents/${incidentId}/confirm`, {});
    const [alert] = await s.twilio.waitForSent(1);
    await s.idle();
    s.deps.repos.messages.applyDeliveryStatus(alert!.sid, 'delivered', null, clock.now());

    // Too early: nothing is deleted.
    expect(await deleteFromProvider(s.deps)).toEqual({ inbound: 0, outbound: 0, media: 0 });
    clock.advance(6 * 60_000);
    const counts = await deleteFromProvider(s.deps);
    expect(counts.media).toBe(1);
    expect(counts.outbound).toBe(1);
    expect(counts.inbound).toBeGreaterThanOrEqual(1);
    expect(s.twilio.deleted).toEqual(expect.arrayContaining([inbound.sid, inbound.mediaSids[0], alert!.sid]));
    // The report keeps its text and the photo fetched before the deletion (served from here); nothing is deleted twice.
    expect((await dispatcher.get('/api/reports')).json()[0].media).toEqual([expect.objectContaining({ kind: 'photo', url: expect.stringMatching(/^\/api\/media\//) })]);
    expect(await deleteFromProvider(s.deps)).toEqual({ inbound: 0, outbound: 0, media: 0 });
  });

  it('deletes nothing when TWILIO_DELETE_AFTER_MINUTES is not set', async () => {
    const clock = new TestClock();
    system = await startSystem({ clock });
    await reportIncident(system, await system.login(), '+14155551103', 'raid 94110');
    clock.advance(24 * 3_600_000);
    expect(await deleteFromProvider(system.deps)).toEqual({ inbound: 0, outbound: 0, media: 0 });
    expect(system.twilio.deleted).toEqual([]);
  });
});
