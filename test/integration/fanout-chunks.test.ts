// The alert fan-out writes and queues the nearest members first, then the rest in chunks. A fan-out whose later
// chunk cannot be written (a real SQLite error, raised by a trigger) has already sent the nearest members their
// alerts, is retried, and ends with every member alerted exactly once.
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/client.js';
import { zipCentroid } from '../../src/geo/zips.js';
import { messageIdsOf, QUEUES } from '../../src/queue/names.js';
import { FIRST_CHUNK, LATER_CHUNK, runBroadcast } from '../../src/services/broadcast.js';
import { MISSION_ZIPS, reportIncident } from '../support/scenario.js';
import { type ApiClient, startSystem, type TestSystem } from '../support/system.js';

// More than the first chunk and one later chunk: three transactions.
const MEMBERS = FIRST_CHUNK + LATER_CHUNK + 50;
const reporter = '+14155550299';
const phoneOf = (i: number) => `+1415${String(3_000_000 + i)}`;

describe('alert fan-out in chunks, nearest first', () => {
  let system: TestSystem;
  let dispatcher: ApiClient;

  beforeEach(async () => {
    // Attempts to spare: the fan-out job fails while the trigger is in place and must not give up meanwhile.
    system = await startSystem({ env: { SMS_SEND_ATTEMPTS: '12' } });
    dispatcher = await system.login();
    const response = await dispatcher.post('/api/committees', { name: 'Mission', area: MISSION_ZIPS, autoApprove: true });
    expect(response.statusCode).toBe(201);
    const committeeId = (response.json() as { id: string }).id;
    const center = zipCentroid('94110')!;
    const now = Date.now();
    // Member i lives (i + 1) × ~11 m north of the incident; written in a shuffled order so that the ledger's order
    // can only come from the distances.
    const order = Array.from({ length: MEMBERS }, (_, i) => (i * 7919) % MEMBERS);
    inTransaction(system.deps.db, () => {
      for (const i of order) {
        const { contact } = system.deps.repos.contacts.findOrCreate(phoneOf(i), now, true);
        const lat = center.lat + (i + 1) * 0.0001;
        system.deps.repos.committees.addMember({ committeeId, contactId: contact.id, status: 'active', zip: '94110', lat, lng: center.lng, note: null }, now);
      }
    });
  });
  afterEach(() => system?.close());

  it('item 4: a fan-out interrupted after its first chunk alerts the nearest at once and, retried, every member exactly once', async () => {
    const { deps } = system;
    const id = await reportIncident(system, dispatcher, reporter, 'raid at the bakery 94110');
    const raw = deps.db.$client;
    // A real write failure for every alert row past the first chunk, until the trigger is dropped.
    raw.exec(`CREATE TRIGGER fail_later_chunks BEFORE INSERT ON outgoing_messages
      WHEN NEW.kind = 'alert' AND (SELECT count(*) FROM outgoing_messages WHERE kind = 'alert' AND incident_id = NEW.incident_id) >= ${FIRST_CHUNK}
      BEGIN SELECT RAISE(ABORT, 'no room for more rows'); END`);
    const alerts = system.workers!.all.find((worker) => worker.name === QUEUES.alerts)!;
    const failed = once(alerts, 'failed');
    let atFailure: { rows: string[]; plannedAt: number | null; replanned: boolean } | null = null;
    alerts.once('failed', () => {
      // Synchronously, before the retry: what the interrupted attempt left behind.
      atFailure = {
        rows: deps.repos.messages.ofIncident(id).filter((row) => row.kind === 'alert').map((row) => row.contactId),
        plannedAt: deps.repos.incidents.get(id)!.alertPlannedAt,
        replanned: deps.repos.incidents.confirmedWithoutPlan().some((incident) => incident.id === id),
      };
    });

    expect((await dispatcher.post(`/api/incidents/${id}/confirm`, {})).statusCode).toBe(202);
    const [, error] = (await failed) as [unknown, Error];
    expect(error.message).toContain('no room for more rows');
    // The nearest members get their alerts while the rest of the plan cannot be written.
    const first = await system.twilio.waitForSent(FIRST_CHUNK);
    const nearest = Array.from({ length: FIRST_CHUNK }, (_, i) => phoneOf(i));
    expect(first.map((m) => m.to).sort()).toEqual([...nearest].sort());
    expect(atFailure).not.toBeNull();
    const interrupted = atFailure!;
    expect(interrupted.rows).toHaveLength(FIRST_CHUNK);
    // The plan is not complete, so the reconciler would queue the fan-out again if its job were lost.
    expect(interrupted.plannedAt).toBeNull();
    expect(interrupted.replanned).toBe(true);

    raw.exec('DROP TRIGGER fail_later_chunks');
    await system.twilio.waitForSent(MEMBERS, 20_000);
    await system.idle(20_000);
    const everyone = Array.from({ length: MEMBERS }, (_, i) => phoneOf(i)).sort();
    expect(system.twilio.sent.map((m) => m.to).sort()).toEqual(everyone);
    const rows = deps.repos.messages.ofIncident(id).filter((row) => row.kind === 'alert');
    expect(rows).toHaveLength(MEMBERS);
    expect(rows.every((row) => row.status === 'sent')).toBe(true);
    expect(deps.repos.incidents.get(id)!.alertPlannedAt).not.toBeNull();
    expect(deps.repos.incidents.confirmedWithoutPlan().map((incident) => incident.id)).not.toContain(id);

    // The same job once more (a duplicate delivery): nothing new is written or sent.
    expect(await runBroadcast(deps, { incidentId: id, kind: 'alert' })).toBe(0);
    await system.idle();
    expect(system.twilio.sent).toHaveLength(MEMBERS);
    expect(deps.repos.messages.ofIncident(id).filter((row) => row.kind === 'alert')).toHaveLength(MEMBERS);
  });

  it('item 4: two runs of the fan-out job side by side write each member once and queue every row', async () => {
    const { deps } = system;
    const id = await reportIncident(system, dispatcher, reporter, 'raid at the bakery 94110');
    // The workers stop: the confirm queues the job, and the two runs are driven here.
    await system.workers?.close();
    expect((await dispatcher.post(`/api/incidents/${id}/confirm`, {})).statusCode).toBe(202);
    const [a, b] = await Promise.all([runBroadcast(deps, { incidentId: id, kind: 'alert' }), runBroadcast(deps, { incidentId: id, kind: 'alert' })]);
    const rows = deps.repos.messages.ofIncident(id).filter((row) => row.kind === 'alert');
    expect(rows).toHaveLength(MEMBERS);
    expect(new Set(rows.map((row) => row.contactId)).size).toBe(MEMBERS);
    // Every row is in a queued send job.
    expect(a + b).toBeGreaterThanOrEqual(MEMBERS);
    const jobs = await deps.queues.send.getJobs(['prioritized', 'waiting']);
    const queued = new Set(jobs.flatMap((job) => messageIdsOf(job.data)));
    expect([...queued].sort()).toEqual(rows.map((row) => row.id).sort());
  });
});
