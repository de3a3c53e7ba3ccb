// Training mode's API: the simulator's texts take the webhook's own path, and each number's inbox is found by its
// hash; nothing of it answers when Twilio really sends.
import { afterEach, describe, expect, it } from 'vitest';
import { contacts, inboundMessages, outboxMessages } from '../../src/db/schema.js';
import { startSystem, type TestSystem } from '../support/system.js';

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.close();
  system = undefined;
});

const MEMBER = '+14155550401';
const OTHER = '+14155550402';

describe('the phone simulator API', () => {
  it('item 11: a simulated text joins, reports and answers like a real one, and each number reads only its own inbox', async () => {
    system = await startSystem({ env: { SMS_PROVIDER: 'outbox' } });
    const admin = await system.login('admin');
    const { inviteCode } = (await admin.post('/api/committees', { name: 'Mission', area: { type: 'zips', zips: ['94110'] }, autoApprove: true })).json() as { inviteCode: string };
    const dispatcher = await system.login();

    const joined = await dispatcher.post('/api/dev/sms', { from: '(415) 555-0401', body: `JOIN ${inviteCode}` });
    expect(joined.statusCode).toBe(200);
    expect(joined.json()).toMatchObject({ from: '+1•••••••0401', reply: expect.stringContaining('You are now part of Mission') });
    expect(joined.json().sid).toMatch(/^SM[0-9a-f]{32}$/);
    const reported = (await dispatcher.post('/api/dev/sms', { from: OTHER, body: 'ICE agents at the laundromat 94110' })).json() as { reply: string };
    expect(reported.reply).toMatch(/^Report received/);
    await system.idle();
    const incident = system.deps.repos.incidents.list({}, { limit: 5 })[0]!;
    expect((await dispatcher.post(`/api/incidents/${incident.id}/confirm`, {})).statusCode).toBe(202);
    await system.idle();

    const inbox = (await dispatcher.post('/api/dev/inbox', { phone: MEMBER })).json() as { to: string; messages: Array<{ to: string; body: string }> };
    expect(inbox.to).toBe('+1•••••••0401');
    expect(inbox.messages.map((m) => m.body)).toEqual([expect.stringMatching(new RegExp(`RAID CONFIRMED ${incident.code}`))]);
    expect((await dispatcher.post('/api/dev/inbox', { phone: OTHER })).json().messages).toEqual([]);
    const answered = (await dispatcher.post('/api/dev/sms', { from: MEMBER, body: '1' })).json() as { reply: string };
    expect(answered.reply).toContain(`going to alert ${incident.code}`);
    expect((await dispatcher.get(`/api/incidents/${incident.id}`)).json().responses).toMatchObject([{ answer: 'going', phone: '+1•••••••0401' }]);

    // Nothing kept holds the number in plain text; nothing reached Twilio.
    const stored = JSON.stringify([system.deps.db.select().from(outboxMessages).all(), system.deps.db.select().from(inboundMessages).all(), system.deps.db.select().from(contacts).all()]);
    for (const phone of [MEMBER, OTHER]) expect(stored).not.toContain(phone.slice(2));
    expect(system.twilio.requests).toBe(0);
  });

  it('item 11: bad input is a 400 that changes nothing, signed-out is a 401, and with Twilio sending both routes are 404', async () => {
    system = await startSystem({ env: { SMS_PROVIDER: 'outbox' } });
    const dispatcher = await system.login();
    for (const body of [{ from: 'not a phone', body: 'hi' }, { from: MEMBER }, { from: MEMBER, body: 'x'.repeat(1601) }, { from: [MEMBER], body: 'hi' }]) {
      const response = await dispatcher.post('/api/dev/sms', body);
      expect(response.statusCode).toBe(400);
      expect(response.body).not.toContain('0401');
    }
    expect(system.deps.db.select().from(inboundMessages).all()).toEqual([]);
    expect((await dispatcher.post('/api/dev/inbox', { phone: '12' })).statusCode).toBe(400);
    const anonymous = await system.app.inject({ method: 'POST', url: '/api/dev/sms', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ from: MEMBER, body: 'hi' }) });
    expect(anonymous.statusCode).toBe(401);
    await system.close();

    system = await startSystem();
    const real = await system.login();
    expect((await real.post('/api/dev/sms', { from: MEMBER, body: 'hi' })).statusCode).toBe(404);
    expect((await real.post('/api/dev/inbox', { phone: MEMBER })).statusCode).toBe(404);
    expect(system.twilio.sent).toEqual([]);
  });
});
