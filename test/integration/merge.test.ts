// Merge and split (issue 9 item 6): two incidents that are one raid become one, and the members of both hear what
// they need exactly once; a report that is another raid leaves for an incident of its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { committeeWithMembers, reportIncident } from '../support/scenario.js';
import { type ApiClient, startSystem, TestClock, type TestSystem } from '../support/system.js';

// Mission (94110): ONLY_A and BOTH. SoMa (94103): BOTH and ONLY_B. BOTH is one person in both committees.
const ONLY_A = '+14155550801';
const BOTH = '+14155550802';
const ONLY_B = '+14155550803';

interface Detail {
  id: string;
  code: string;
  status: string;
  mergedIntoId: string | null;
  reports: Array<{ id: string; text: string }>;
  responses: Array<{ answer: string }>;
  approvals: Array<{ by: string }>;
  location: { label: string } | null;
}

describe('merge and split', () => {
  const clock = new TestClock();
  let system: TestSystem;
  let ana: ApiClient;
  let ben: ApiClient;
  let reporter = 0;

  beforeAll(async () => {
    system = await startSystem({ clock });
    ana = await system.login('dispatcher', 'ana@example.org');
    ben = await system.login('dispatcher', 'ben@example.org');
    await committeeWithMembers(system, ana, { name: 'Mission', area: { type: 'zips', zips: ['94110'] } }, [ONLY_A, BOTH], '94110');
    await committeeWithMembers(system, ana, { name: 'SoMa', area: { type: 'zips', zips: ['94103'] } }, [BOTH, ONLY_B], '94103');
    await system.idle();
  });
  afterAll(() => system?.close());

  const sent = (since: number, phone: string) => system.twilio.sent.slice(since).filter((m) => m.to === phone).map((m) => m.body);
  const detail = async (id: string) => (await ana.get(`/api/incidents/${id}`)).json() as Detail;
  const report = (zip: string, words = 'raid at the bakery') => reportIncident(system, ana, `+1415555${8100 + reporter++}`, `${words} ${zip}`);
  const release = async (id: string, by: ApiClient, recipients: number) => {
    const before = system.twilio.sent.length;
    expect((await by.post(`/api/incidents/${id}/confirm`, {})).statusCode).toBe(202);
    await system.twilio.waitForSent(before + recipients);
    await system.idle();
  };

  it('item 6: merge moves reports, approvals and replies; members alerted twice hear nothing, the others are told it is the same raid; later updates and the all clear reach both audiences once', async () => {
    clock.advance(31 * 60_000);
    const a = await report('94110');
    const b = await report('94103');
    expect(a).not.toBe(b);
    await release(a, ana, 2);
    await release(b, ben, 2);
    const [codeA, codeB] = [(await detail(a)).code, (await detail(b)).code];
    expect(await system.text(ONLY_B, `1 ${codeB}`)).toMatch(/going/);

    const before = system.twilio.sent.length;
    const merged = await ana.post(`/api/incidents/${codeB}/merge`, { into: codeA });
    expect(merged.statusCode).toBe(200);
    expect(merged.json()).toMatchObject({ id: a, status: 'confirmed', reportCount: 2 });
    await system.twilio.waitForSent(before + 1);
    await system.idle();
    expect(sent(before, ONLY_B)).toEqual([`UPDATE ${codeB}: same raid as ${codeA}. Updates and the all clear will come as ${codeA}.`]);
    expect(sent(before, BOTH)).toEqual([]);
    expect(sent(before, ONLY_A)).toEqual([]);

    const into = await detail(a);
    expect(into.reports).toHaveLength(2);
    expect(into.approvals.map((x) => x.by).sort()).toEqual(['ana@example.org', 'ben@example.org']);
    expect(into.responses).toEqual([expect.objectContaining({ answer: 'going' })]);
    const gone = await detail(b);
    expect(gone).toMatchObject({ mergedIntoId: a, reports: [], responses: [] });
    // The merged one leaves the board, and answers for itself no more.
    const board = (await ana.get('/api/incidents?limit=1000')).json() as Array<{ id: string }>;
    expect(board.map((i) => i.id)).not.toContain(b);
    expect((await ana.post(`/api/incidents/${b}/messages`, { text: 'hello' })).json().error).toMatch(new RegExp(`merged into ${codeA}`));

    const beforeUpdate = system.twilio.sent.length;
    expect((await ana.post(`/api/incidents/${a}/messages`, { text: 'Agents left.' })).json()).toMatchObject({ recipients: 3 });
    expect((await ana.post(`/api/incidents/${a}/resolve`, {})).statusCode).toBe(200);
    await system.twilio.waitForSent(beforeUpdate + 6);
    await system.idle();
    for (const phone of [ONLY_A, BOTH, ONLY_B]) {
      expect(sent(beforeUpdate, phone)).toEqual([`UPDATE ${codeA}: Agents left.`, expect.stringMatching(new RegExp(`^ALL CLEAR ${codeA}: `))]);
    }
  });

  it('item 6: merging a confirmed incident into an unconfirmed one keeps "confirmed" and alerts nobody again', async () => {
    clock.advance(31 * 60_000);
    const confirmed = await report('94110');
    const fresh = await report('94103');
    await release(confirmed, ana, 2);
    const before = system.twilio.sent.length;
    const merged = await ana.post(`/api/incidents/${confirmed}/merge`, { into: fresh });
    expect(merged.json()).toMatchObject({ id: fresh, status: 'confirmed' });
    await system.twilio.waitForSent(before + 2);
    await system.idle();
    // The two alerted are told it is the same raid; no alert goes out under the code that was never released.
    const codes = [(await detail(confirmed)).code, (await detail(fresh)).code];
    for (const phone of [ONLY_A, BOTH]) expect(sent(before, phone)).toEqual([`UPDATE ${codes[0]}: same raid as ${codes[1]}. Updates and the all clear will come as ${codes[1]}.`]);
    expect(sent(before, ONLY_B)).toEqual([]);
    expect(system.deps.repos.messages.ofIncident(fresh).filter((m) => m.kind === 'alert')).toEqual([]);
    // Its audience is the merged one's: an update reaches the two alerted.
    expect((await ana.post(`/api/incidents/${fresh}/messages`, { text: 'Still there.' })).json()).toMatchObject({ recipients: 2 });
    await system.idle();
  });

  it('item 6: merge refuses itself (400), an unknown target (400) and an incident already merged (409)', async () => {
    clock.advance(31 * 60_000);
    const one = await report('94110');
    const two = await report('94103');
    expect((await ana.post(`/api/incidents/${one}/merge`, { into: one })).statusCode).toBe(400);
    expect((await ana.post(`/api/incidents/${one}/merge`, { into: 'ZZZZ9' })).statusCode).toBe(400);
    expect((await ana.post(`/api/incidents/${one}/merge`, { into: two })).statusCode).toBe(200);
    expect((await ana.post(`/api/incidents/${one}/merge`, { into: two })).statusCode).toBe(409);
    expect((await detail(two)).status).toBe('new');
  });

  it('item 6: split moves a report into a new incident at its own place, unconfirmed; the last report cannot leave', async () => {
    clock.advance(31 * 60_000);
    const id = await report('94110');
    const second = await reportIncident(system, ana, `+1415555${8100 + reporter++}`, 'ICE vans at the school 94110');
    expect(second).toBe(id);
    await release(id, ana, 2);
    const before = await detail(id);
    expect(before.reports).toHaveLength(2);
    const moving = before.reports.find((r) => r.text.includes('school'));

    const split = await ana.post(`/api/reports/${moving?.id}/split`, {});
    expect(split.statusCode).toBe(201);
    const created = split.json() as { id: string; code: string; status: string; reportCount: number; location: { label: string } | null };
    expect(created).toMatchObject({ status: 'new', reportCount: 1, location: { label: 'ZIP 94110' } });
    expect(created.id).not.toBe(id);
    const after = await detail(id);
    expect(after).toMatchObject({ status: 'confirmed' });
    expect(after.reports.map((r) => r.id)).not.toContain(moving?.id);
    expect((await detail(created.id)).reports.map((r) => r.id)).toEqual([moving?.id]);

    // The new incident's only report cannot leave it.
    expect((await ana.post(`/api/reports/${moving?.id}/split`, {})).statusCode).toBe(409);
    expect((await ana.post('/api/reports/nope/split', {})).statusCode).toBe(404);
  });
});

