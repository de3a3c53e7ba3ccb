// Delivery status callbacks: the provider reads them, a service applies them (src/services/delivery.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { committeeWithMembers, MISSION_ZIPS, reportIncident } from '../support/scenario.js';
import { type ApiClient, sign, startSystem, type TestSystem } from '../support/system.js';

const members = ['+14155550601', '+14155550602', '+14155550603'];
const reporter = '+14155550699';

describe('delivery reports', () => {
  let system: TestSystem;
  let dispatcher: ApiClient;
  let committeeId: string;

  beforeEach(async () => {
    system = await startSystem();
    dispatcher = await system.login();
    committeeId = (await committeeWithMembers(system, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, members)).id;
  });
  afterEach(() => system?.close());

  /** A confirmed incident whose alert every member's number was handed. */
  const alerted = async () => {
    const id = await reportIncident(system, dispatcher, reporter, 'raid at the bakery 94110');
    expect((await dispatcher.post(`/api/incidents/${id}/confirm`, {})).statusCode).toBe(202);
    await system.twilio.waitForSent(members.length);
    await system.idle();
    return id;
  };
  const sidTo = (to: string) => system.twilio.sent.find((m) => m.to === to)!.sid;
  const callback = async (params: Record<string, string>) => {
    const response = await system.app.inject({
      method: 'POST',
      url: '/twilio/status',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign('/twilio/status', params) },
      payload: new URLSearchParams(params).toString(),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/xml/);
  };

  it('a report that the recipient replied STOP stops the member: shown on the committee, and the all clear skips them', async () => {
    const id = await alerted();
    await callback({ MessageSid: sidTo(members[0]!), MessageStatus: 'undelivered', ErrorCode: '21610', AccountSid: system.twilio.accountSid });
    const list = (await dispatcher.get(`/api/committees/${committeeId}/members`)).json() as Array<{ phone: string; stopped: boolean }>;
    expect(list.filter((m) => m.stopped).map((m) => m.phone)).toEqual(['+1•••••••0601']);

    expect((await dispatcher.post(`/api/incidents/${id}/resolve`, {})).statusCode).toBe(200);
    await system.twilio.waitForSent(members.length + 2);
    await system.idle();
    expect(system.twilio.sent.filter((m) => /ALL CLEAR/i.test(m.body)).map((m) => m.to).sort()).toEqual(members.slice(1));
  });

  it('a report with an account-wide error pauses sending and raises the alarm', async () => {
    await alerted();
    await callback({ MessageSid: sidTo(members[1]!), MessageStatus: 'failed', ErrorCode: '30034' });
    expect((await dispatcher.get('/api/health')).json()).toMatchObject({ status: 'degraded', sending: 'paused', alarms: [{ type: 'sending_paused', code: '30034' }] });
  });

  it("item 19: the incident's tallies count each kind of message per status, from the ledger's own counts", async () => {
    const id = await alerted();
    await callback({ MessageSid: sidTo(members[0]!), MessageStatus: 'delivered' });
    await callback({ MessageSid: sidTo(members[1]!), MessageStatus: 'read' });
    expect((await dispatcher.post(`/api/incidents/${id}/resolve`, {})).statusCode).toBe(200);
    await system.twilio.waitForSent(2 * members.length);
    await system.idle();
    const { alerts } = (await dispatcher.get(`/api/incidents/${id}`)).json() as { alerts: unknown };
    expect(alerts).toEqual({ alert: { delivered: 2, sent: 1 }, all_clear: { sent: 3 } });
    expect(system.deps.repos.messages.countsByStatus(id)).toEqual(alerts);
  });
});
