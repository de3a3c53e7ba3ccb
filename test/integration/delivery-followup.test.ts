// Delivery follow-up (issue 9 item 10): numbers that keep failing are set aside for a coordinator to review, and
// VERIFY requests and alerts go ahead of everything else in the send queue.
import { afterEach, describe, expect, it } from 'vitest';
import { committeeWithMembers, MISSION_ZIPS, reportIncident } from '../support/scenario.js';
import { type ApiClient, sign, startSystem, TestClock, type TestSystem } from '../support/system.js';

interface Member {
  id: string;
  phone: string;
  unreachable: boolean;
}

describe('delivery follow-up', () => {
  let system: TestSystem;
  afterEach(() => system?.close());

  const callback = async (params: Record<string, string>) => {
    const response = await system.app.inject({
      method: 'POST',
      url: '/twilio/status',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign('/twilio/status', params) },
      payload: new URLSearchParams(params).toString(),
    });
    expect(response.statusCode).toBe(200);
  };

  describe('unreachable numbers', () => {
    const clock = new TestClock();
    const FLAKY = '+14155550801';
    const STEADY = '+14155550802';
    let dispatcher: ApiClient;
    let committeeId: string;
    let reporter = 0;

    const start = async () => {
      system = await startSystem({ clock });
      dispatcher = await system.login();
      committeeId = (await committeeWithMembers(system, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, [FLAKY, STEADY])).id;
    };
    /** A new confirmed incident (past CLUSTER_MINUTES, so it is not the last one again); returns who got its alert. */
    const alert = async (): Promise<Map<string, string>> => {
      clock.advance(31 * 60_000);
      const before = system.twilio.sent.length;
      const id = await reportIncident(system, dispatcher, `+1415555089${reporter++}`, 'raid at the bakery 94110');
      expect((await dispatcher.post(`/api/incidents/${id}/confirm`, {})).statusCode).toBe(202);
      await system.idle();
      // Members only: a reporter whose number is still held may be thanked too.
      return new Map(system.twilio.sent.slice(before).filter((m) => m.to === FLAKY || m.to === STEADY).map((m) => [m.to, m.sid]));
    };
    const report = (sid: string | undefined, status: string, code?: string) =>
      callback({ MessageSid: sid ?? '', MessageStatus: status, ...(code ? { ErrorCode: code } : {}), AccountSid: system.twilio.accountSid });
    const members = async () => (await dispatcher.get(`/api/committees/${committeeId}/members`)).json() as Member[];
    const flaky = async () => (await members()).find((m) => m.phone.endsWith('0801'))!;

    it('item 10: three 30003/30005/30006 failures in a row set a number aside; a delivery in between starts the count again', async () => {
      await start();
      // Two failures, the second reported twice (Twilio may repeat a callback): still two.
      const first = await alert();
      await report(first.get(FLAKY), 'undelivered', '30003');
      await report(first.get(STEADY), 'delivered');
      const second = await alert();
      await report(second.get(FLAKY), 'undelivered', '30005');
      await report(second.get(FLAKY), 'undelivered', '30005');
      expect(await flaky()).toMatchObject({ unreachable: false });

      // A delivery: the phone was only off for a while.
      await report((await alert()).get(FLAKY), 'delivered');
      // Another error (carrier filtering) says nothing about the number.
      await report((await alert()).get(FLAKY), 'undelivered', '30007');
      await report((await alert()).get(FLAKY), 'failed', '30006');
      await report((await alert()).get(FLAKY), 'undelivered', '30003');
      expect(await flaky()).toMatchObject({ unreachable: false });
      await report((await alert()).get(FLAKY), 'undelivered', '30005');
      expect((await members()).map((m) => [m.phone, m.unreachable])).toEqual([
        ['+1•••••••0801', true],
        ['+1•••••••0802', false],
      ]);

      // Set aside: the next alert does not go to it.
      const skipped = await alert();
      expect([...skipped.keys()]).toEqual([STEADY]);
    });

    it('item 10: a coordinator marks the number reachable again, and it gets the next alert', async () => {
      await start();
      for (const code of ['30003', '30003', '30003']) await report((await alert()).get(FLAKY), 'undelivered', code);
      const member = await flaky();
      expect(member.unreachable).toBe(true);

      const marked = await dispatcher.post(`/api/members/${member.id}/reachable`, {});
      expect(marked.statusCode).toBe(204);
      expect(await flaky()).toMatchObject({ unreachable: false });
      expect([...(await alert()).keys()].sort()).toEqual([FLAKY, STEADY]);
      // Counted from zero again: one more failure does not set it aside.
      await report((await alert()).get(FLAKY), 'undelivered', '30003');
      expect(await flaky()).toMatchObject({ unreachable: false });
      expect((await dispatcher.post('/api/members/nope/reachable', {})).statusCode).toBe(404);
    });
  });

  it('item 10: an alert queued behind a backlog of other messages is handed to the provider first', async () => {
    // 10 a second: the backlog of 30 all-clears takes three seconds to drain.
    system = await startSystem({ env: { SMS_RATE_PER_SECOND: '10' } });
    const dispatcher = await system.login();
    const mission = Array.from({ length: 30 }, (_, i) => `+1415555${String(1000 + i).padStart(4, '0')}`);
    const excelsior = ['+14155552001', '+14155552002', '+14155552003'];
    await committeeWithMembers(system, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, mission);
    await committeeWithMembers(system, dispatcher, { name: 'Excelsior', area: { type: 'zips', zips: ['94112'] } }, excelsior, '94112');
    const first = await reportIncident(system, dispatcher, '+14155550891', 'raid at the bakery 94110');
    const second = await reportIncident(system, dispatcher, '+14155550892', 'raid at the school 94112');
    expect((await dispatcher.post(`/api/incidents/${first}/confirm`, {})).statusCode).toBe(202);
    await system.twilio.waitForSent(mission.length);
    await system.idle();

    // The all-clear to 30 members is queued, then the other incident's alert.
    expect((await dispatcher.post(`/api/incidents/${first}/resolve`, {})).statusCode).toBe(200);
    expect((await dispatcher.post(`/api/incidents/${second}/confirm`, {})).statusCode).toBe(202);
    const allClearsBefore = system.twilio.sent.filter((m) => /ALL CLEAR/.test(m.body)).length;
    await system.twilio.waitForSent(2 * mission.length + excelsior.length, 20_000);
    await system.idle();
    const sent = system.twilio.sent;

    // The second incident's alerts and the first one's all-clears, in the order the provider got them.
    const order = sent.flatMap((m) => (excelsior.includes(m.to) ? ['alert'] : /ALL CLEAR/.test(m.body) ? ['all_clear'] : []));
    expect(order.filter((kind) => kind === 'alert')).toHaveLength(excelsior.length);
    const lastAlert = order.lastIndexOf('alert');
    // Only what was already under way when the alert was queued went first; FIFO would put it behind all 30.
    expect(lastAlert).toBeLessThan(allClearsBefore + excelsior.length + 3);
    expect(order.slice(lastAlert + 1).every((kind) => kind === 'all_clear')).toBe(true);
    expect(order.slice(lastAlert + 1).length).toBeGreaterThan(mission.length / 2);
    expect(order.filter((kind) => kind === 'all_clear')).toHaveLength(mission.length);
  });
});
