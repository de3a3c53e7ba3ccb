// Importing committee members from a CSV (issue 7, item 9): numbers encrypted on the way in, welcomes through the
// ledger, bad rows reported by line, never a number echoed back or logged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MISSION_ZIPS } from '../support/scenario.js';
import { type ApiClient, startSystem, type TestSystem } from '../support/system.js';

interface Member {
  phone: string;
  role: string;
  status: string;
  locale: string | null;
  zip: string | null;
  note: string | null;
  onDuty: boolean;
  id: string;
}

describe('members import', () => {
  let system: TestSystem;
  let dispatcher: ApiClient;

  beforeAll(async () => {
    system = await startSystem();
    dispatcher = await system.login();
  });
  afterAll(() => system?.close());

  const committee = async (name: string) => (await dispatcher.post('/api/committees', { name, area: MISSION_ZIPS })).json() as { id: string };
  const members = async (id: string) => (await dispatcher.get(`/api/committees/${id}/members`)).json() as Member[];
  const sentTo = (phone: string) => system.twilio.sent.filter((m) => m.to === phone);

  it('item 9: a CSV imports members, texts each a welcome in their language that says how to STOP, and reports bad rows by line', async () => {
    const { id } = await committee('Mission imports');
    const csv = [
      'phone,zip,role,note,language',
      '(415) 555-0701,94110,verifier,"Lives near 24th, call 415-555-0799",es',
      '415.555.0702,,,,',
      '415 555 0701,94110,,,', // the same person again: skipped
      'not a number,,,,',
      '4155550703,00000,,,',
      '4155550704,,boss,,',
      '',
      '+1 415 555 0705,94110,coordinator,,tl',
    ].join('\r\n');
    const response = await dispatcher.post(`/api/committees/${id}/members/import`, { csv });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      imported: 3,
      skipped: 1,
      errors: [
        { line: 5, error: 'phone: not a valid phone number' },
        { line: 6, error: 'zip: not a known 5-digit ZIP code' },
        { line: 7, error: 'role: must be one of responder, verifier, coordinator' },
      ],
    });
    expect(response.body).not.toMatch(/555.?07/);

    const listed = (await members(id)).sort((a, b) => a.phone.localeCompare(b.phone));
    expect(listed.map((m) => [m.phone, m.role, m.status, m.locale, m.zip])).toEqual([
      ['+1•••••••0701', 'verifier', 'active', 'es', '94110'],
      ['+1•••••••0702', 'responder', 'active', null, null],
      ['+1•••••••0705', 'coordinator', 'active', 'tl', '94110'],
    ]);
    expect(listed[0]?.note).toBe('Lives near 24th, call •••-•••-0799');

    await system.idle();
    const [es] = sentTo('+14155550701');
    const [en] = sentTo('+14155550702');
    const [tl] = sentTo('+14155550705');
    expect(es?.body).toMatch(/^Centinela: Le agregaron a Mission imports.*STOP o ALTO para salir\.$/);
    expect(en?.body).toMatch(/^Centinela: You were added to Mission imports.*STOP to opt out\.$/);
    expect(tl?.body).toMatch(/^Centinela: Idinagdag kayo sa Mission imports.*STOP para huminto\.$/);
    expect(sentTo('+14155550703')).toEqual([]);
    expect(sentTo('+14155550704')).toEqual([]);

    // Nothing stored or logged in plain text.
    const stored = system.deps.db.$client.prepare('select phone_enc, phone_mask from contacts').all() as Array<Record<string, string>>;
    expect(JSON.stringify(stored)).not.toMatch(/555070\d/);
    expect(system.logLines.join('\n')).not.toMatch(/555.?070\d/);

    const audit = (await (await system.login('admin')).get('/api/audit')).json() as Array<{ action: string; target: string; detail: unknown }>;
    expect(audit).toContainEqual(expect.objectContaining({ action: 'member.import', target: id, detail: { imported: 3, skipped: 0 + 1, errors: 3 } }));
  });

  it('item 9: importing again or into a second committee welcomes once per committee, and a stopped number is not texted', async () => {
    const first = await committee('Bernal');
    const second = await committee('Excelsior');
    await system.text('+14155550712', 'STOP');
    const csv = 'phone\n4155550711\n4155550712\n';
    expect((await dispatcher.post(`/api/committees/${first.id}/members/import`, { csv })).json()).toEqual({ imported: 2, skipped: 0, errors: [] });
    expect((await dispatcher.post(`/api/committees/${first.id}/members/import`, { csv })).json()).toEqual({ imported: 0, skipped: 2, errors: [] });
    expect((await dispatcher.post(`/api/committees/${second.id}/members/import`, { csv: 'phone\n4155550711' })).json()).toEqual({ imported: 1, skipped: 0, errors: [] });
    await system.idle();

    expect(sentTo('+14155550711').map((m) => m.body.slice(0, 39))).toEqual(['Centinela: You were added to Bernal, a ', 'Centinela: You were added to Excelsior,']);
    expect(sentTo('+14155550712').filter((m) => m.body.includes('You were added'))).toEqual([]);
    expect((await members(first.id)).map((m) => m.phone).sort()).toEqual(['+1•••••••0711', '+1•••••••0712']);
  });

  it('item 9: a list larger than 64 KB goes in; a file without a phone column, or no such committee, changes nothing', async () => {
    const { id } = await committee('Big list');
    const rows = Array.from({ length: 400 }, (_, i) => `415555${String(1000 + i).padStart(4, '0')},94110,responder,"${'a note long enough to make this list larger than the usual body limit. '.repeat(2)}",en`);
    const csv = ['phone,zip,role,note,language', ...rows].join('\n');
    expect(csv.length).toBeGreaterThan(64 * 1024);
    const big = await dispatcher.post(`/api/committees/${id}/members/import`, { csv });
    expect(big.statusCode).toBe(200);
    expect(big.json()).toMatchObject({ imported: 400, skipped: 0, errors: [] });

    const { id: other } = await committee('Empty');
    const noPhone = await dispatcher.post(`/api/committees/${other}/members/import`, { csv: 'number,zip\n4155550721,94110' });
    expect(noPhone.statusCode).toBe(400);
    expect(noPhone.json().error).toMatch(/"phone" column/);
    expect((await dispatcher.post('/api/committees/nope/members/import', { csv: 'phone\n4155550721' })).statusCode).toBe(404);
    expect((await dispatcher.post(`/api/committees/${other}/members/import`, { csv: 42 })).statusCode).toBe(400);
    expect(await members(other)).toEqual([]);
    await system.idle();
  });

  it("item 9: a ZIP list's cells are drawn before it is saved; bad ZIP codes are left out", async () => {
    const cells = await dispatcher.get('/api/zip-cells?zips=94110,abc,99999,94112');
    expect(cells.statusCode).toBe(200);
    expect((cells.json() as { cells: Array<{ zip: string }> }).cells.map((c) => c.zip).sort()).toEqual(['94110', '94112']);
    expect((await dispatcher.get('/api/zip-cells?zips=')).json()).toEqual({ cells: [] });
  });

  it('item 9: a member is approved, given a role and taken off duty', async () => {
    const { id } = await committee('Duty');
    const code = ((await dispatcher.get(`/api/committees/${id}`)).json() as { inviteCode: string }).inviteCode;
    await system.text('+14155550731', `JOIN ${code} 94110`);
    const [pending] = await members(id);
    expect(pending).toMatchObject({ status: 'pending', onDuty: true });
    const patched = await dispatcher.patch(`/api/members/${pending?.id}`, { status: 'active', role: 'verifier', onDuty: false });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ status: 'active', role: 'verifier', onDuty: false });
    expect(await members(id)).toEqual([expect.objectContaining({ status: 'active', role: 'verifier', onDuty: false })]);
  });
});
