// Outbox mode: without Twilio, what would have been sent is kept and listed, never sent.
import { afterEach, describe, expect, it } from 'vitest';
import { committeeWithMembers, MISSION_ZIPS, reportIncident } from '../support/scenario.js';
import { startSystem, type TestSystem } from '../support/system.js';

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.close();
  system = undefined;
});

describe('outbox mode', () => {
  it('lists the alerts that would have gone out, numbers masked, and sends nothing to Twilio', async () => {
    system = await startSystem({ env: { SMS_PROVIDER: 'outbox' } });
    const dispatcher = await system.login();
    await committeeWithMembers(system, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, ['+14155551301', '+14155551302']);
    const id = await reportIncident(system, dispatcher, '+14155551303', 'raid at the school 94110');
    expect((await dispatcher.post(`/api/incidents/${id}/confirm`, {})).statusCode).toBe(202);
    await system.idle();
    const outbox = (await dispatcher.get('/api/dev/outbox')).json() as Array<{ to: string; body: string }>;
    expect(outbox.map((m) => m.to).sort()).toEqual(['+1•••••••1301', '+1•••••••1302']);
    expect(outbox[0]?.body).toMatch(/ZIP 94110/);
    expect(system.twilio.requests).toBe(0);
    expect((await dispatcher.get(`/api/incidents/${id}`)).json().alerts.alert).toEqual({ sent: 2 });
  });

  it('answers 404 at /api/dev/outbox when Twilio is the provider', async () => {
    system = await startSystem();
    expect((await (await system.login()).get('/api/dev/outbox')).statusCode).toBe(404);
  });
});
