// `npm run streets:import -- extract.osm` (issue 8, item 2) run as operators run it: a child process, the real config.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distanceMeters } from '../../src/geo/distance.js';
import { parseStreetName } from '../../src/geo/names.js';
import { importOsm } from '../../src/geo/osm-import.js';
import { readStreetIndexFile } from '../../src/geo/street-index.js';
import { crossing, osmXml, streetNamed } from '../fixtures/geo/city.js';
import { runEntry } from '../support/processes.js';

describe('streets:import', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'centinela-streets-import-'));
    writeFileSync(join(dir, 'city.osm'), osmXml());
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('item 2: imports an extract into <data folder>/streets.json.gz and prints what it found, how long it took and the memory it needed', async () => {
    const run = runEntry('scripts/streets-import.ts', { cwd: dir, env: { DATABASE_PATH: join(dir, 'data', 'centinela.db') }, args: ['city.osm'] });
    expect(await run.exited, run.lines.join('\n')).toBe(0);
    const data = await importOsm(join(dir, 'city.osm'));
    const file = join(dir, 'data', 'streets.json.gz');
    expect(run.lines[0]).toMatch(/^imported city\.osm in \d+\.\d s, peak memory \d+ MB$/);
    expect(run.lines[1]).toBe(
      `streets ${data.streets.length}, intersections ${data.intersections.length}, addresses ${data.addresses.length}, ` +
        `address ranges ${data.ranges.length}, areas ${data.areas.length}`,
    );
    expect(run.lines[2]).toMatch(new RegExp(`^wrote ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+ kB\\); restart the app to use it$`));
    expect(data.streets.length).toBeGreaterThan(40);

    const index = readStreetIndexFile(file);
    const corner = crossing(streetNamed('Mission Street', [37.75, -122.42])!, streetNamed('24th Street')!)!;
    const found = index?.intersection(parseStreetName('Mission'), parseStreetName('24th St'));
    expect(found?.name).toBe('Mission St & 24th St');
    expect(distanceMeters(found!, { lat: corner[0], lng: corner[1] })).toBeLessThan(30);
  });

  it('item 2: a garbage, missing or cut-short file exits 1 with one line saying why, and the old index stays', async () => {
    const streetsFile = join(dir, 'streets-kept.json.gz');
    const env = { DATABASE_PATH: join(dir, 'data', 'centinela.db'), STREETS_FILE: streetsFile };
    const first = runEntry('scripts/streets-import.ts', { cwd: dir, env, args: ['city.osm'] });
    expect(await first.exited).toBe(0);
    const before = readFileSync(streetsFile);

    writeFileSync(join(dir, 'garbage.osm.pbf'), 'PK\u0003\u0004 not a map at all\n'.repeat(100));
    writeFileSync(join(dir, 'cut.osm'), osmXml().slice(0, 30_000));
    writeFileSync(join(dir, 'empty.osm'), '<?xml version="1.0"?>\n<osm version="0.6">\n</osm>\n');
    const cases: Array<[string[], RegExp]> = [
      [['garbage.osm.pbf'], /^streets:import: garbage\.osm\.pbf: not an OpenStreetMap extract/],
      [['missing.osm.pbf'], /^streets:import: missing\.osm\.pbf: no such file$/],
      [['cut.osm'], /^streets:import: cut\.osm: the XML ends before <\/osm>/],
      [['empty.osm'], /^streets:import: empty\.osm: no named streets in it/],
      [[], /^streets:import: give one OpenStreetMap extract/],
    ];
    for (const [args, message] of cases) {
      const run = runEntry('scripts/streets-import.ts', { cwd: dir, env, args });
      expect(await run.exited, args.join(' ')).toBe(1);
      expect(run.lines, args.join(' ')).toEqual([expect.stringMatching(message)]);
    }
    expect(readFileSync(streetsFile).equals(before)).toBe(true);
  });
});
