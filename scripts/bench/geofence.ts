// Geofence + ordering bench: who an alert goes to when 100,000 members sit in committees of each area type (ZIP
// list, circle, polygon) that all cover the incident, some members in two committees. Times alertAudience (covering
// committees, the members' SQL read, one per person, nearest first, per-committee counts), and its parts alone:
// the covering committees (the geofence proper), the members' read, planRecipients; and states the memory it takes.
//
//   NODE_OPTIONS=--expose-gc tsx scripts/bench/geofence.ts [--members 100000] [--rounds 5] [--db-dir /dev/shm]
//
// No workers and no sends: this is the part of a fan-out that runs before its first ledger row is written.
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/config.js';
import { inTransaction } from '../../src/db/client.js';
import { createDeps, type Deps } from '../../src/deps.js';
import { incidentCode, inviteCode } from '../../src/domain/codes.js';
import { planRecipients } from '../../src/domain/recipients.js';
import type { Area } from '../../src/domain/types.js';
import { zipCentroid } from '../../src/geo/zips.js';
import { createLogger } from '../../src/log.js';
import { alertAudience, coveringCommittees } from '../../src/services/broadcast.js';
import { benchDir, benchEnv, deleteKeys, fixed, machineBusy, numberFlag, percent, percentile, printTable, seededRandom } from './support.js';

const INCIDENT_ZIP = '94110';
const TARGET_MS = 1000; // geofence + ordering of 100,000 members

async function main(): Promise<void> {
  const count = numberFlag('members', 100_000);
  const rounds = numberFlag('rounds', 5);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) console.log('(run with NODE_OPTIONS=--expose-gc for heap figures after a collection)');
  console.log(`geofence: ${count} members (machine ${percent(await machineBusy())} busy before) …`);
  const dir = benchDir();
  // A bad --env or setting must not leave the temp directory behind.
  // (Nothing is sent here.)
  const config = withDir(dir, () => loadConfig({ ...benchEnv(dir), SMS_PROVIDER: 'outbox', LOG_LEVEL: 'warn' }));
  const deps = createDeps(config, createLogger(config.logLevel));
  try {
    const seedStart = performance.now();
    const incident = seed(deps, count);
    console.log(`seeded in ${fixed((performance.now() - seedStart) / 1000)} s`);

    gc?.();
    const base = process.memoryUsage();
    let peakHeap = base.heapUsed;
    let peakRss = base.rss;
    const sample = () => {
      const now = process.memoryUsage();
      peakHeap = Math.max(peakHeap, now.heapUsed);
      peakRss = Math.max(peakRss, now.rss);
    };
    const audienceMs: number[] = [];
    const orderingMs: number[] = [];
    const readMs: number[] = [];
    const coverMs: number[] = [];
    let recipients = 0;
    let committees = '';
    let kept: unknown = null;
    for (let round = 0; round < rounds; round++) {
      const start = performance.now();
      const audience = alertAudience(deps, incident);
      // Asked for inside the timing: alertAudience reads the members only when they are first asked for.
      recipients = audience.recipients.length;
      committees = audience.committees.map((c) => `${c.name} ${c.recipients}`).join(', ');
      audienceMs.push(performance.now() - start);
      sample();
      kept = audience;
      // The pure part alone, on the rows the SQL read returns.
      const coverStart = performance.now();
      coveringCommittees(deps, incident);
      coverMs.push(performance.now() - coverStart);
      const readStart = performance.now();
      const candidates = deps.repos.committees.reachableMembers(audience.committees.map((c) => c.id));
      readMs.push(performance.now() - readStart);
      const orderStart = performance.now();
      planRecipients(candidates, incident, new Set());
      orderingMs.push(performance.now() - orderStart);
      sample();
    }
    // What one audience holds while the fan-out writes its chunks.
    gc?.();
    const held = process.memoryUsage().heapUsed - base.heapUsed;
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const mb = (bytes: number) => fixed(bytes / 1024 / 1024, 1);
    const median = percentile(sorted(audienceMs), 50);
    printTable([
      {
        members: count,
        recipients,
        committees,
        rounds,
        'alertAudience ms (each)': audienceMs.map((ms) => fixed(ms, 0)).join(', '),
        'median ms': fixed(median, 0),
        'covering committees ms (median)': fixed(percentile(sorted(coverMs), 50), 1),
        'members read ms (median)': fixed(percentile(sorted(readMs), 50), 0),
        'planRecipients ms (median)': fixed(percentile(sorted(orderingMs), 50), 0),
        'heap before MB': mb(base.heapUsed),
        'heap peak +MB': mb(peakHeap - base.heapUsed),
        'audience held MB': gc ? mb(held) : 'n/a',
        'rss peak MB': mb(peakRss),
        target: count === 100_000 ? (median < TARGET_MS ? 'met' : 'MISSED') : `(100,000 members)`,
      },
    ]);
    void kept;
  } finally {
    await deps.close();
    await deleteKeys(config.redisUrl, config.queuePrefix);
    rmSync(dir, { recursive: true, force: true });
  }
}

function withDir<T>(dir: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Three committees covering the incident, one of each area type; members spread over ~8 km around it, every tenth
 * also in a second committee (one alert each all the same), a third reading Spanish.
 */
function seed(deps: Deps, count: number): Parameters<typeof alertAudience>[1] {
  const center = zipCentroid(INCIDENT_ZIP);
  if (!center) throw new Error(`ZIP ${INCIDENT_ZIP} is not in the gazetteer`);
  const now = Date.now();
  const random = seededRandom(7);
  const d = 0.1;
  const areas: Array<[string, Area]> = [
    ['ZIPs', { type: 'zips', zips: [INCIDENT_ZIP, '94103', '94107', '94112', '94114', '94124', '94131'] }],
    ['Circle', { type: 'circle', center, radiusMeters: 12_000 }],
    [
      'Polygon',
      {
        type: 'polygon',
        geojson: {
          type: 'Polygon',
          coordinates: [
            [
              [center.lng - d, center.lat - d],
              [center.lng + d, center.lat - d],
              [center.lng + d, center.lat + d],
              [center.lng - d, center.lat + d],
              [center.lng - d, center.lat - d],
            ],
          ],
        },
      },
    ],
  ];
  return inTransaction(deps.db, () => {
    const { repos } = deps;
    const committees = areas.map(([name, area]) => repos.committees.create({ name, area, inviteCode: inviteCode(), autoApprove: true }, now));
    for (let i = 0; i < count; i++) {
      const { contact } = repos.contacts.findOrCreate(`+1415${String(2_000_000 + i)}`, now, true);
      if (i % 3 === 0) repos.contacts.setLocale(contact.id, 'es', true);
      const lat = center.lat + (random() - 0.5) * 0.15;
      const lng = center.lng + (random() - 0.5) * 0.15;
      const homes = i % 10 === 0 ? [i % 3, (i + 1) % 3] : [i % 3];
      for (const home of homes) {
        repos.committees.addMember({ committeeId: committees[home]!.id, contactId: contact.id, status: 'active', zip: INCIDENT_ZIP, lat, lng, note: null }, now);
      }
    }
    const incident = repos.incidents.insert(
      {
        code: incidentCode(),
        status: 'confirmed',
        kind: 'worksite',
        lat: center.lat,
        lng: center.lng,
        label: `ZIP ${INCIDENT_ZIP}`,
        precision: 'zip',
        zip: INCIDENT_ZIP,
        firstReportedAt: now,
        lastReportedAt: now,
      },
      now,
    );
    return { ...incident, lat: center.lat, lng: center.lng };
  });
}

await main();
