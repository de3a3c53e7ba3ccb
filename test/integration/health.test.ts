// GET /api/health: what it tells anyone, what it tells a signed-in user, and that it notices when nothing can be sent.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SENDS_WINDOW_MS } from '../../src/services/send-health.js';
import { committeeWithMembers, MISSION_ZIPS, reportIncident } from '../support/scenario.js';
import { type ApiClient, startSystem, TestClock, type TestSystem } from '../support/system.js';

const mission = ['+14155550401', '+14155550402', '+14155550403'];
const oakland = ['+15105550401', '+15105550402', '+15105550403'];

describe('health', () => {
  let system: TestSystem;
  let dispatcher: ApiClient;
  let clock: TestClock;

  beforeEach(async () => {
    clock = new TestClock();
    system = await startSystem({ clock, env: { SMS_SEND_ATTEMPTS: '4' } });
    dispatcher = await system.login();
    await committeeWithMembers(system, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, mission);
  });
  afterEach(() => system?.close());

  const publicHealth = async () => {
    const response = await system.app.inject({ method: 'GET', url: '/api/health' });
    expect(response.statusCode).toBe(200);
    return response.json() as Record<string, unknown>;
  };
  const alert = async (from: string, text: string) => {
    const id = await reportIncident(system, dispatcher, from, text);
    expect((await dispatcher.post(`/api/incidents/${id}/confirm`, {})).statusCode).toBe(202);
    await system.idle(30_000);
    return id;
  };

  it('item 13: without a session health answers only {status}; with one, the details', async () => {
    expect(await publicHealth()).toEqual({ status: 'ok' });
    const details = (await dispatcher.get('/api/health')).json();
    expect(details).toEqual({ status: 'ok', db: 'ok', redis: 'ok', sending: 'ok', smsProvider: 'twilio', failedJobs: 0, alarms: [] });

    // An account-wide provider error: the public answer says degraded, never the provider's code.
    system.twilio.failAll({ status: 401, code: 20003 });
    await alert('+14155550499', 'raid at the bakery 94110');
    const answer = await system.app.inject({ method: 'GET', url: '/api/health' });
    expect(answer.json()).toEqual({ status: 'degraded' });
    expect(answer.body).not.toContain('20003');
    expect((await dispatcher.get('/api/health')).json()).toMatchObject({ sending: 'paused', alarms: [{ type: 'sending_paused', code: '20003' }] });
  });

  it('item 4: provider unreachable: health raises sends_failing (degraded), and clears it once sends succeed again', async () => {
    await committeeWithMembers(system, dispatcher, { name: 'Oakland', area: { type: 'zips', zips: ['94601'] } }, oakland, '94601');
    system.twilio.failAll({ status: 503 });
    const id = await alert('+14155550499', 'raid at the bakery 94110');
    // 3 members × 4 attempts: every provider call failed, and every alert with it.
    expect((await dispatcher.get(`/api/incidents/${id}`)).json().alerts.alert).toEqual({ failed: 3 });
    expect(await publicHealth()).toEqual({ status: 'degraded' });
    expect((await dispatcher.get('/api/health')).json()).toMatchObject({
      status: 'degraded',
      redis: 'ok',
      sending: 'failing',
      alarms: [{ type: 'sends_failing', calls: 12, failed: 12 }],
    });

    // The provider is back: the next alert goes out, and health says so at once.
    system.twilio.failAll(null);
    await alert('+15105550499', 'raid at the warehouse 94601');
    expect(system.twilio.sent.map((m) => m.to).sort()).toEqual(oakland);
    expect(await publicHealth()).toEqual({ status: 'ok' });
    expect((await dispatcher.get('/api/health')).json()).toMatchObject({ status: 'ok', sending: 'ok', alarms: [] });
  });

  it('failed provider calls older than 5 minutes no longer count', async () => {
    system.twilio.failAll({ status: 503 });
    await alert('+14155550499', 'raid at the bakery 94110');
    expect(system.twilio.requests).toBe(12);
    expect((await dispatcher.get('/api/health')).json()).toMatchObject({ status: 'degraded', sending: 'failing' });
    clock.advance(SENDS_WINDOW_MS);
    expect((await dispatcher.get('/api/health')).json()).toMatchObject({ status: 'ok', sending: 'ok', alarms: [] });
  });

  it('errors about one recipient (STOP, an invalid number) do not count as failing sends', async () => {
    const more = Array.from({ length: 9 }, (_, i) => `+1415555046${i}`);
    await committeeWithMembers(system, dispatcher, { name: 'Mission 2', area: MISSION_ZIPS }, more);
    system.twilio.failAll({ status: 400, code: 21610 });
    await alert('+14155550499', 'raid at the bakery 94110');
    expect(system.twilio.requests).toBe(12);
    expect((await dispatcher.get('/api/health')).json()).toMatchObject({ status: 'ok', sending: 'ok', alarms: [] });
  });
});
