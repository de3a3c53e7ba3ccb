// The tests' own map as a running system sees it: the OSM extract of test/fixtures/geo/city.ts imported into a street
// index file once per test process, handed to a system through STREETS_FILE.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importOsm } from '../../src/geo/osm-import.js';
import { writeStreetIndexFile } from '../../src/geo/street-index.js';
import { osmXml } from '../fixtures/geo/city.js';

let streetsFile: Promise<string> | undefined;

/** The path of the fixture's street index (imported on first use, then shared: systems only read it). */
export function fixtureStreetsFile(): Promise<string> {
  streetsFile ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'centinela-streets-'));
    const extract = join(dir, 'city.osm');
    writeFileSync(extract, osmXml());
    const path = join(dir, 'streets.json.gz');
    writeStreetIndexFile(path, await importOsm(extract));
    return path;
  })();
  return streetsFile;
}

/** Environment for startSystem: the fixture's streets. */
export async function fixtureStreetsEnv(): Promise<Record<string, string>> {
  return { STREETS_FILE: await fixtureStreetsFile() };
}
