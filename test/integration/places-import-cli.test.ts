// `npm run places:import -- file` as an operator runs it: a real child process on a real SQLite file (issue 8, item 11).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { applyMigrations } from '../../src/db/migrate.js';
import { createPlacesRepository, type PlaceRow } from '../../src/db/repositories/places.js';
import { PLACES } from '../fixtures/geo/city.js';
import { runEntry } from '../support/processes.js';

describe('npm run places:import', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'centinela-places-'));
    const key = () => randomBytes(32).toString('base64');
    env = { DATABASE_PATH: join(dir, 'centinela.db'), LOG_LEVEL: 'silent', DATA_KEY: key(), HASH_KEY: key(), SESSION_SECRET: key() };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (args: string[]) => {
    const child = runEntry('scripts/places-import.ts', { cwd: dir, env, args });
    return { code: await child.exited, output: child.lines.join('\n') };
  };
  /** What the database holds, read the way the server reads it. */
  const stored = (): { places: PlaceRow[]; audit: unknown[] } => {
    const db = openDatabase(env['DATABASE_PATH']!);
    applyMigrations(db);
    const places = createPlacesRepository(db).list();
    const audit = db.$client.prepare("select action, actor_user_id as actor, detail from audit_log where action like 'place.%'").all();
    db.$client.close();
    return { places, audit };
  };
  const write = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('item 11: imports a CSV file, prints the counts, and a second run with changes updates by name', async () => {
    const rows = PLACES.map((p) => [`"${p.name.replace(/"/g, '""')}"`, `"${p.aliases.join(' | ')}"`, p.lat, p.lng, p.kind].join(','));
    const file = write('places.csv', `name,aliases,lat,lng,kind\n${rows.join('\n')}\n`);
    const first = await run([file]);
    expect(first, first.output).toEqual({ code: 0, output: `imported places.csv: ${PLACES.length} new, 0 updated, 0 unchanged` });
    const { places, audit } = stored();
    expect(places).toHaveLength(PLACES.length);
    expect(places.find((p) => p.name === 'Immigration Court 100 Montgomery')).toMatchObject({
      aliases: ['immigration court', 'la corte de inmigración', 'corte de inmigracion', '100 Montgomery'],
      lat: 37.7904,
      lng: -122.4024,
      kind: 'court',
    });
    expect(audit).toEqual([{ action: 'place.import', actor: null, detail: JSON.stringify({ format: 'csv', file: 'places.csv', created: PLACES.length, updated: 0, unchanged: 0 }) }]);

    // A GeoJSON file: the Home Depot moved and changed its aliases, one new place.
    const geojson = write(
      'more.geojson',
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', geometry: { type: 'Point', coordinates: [-122.4086, 37.7485] }, properties: { name: 'home depot cesar chavez', aliases: ['Home Depot'], kind: 'worksite' } },
          { type: 'Feature', geometry: { type: 'Point', coordinates: [-122.4005, 37.7925] }, properties: { name: 'Federal Building', kind: 'court' } },
        ],
      }),
    );
    const second = await run([geojson]);
    expect(second).toEqual({ code: 0, output: 'imported more.geojson: 1 new, 1 updated, 0 unchanged' });
    const after = stored().places;
    expect(after).toHaveLength(PLACES.length + 1);
    expect(after.find((p) => p.name === 'home depot cesar chavez')).toMatchObject({ lat: 37.7485, lng: -122.4086, aliases: ['Home Depot'] });
  }, 60_000);

  it('item 11: a file with bad rows lists each by line, exits 1 and imports nothing', async () => {
    const file = write('bad.csv', ['name,aliases,lat,lng,kind', 'Fine Place,,37.75,-122.41,', 'No Longitude,,37.75,,', 'Far North,,123,-122.41,school', 'Fine Place,,37.76,-122.42,'].join('\n'));
    const bad = await run([file]);
    expect(bad.code).toBe(1);
    expect(bad.output).toBe(
      [
        'places:import: bad.csv: 3 bad row(s), nothing was imported:',
        '  line 3: lng: is missing',
        '  line 4: lat: must be a latitude between -90 and 90',
        '  line 5: name: the same place as line 2',
      ].join('\n'),
    );
    expect(stored()).toEqual({ places: [], audit: [] });

    const unreadable = await run([write('notes.csv', 'title,notes\nsomething,else\n')]);
    expect(unreadable).toEqual({ code: 1, output: 'places:import: notes.csv: the first line must name the columns: name, aliases, lat, lng, kind (no "name" column)' });
    const missing = await run([join(dir, 'nowhere.csv')]);
    expect(missing).toEqual({ code: 1, output: `places:import: cannot read ${join(dir, 'nowhere.csv')}: ENOENT` });
    const none = await run([]);
    expect(none).toEqual({ code: 1, output: 'places:import: give one file: npm run places:import -- places.csv (or places.geojson)' });
    expect(stored()).toEqual({ places: [], audit: [] });
  }, 60_000);
});
