// npm run places:import -- places.csv   (or places.geojson)
// The network's worksites, schools, courts, ICE offices… from a file. CSV columns: name, aliases (separated by ; or
// |), lat, lng, kind. GeoJSON: a FeatureCollection of Points with properties name, aliases, kind. Every row is
// checked first: if any is bad, each is listed by line or feature number and nothing is imported. A place whose
// name is already there is updated. Works with the server running: processes notice the new list by itself.
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/db/client.js';
import { applyMigrations } from '../src/db/migrate.js';
import { createAuditRepository } from '../src/db/repositories/misc.js';
import { createPlacesRepository } from '../src/db/repositories/places.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { MAX_PLACES_FILE_CHARS, parsePlacesFile, placesFileFormat, PlacesFileError, refText } from '../src/services/places-import.js';

const fail = (message: string): never => {
  process.stderr.write(`places:import: ${message}\n`);
  process.exit(1);
};

const { positionals } = parseArgs({ allowPositionals: true, strict: true });
const [file] = positionals;
if (!file || positionals.length > 1) fail('give one file: npm run places:import -- places.csv (or places.geojson)');
const path = file ?? '';
const name = basename(path);

const size = (() => {
  try {
    return statSync(path).size;
  } catch (error) {
    return fail(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
})();
// A guard before reading: the parser counts characters, a UTF-8 character takes up to 4 bytes.
if (size > MAX_PLACES_FILE_CHARS * 4) fail(`${name} is larger than 1 MB`);
const content = readFileSync(path, 'utf8');
const format = placesFileFormat(name, content);

const parsed = (() => {
  try {
    return parsePlacesFile(format, content);
  } catch (error) {
    if (error instanceof PlacesFileError) return fail(`${name}: ${error.message}`);
    throw error;
  }
})();
if (parsed.errors.length > 0) {
  const lines = parsed.errors.map((row) => `  ${refText(row)}: ${row.error}`);
  fail(`${name}: ${parsed.errors.length} bad row(s), nothing was imported:\n${lines.join('\n')}`);
}

const config = (() => {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) return fail(`configuration error: ${error.message}`);
    throw error;
  }
})();
const db = openDatabase(config.databasePath);
applyMigrations(db);
const now = Date.now();
const counts = createPlacesRepository(db).upsertMany(parsed.places, now);
createAuditRepository(db).record('place.import', now, { detail: { format, file: name, ...counts } });
db.$client.close();
if (parsed.ignoredColumns.length > 0) process.stdout.write(`ignored columns: ${parsed.ignoredColumns.join(', ')}\n`);
process.stdout.write(`imported ${name}: ${counts.created} new, ${counts.updated} updated, ${counts.unchanged} unchanged\n`);
