// Provider faults: what is retried, what is not, what pauses sending, and that nobody gets a message twice.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBroadcast } from '../../src/services/broadcast.js';
import { sendMessages } from '../../src/services/sending.js';
import { committeeWithMembers, MISSION_ZIPS, reportIncident } from '../support/scenario.js';
import { type ApiClient, startSystem, TestClock, type TestSystem } from '../support/system.js';

const members = ['+14155550201', '+14155550202', '+14155550203'];
const reporter = '+14155550299';

describe('sending alerts through the provider', () => {
  let system: TestSystem;
  let dispatcher: ApiClient;
  let clock: TestClock;

  beforeEach(async () => {
    clock = new TestClock();
    // Quick retries: the backoff base is 1 s in production; here attempts come fast.
    system = await startSystem({ clock, env: { SMS_SEND_ATTEMPTS: '4' } });
    dispatcher = await system.login();
    await committeeWithMembers(system, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, members);
  });
  afterEach(() => system?.close());

  const confirmReport = async () => {
    const id = await reportIncident(system, dispatcher, reporter, 'raid at the bakery 94110');
    expect((await dispatcher.post(`/api/incidents/${id}/confirm`, {})).statusCode).toBe(202);
    return id;
  };

  it('retries 429s and 500s with backoff and sends each alert exactly once', async () => {
    system.twilio.failNext(1, { status: 429 });
    system.twilio.failNext(1, { status: 500 });
    await confirmReport();
    await system.twilio.waitForSent(3);
    await system.idle();
    expect(system.twilio.sent.map((m) => m.to).sort()).toEqual(members);
    expect(system.twilio.attempts.filter((a) => a.outcome === 'rejected')).toHaveLength(2);
  });

  it('does not retry a permanent per-recipient error, and remembers a STOP the carrier reported', async () => {
    system.twilio.failFor(members[0]!, { status: 400, code: 21610 });
    system.twilio.failFor(members[1]!, { status: 400, code: 21211 });
    const id = await confirmReport();
    await system.twilio.waitForSent(1);
    await system.idle();
    expect(system.twilio.sent.map((m) => m.to)).toEqual([members[2]]);
    expect(system.twilio.attempts.filter((a) => a.to === members[0])).toHaveLength(1);
    expect(system.twilio.attempts.filter((a) => a.to === members[1])).toHaveLength(1);
    const detail = (await dispatcher.get(`/api/incidents/${id}`)).json();
    expect(detail.alerts.alert).toEqual({ failed: 2, sent: 1 });
    const [committee] = (await dispatcher.get('/api/committees')).json();
    const listed = (await dispatcher.get(`/api/committees/${committee.id}/members`)).json() as Array<{ phone: string; stopped: boolean }>;
    expect(listed.find((m) => m.phone.endsWith('0201'))?.stopped).toBe(true);
  });

  it('marks a message failed after the last attempt instead of dropping it', async () => {
    system.twilio.failAll({ status: 503 });
    const id = await confirmReport();
    await system.idle(30_000);
    const detail = (await dispatcher.get(`/api/incidents/${id}`)).json();
    expect(detail.alerts.alert).toEqual({ failed: 3 });
    expect(system.twilio.attempts).toHaveLength(3 * 4);
  });

  it('pauses all sending on an account-wide error, raises an alarm, and resumes without duplicates', async () => {
    system.twilio.failAll({ status: 401, code: 20003 });
    await confirmReport();
    await system.idle();
    // Nothing is failed member by member: every alert waits, queued, for the account to be fixed.
    expect(system.twilio.sent).toHaveLength(0);
    const [incident] = (await dispatcher.get('/api/incidents')).json();
    expect((await dispatcher.get(`/api/incidents/${incident.id}`)).json().alerts.alert).toEqual({ queued: 3 });
    const health = (await dispatcher.get('/api/health')).json();
    expect(health).toMatchObject({ status: 'degraded', sending: 'paused', alarms: [{ type: 'sending_paused', code: '20003' }] });

    system.twilio.failAll(null);
    expect((await dispatcher.post('/api/sending/resume', {})).statusCode).toBe(200);
    await system.twilio.waitForSent(3);
    await system.idle();
    expect(system.twilio.sent.map((m) => m.to).sort()).toEqual(members);
    expect((await system.app.inject({ method: 'GET', url: '/api/health' })).json().status).toBe('ok');
  });

  it('drops alerts not handed over within ALERT_VALIDITY_SECONDS instead of delivering them late', async () => {
    system.twilio.failAll({ status: 401, code: 20003 });
    const id = await confirmReport();
    await system.idle();
    clock.advance((system.config.sms.alertValiditySeconds + 1) * 1000);
    system.twilio.failAll(null);
    await dispatcher.post('/api/sending/resume', {});
    await system.idle();
    expect(system.twilio.sent).toHaveLength(0);
    expect((await dispatcher.get(`/api/incidents/${id}`)).json().alerts.alert).toEqual({ expired: 3 });
  });

  it('after a send ended in doubt, finds the message at the provider instead of sending it again', async () => {
    // The provider accepts the message but its answer is garbled: did it go out? The ledger says "unknown",
    // and the retry finds it in the provider's message list.
    system.twilio.failNext(1, { kind: 'accepted-garbled' });
    const id = await confirmReport();
    await system.idle();
    expect(members.map((to) => system.twilio.sent.filter((m) => m.to === to).length)).toEqual([1, 1, 1]);
    expect((await dispatcher.get(`/api/incidents/${id}`)).json().alerts.alert).toEqual({ sent: 3 });
  });

  it('sends again after a garbled answer when the provider has no such message', async () => {
    system.twilio.failNext(1, { kind: 'malformed' });
    await confirmReport();
    await system.idle();
    expect(system.twilio.sent.map((m) => m.to).sort()).toEqual(members);
  });

  it('an alert in doubt when the incident is dismissed still gets its correction once it proves delivered', async () => {
    system.twilio.failNext(1, { kind: 'accepted-garbled' });
    const id = await confirmReport();
    await system.twilio.waitForSent(3);
    // One row is "unknown" now; dismiss before its retry looks it up.
    expect((await dispatcher.post(`/api/incidents/${id}/dismiss`, {})).statusCode).toBe(200);
    await system.twilio.waitForSent(6);
    await system.idle();
    const corrections = system.twilio.sent.filter((m) => /CORRECTION/.test(m.body));
    expect(corrections.map((m) => m.to).sort()).toEqual(members);
    expect(system.twilio.sent).toHaveLength(6);
  });

  it('item 5: an alert in doubt when the incident is dismissed as a duplicate gets the duplicate correction, not "false alarm"', async () => {
    const original = await reportIncident(system, dispatcher, '+14155550298', 'raid at the school 94112');
    const code = (await dispatcher.get(`/api/incidents/${original}`)).json().code as string;
    system.twilio.failNext(1, { kind: 'accepted-garbled' });
    const id = await confirmReport();
    await system.twilio.waitForSent(3);
    expect((await dispatcher.post(`/api/incidents/${id}/dismiss`, { reason: 'duplicate', duplicateOf: original })).statusCode).toBe(200);
    await system.twilio.waitForSent(6);
    await system.idle();
    const corrections = system.twilio.sent.slice(3);
    expect(corrections.map((m) => m.to).sort()).toEqual(members);
    for (const message of corrections) {
      expect(message.body).toContain(`duplicate of ${code}`);
      expect(message.body).not.toMatch(/false alarm/i);
    }
  });

  it('item 1: two runs of one row, the first stopped after the provider accepted, send once', async () => {
    const id = await reportIncident(system, dispatcher, reporter, 'raid at the bakery 94110');
    // The workers stop: the two runs of one send job below are driven by hand.
    await system.workers?.close();
    expect((await dispatcher.post(`/api/incidents/${id}/confirm`, {})).statusCode).toBe(202);
    await runBroadcast(system.deps, { incidentId: id, kind: 'alert' });
    const row = system.deps.repos.messages.ofIncident(id).find((r) => r.contactId === system.deps.repos.contacts.findByPhone(members[0]!)?.id);
    expect(row?.status).toBe('queued');

    // Run B has been handed the row and stalls (a paused process, a slow commit) before it claims it.
    let resume = () => {};
    const stalled = new Promise<void>((resolve) => (resume = resolve));
    const stallingWrites = { run: async <T>(work: () => T): Promise<T> => (await stalled, system.deps.writes.run(work)) };
    const runB = sendMessages({ ...system.deps, writes: stallingWrites }, [row!.id], false);
    // Run A sends; the provider accepts the message but its answer is lost: the row is left in doubt.
    system.twilio.failNext(1, { kind: 'accepted-garbled' });
    await expect(sendMessages(system.deps, [row!.id], false)).rejects.toThrow();
    expect(system.deps.repos.messages.get(row!.id)?.status).toBe('unknown');
    resume();

    // B finds A's message at the provider instead of sending it again.
    expect(await runB).toEqual(['found']);
    expect(system.twilio.sent.filter((m) => m.to === members[0])).toHaveLength(1);
    expect(system.deps.repos.messages.get(row!.id)?.status).toBe('sent');
  });

  it('never moves a delivery state backwards when callbacks arrive out of order', async () => {
    const id = await confirmReport();
    const [first] = await system.twilio.waitForSent(1);
    await system.idle();
    const now = clock.now();
    system.deps.repos.messages.applyDeliveryStatus(first!.sid, 'undelivered', '30003', now);
    system.deps.repos.messages.applyDeliveryStatus(first!.sid, 'sent', null, now);
    expect((await dispatcher.get(`/api/incidents/${id}`)).json().alerts.alert).toEqual({ sent: 2, undelivered: 1 });
  });

  it('forgets that a number was unreachable once it texts the line', async () => {
    system.twilio.failFor(members[0]!, { status: 400, code: 21211 });
    await confirmReport();
    await system.idle();
    expect(system.deps.repos.contacts.findByPhone(members[0]!)?.unreachableAt).not.toBeNull();
    await system.text(members[0]!, 'HELP');
    expect(system.deps.repos.contacts.findByPhone(members[0]!)?.unreachableAt).toBeNull();
  });
});
