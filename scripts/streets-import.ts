// npm run streets:import -- area.osm.pbf   (or an .osm XML extract; --out FILE writes elsewhere than STREETS_FILE)
// Builds the offline street index (intersections, addresses, neighbourhoods and cities) from an OpenStreetMap
// extract of the network's area, e.g. a city extract from download.geofabrik.de or extract.bbbike.org, and replaces
// STREETS_FILE whole. Restart the app to use it.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { statSync } from 'node:fs';
import { checkOsmFile, importOsm, OsmFileError } from '../src/geo/osm-import.js';
import { writeStreetIndexFile } from '../src/geo/street-index.js';
import { ConfigError, loadConfig } from '../src/config.js';

function fail(message: string): never {
  process.stderr.write(`streets:import: ${message}\n`);
  process.exit(1);
}

function readArgs() {
  try {
    return parseArgs({ options: { out: { type: 'string' } }, allowPositionals: true, strict: true });
  } catch (error) {
    return fail((error as Error).message);
  }
}

const { values, positionals } = readArgs();
const [file] = positionals;
if (!file || positionals.length > 1) fail('give one OpenStreetMap extract: npm run streets:import -- area.osm.pbf (or area.osm)');
const out = values.out ? resolve(values.out) : streetsFile();

/** STREETS_FILE, without loading the app (the import needs nothing else from it). */
function streetsFile(): string {
  try {
    return loadConfig().streetsFile;
  } catch (error) {
    if (error instanceof ConfigError) fail(`configuration error: ${error.message}`);
    throw error;
  }
}

// osm-read throws from its own I/O callbacks on some damaged PBF files; that is the file's fault, not a crash to debug.
process.on('uncaughtException', (error) => fail(`${file}: not a readable OpenStreetMap file (${error.message})`));

const started = performance.now();
let data;
try {
  // osm-read reads an XML file whole, twice: fine for a town, slow for a city (docs/BENCHMARKS.md).
  if (checkOsmFile(file) === 'xml' && statSync(file).size > 50 * 1024 * 1024) {
    process.stdout.write(`${file} is a large XML file: the .osm.pbf of the same extract imports about ten times faster\n`);
  }
  data = await importOsm(file);
} catch (error) {
  if (error instanceof OsmFileError) fail(error.message);
  throw error;
}
if (data.streets.length === 0) fail(`${file}: no named streets in it; is it an extract of your area? (${out} is unchanged)`);
const seconds = (performance.now() - started) / 1000;
const peakMb = process.resourceUsage().maxRSS / 1024;
writeStreetIndexFile(out, data);

process.stdout.write(`imported ${file} in ${seconds.toFixed(1)} s, peak memory ${peakMb.toFixed(0)} MB\n`);
process.stdout.write(
  `streets ${data.streets.length}, intersections ${data.intersections.length}, addresses ${data.addresses.length}, ` +
    `address ranges ${data.ranges.length}, areas ${data.areas.length}\n`,
);
process.stdout.write(`wrote ${out} (${(statSync(out).size / 1024).toFixed(0)} kB); restart the app to use it\n`);
