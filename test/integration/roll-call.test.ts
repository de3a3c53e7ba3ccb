// Roll call (issue 9 item 7): answers counted per incident, a reply without a code when two alerts are open asks
// which, ON SCENE records arrival and the response time from release to the first arrival.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { committeeWithMembers, MISSION_ZIPS, reportIncident } from '../support/scenario.js';
import { type ApiClient, startSystem, TestClock, type TestSystem } from '../support/system.js';

const MEMBERS = ['+14155550711', '+14155550712', '+14155550713', '+14155550714'];
const [ANA, BEN, CARLA, DAVID] = MEMBERS as [string, string, string, string];

interface RollCall {
  going: number;
  cannot: number;
  noReply: number;
  onScene: number;
  firstArrivalSeconds: number | null;
}

describe('roll call', () => {
  const clock = new TestClock();
  let system: TestSystem;
  let dispatcher: ApiClient;
  let reporter = 0;

  beforeAll(async () => {
    system = await startSystem({ clock });
    dispatcher = await system.login('dispatcher');
    await committeeWithMembers(system, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, MEMBERS);
    await system.idle();
  });
  afterAll(() => system?.close());

  /** A new incident (past CLUSTER_MINUTES, so it stands alone), confirmed, its alert handed to every member. */
  const alertedIncident = async (): Promise<{ id: string; code: string }> => {
    clock.advance(31 * 60_000);
    const id = await reportIncident(system, dispatcher, `+1415555078${reporter++}`, 'ICE raid at the bakery 94110');
    const before = system.twilio.sent.length;
    const confirmed = await dispatcher.post(`/api/incidents/${id}/confirm`, {});
    expect(confirmed.json()).toMatchObject({ status: 'confirmed' });
    await system.twilio.waitForSent(before + MEMBERS.length);
    await system.idle();
    return { id, code: confirmed.json().code as string };
  };
  const rollCall = async (id: string): Promise<RollCall> => (await dispatcher.get(`/api/incidents/${id}`)).json().rollCall as RollCall;
  const resolve = (id: string) => dispatcher.post(`/api/incidents/${id}/resolve`, {});

  it('item 7: with two open alerts, a reply without a code asks which, giving both codes, and records nothing', async () => {
    const first = await alertedIncident();
    const second = await alertedIncident();

    for (const body of ['1', 'on my way', '2', 'ON SCENE']) {
      const reply = await system.text(ANA, body);
      expect(reply, body).toContain(first.code);
      expect(reply, body).toContain(second.code);
    }
    await system.idle();
    const empty = { going: 0, cannot: 0, onScene: 0, noReply: MEMBERS.length, firstArrivalSeconds: null };
    expect(await rollCall(first.id)).toEqual(empty);
    expect(await rollCall(second.id)).toEqual(empty);

    // With the code, the answer counts for that incident only.
    expect(await system.text(ANA, `1 ${first.code}`)).toContain(first.code);
    expect(await system.text(BEN, `no puedo ${second.code}`)).toContain(second.code);
    expect(await rollCall(first.id)).toMatchObject({ going: 1, cannot: 0, noReply: MEMBERS.length - 1 });
    expect(await rollCall(second.id)).toMatchObject({ going: 0, cannot: 1, noReply: MEMBERS.length - 1 });

    // Once one is resolved, a bare answer goes to the one still open.
    expect((await resolve(first.id)).statusCode).toBe(200);
    expect(await system.text(CARLA, '1')).toContain(second.code);
    expect(await rollCall(second.id)).toMatchObject({ going: 1, cannot: 1, noReply: MEMBERS.length - 2 });
    expect((await resolve(second.id)).statusCode).toBe(200);
    await system.idle();
  });

  it('item 7: ON SCENE records arrival (and going); the incident shows the time from release to the first arrival', async () => {
    const incident = await alertedIncident();
    const detail = (await dispatcher.get(`/api/incidents/${incident.id}`)).json() as { confirmedAt: string };
    expect(await rollCall(incident.id)).toEqual({ going: 0, cannot: 0, noReply: MEMBERS.length, onScene: 0, firstArrivalSeconds: null });

    expect(await system.text(ANA, '1')).toContain(incident.code);
    clock.advance(7 * 60_000 + 30_000);
    const arrival = await system.text(ANA, 'on scene');
    expect(arrival).toContain(incident.code);
    clock.advance(60_000);
    // A member who never said "going" arrives too: arriving counts as going; Spanish with the code.
    expect(await system.text(BEN, `EN EL LUGAR ${incident.code}`)).toContain(incident.code);
    // Saying it again keeps the first arrival time.
    clock.advance(60_000);
    await system.text(ANA, `ON SCENE ${incident.code}`);
    expect(await system.text(CARLA, 'no puedo, estoy trabajando')).toContain(incident.code);

    const after = (await dispatcher.get(`/api/incidents/${incident.id}`)).json() as { rollCall: RollCall; timeline: Array<{ type: string }>; confirmedAt: string };
    expect(after.confirmedAt).toBe(detail.confirmedAt);
    expect(after.rollCall).toEqual({ going: 2, cannot: 1, noReply: 1, onScene: 2, firstArrivalSeconds: 7 * 60 + 30 });
    expect(after.timeline.filter((e) => e.type === 'arrived')).toHaveLength(2);
    expect((await resolve(incident.id)).statusCode).toBe(200);
  });

  it('item 7: members who got the alert and said nothing are counted as no reply; ON SCENE with no alert changes nothing', async () => {
    const incident = await alertedIncident();
    await system.text(DAVID, '2');
    expect(await rollCall(incident.id)).toEqual({ going: 0, cannot: 1, noReply: MEMBERS.length - 1, onScene: 0, firstArrivalSeconds: null });

    // A number the alert never reached: told there is nothing to answer, and nothing is counted.
    const stranger = '+14155550799';
    expect(await system.text(stranger, `ON SCENE ${incident.code}`)).toMatch(/no alert/i);
    expect(await rollCall(incident.id)).toEqual({ going: 0, cannot: 1, noReply: MEMBERS.length - 1, onScene: 0, firstArrivalSeconds: null });
  });
});