describe('split, with a verifier on duty', () => {
  const clock = new TestClock();
  let system: TestSystem;
  let ana: ApiClient;
  const VERIFIER = '+14155550811';
  const RESPONDER = '+14155550812';
  let reporter = 0;

  beforeAll(async () => {
    system = await startSystem({ clock });
    ana = await system.login('dispatcher', 'ana@example.org');
    const committee = await committeeWithMembers(system, ana, { name: 'Mission', area: { type: 'zips', zips: ['94110'] } }, [VERIFIER, RESPONDER], '94110');
    const members = (await ana.get(`/api/committees/${committee.id}/members`)).json() as Array<{ id: string; phone: string }>;
    const verifier = members.find((m) => m.phone.endsWith(VERIFIER.slice(-4)));
    expect((await ana.patch(`/api/members/${verifier?.id}`, { role: 'verifier' })).statusCode).toBe(200);
    await system.idle();
  });
  afterAll(() => system?.close());

  const verifyRequests = (code: string) => system.twilio.sent.filter((m) => m.body.startsWith(`VERIFY ${code}:`)).map((m) => m.to);
  /** An incident of two reports 94110 (the second joins the first); returns it and the report about the school. */
  const twoReports = async () => {
    clock.advance(31 * 60_000);
    const id = await reportIncident(system, ana, `+1415555${8200 + reporter++}`, 'raid at the bakery 94110');
    expect(await reportIncident(system, ana, `+1415555${8200 + reporter++}`, 'ICE vans at the school 94110')).toBe(id);
    const { reports } = (await ana.get(`/api/incidents/${id}`)).json() as Detail;
    return { id, school: reports.find((r) => r.text.includes('school'))?.id };
  };

  it('item 6: a report split off into a new located incident is sent to the nearest on-duty verifiers like any new incident', async () => {
    const { school } = await twoReports();
    const split = await ana.post(`/api/reports/${school}/split`, {});
    expect(split.statusCode).toBe(201);
    const created = split.json() as { id: string; code: string; status: string };
    await system.idle();
    expect(verifyRequests(created.code)).toEqual([VERIFIER]);
    expect(created.status).toBe('verifying');
    const timeline = ((await ana.get(`/api/incidents/${created.id}`)).json() as { timeline: Array<{ type: string }> }).timeline.map((e) => e.type);
    expect(timeline).toContain('verify_asked');
    // Nobody else hears of it before it is confirmed.
    expect(system.twilio.sent.filter((m) => m.to === RESPONDER && m.body.includes(created.code))).toEqual([]);
  });

  it('item 6: a drill and a real incident cannot be merged, either way: the real reports stay where responders see them', async () => {
    const { id } = await twoReports();
    const drill = (await ana.post('/api/drills', { location: { lat: 37.7599, lng: -122.4148, label: 'Drill at the bakery' }, kind: 'worksite' })).json() as { id: string; code: string };
    for (const [from, into] of [
      [id, drill.id],
      [drill.id, id],
    ]) {
      const answer = await ana.post(`/api/incidents/${from}/merge`, { into });
      expect(answer.statusCode).toBe(409);
      expect(answer.json().error).toContain(`${drill.code} is a drill`);
    }
    const real = (await ana.get(`/api/incidents/${id}`)).json() as { mergedIntoId: string | null; reports: unknown[] };
    expect(real.reports).toHaveLength(2);
    expect(verifyRequests(drill.code)).toEqual([]);
  });
});
