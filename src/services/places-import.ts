// The network's places as people type them (the console's form) or list them in a file (CSV or GeoJSON). A file
// is read and checked in full before anything is written: one bad row and nothing is imported, and every bad row
// is named by its line (CSV, the header is line 1) or feature number (GeoJSON, the first is 1). Pure: no I/O.
// Used by `npm run places:import` (scripts/places-import.ts) and `POST /api/places/import`.
import { parse as parseCsvRecords } from 'csv-parse/sync';
import { z } from 'zod';
import { INCIDENT_KINDS } from '../domain/types.js';
import { fold, nameKey } from '../geo/names.js';

export const PLACE_TEXT_MAX = 120;
export const MAX_ALIASES = 20;
/** Both the CLI and the console refuse bigger files: 1 MB holds well over 5,000 places. */
export const MAX_PLACES_FILE_CHARS = 1024 * 1024;
export const MAX_PLACES_PER_FILE = 10_000;
export const PLACE_FILE_FORMATS = ['csv', 'geojson'] as const;
export type PlaceFileFormat = (typeof PLACE_FILE_FORMATS)[number];

/** How two names are compared for "the same place": folded words without leading articles ("The Home Depot" = "home depot"). */
export function placeKey(name: string): string {
  return nameKey(name);
}

const text = () =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is missing' : 'must be text') })
    .trim()
    // One line, single spaces: a name is shown in lists and alert texts.
    .overwrite((value) => value.replace(/\s+/g, ' '))
    .min(1, { error: 'must not be empty', abort: true })
    .max(PLACE_TEXT_MAX, { error: `must be at most ${PLACE_TEXT_MAX} characters`, abort: true })
    .refine((value) => placeKey(value) !== '', 'must contain letters or digits');

const coordinate = (what: 'latitude' | 'longitude', limit: number) =>
  z
    .number({ error: (issue) => (issue.input === undefined ? 'is missing' : `must be a ${what} (a number)`) })
    .finite()
    .min(-limit, `must be a ${what} between -${limit} and ${limit}`)
    .max(limit, `must be a ${what} between -${limit} and ${limit}`);

/**
 * Aliases trimmed, the same alias written twice ("Home Depot", "home depot") kept once, in the order given. Only
 * case and accents make two aliases the same here: "la Mission High" stays next to "Mission High", as typed.
 */
const aliases = z
  .array(text(), { error: 'must be a list of names' })
  .max(MAX_ALIASES, `at most ${MAX_ALIASES} aliases`)
  .transform((list) => {
    const seen = new Set<string>();
    return list.filter((alias) => {
      const key = fold(alias);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  });

/** Each field of a place, checked the same way wherever a place comes from. */
export const placeFields = {
  name: text(),
  aliases,
  lat: coordinate('latitude', 90),
  lng: coordinate('longitude', 180),
  kind: z.enum(INCIDENT_KINDS, { error: `must be one of ${INCIDENT_KINDS.join(', ')}, or empty` }).nullable(),
};

/** A new place: aliases and kind may be left out. */
export const placeInputSchema = z.object({ ...placeFields, aliases: placeFields.aliases.default([]), kind: placeFields.kind.default(null) });
export type PlaceInput = z.output<typeof placeInputSchema>;

/** A place read from a file. `aliases`/`kind` undefined: the file does not say, so an existing place keeps its own. */
const fileRowSchema = z.object({ ...placeFields, aliases: placeFields.aliases.optional(), kind: placeFields.kind.optional() });
export type PlaceFileRow = z.output<typeof fileRowSchema>;

/** Where a row is in its file: a CSV line or a GeoJSON feature number. */
export type RowRef = { line: number } | { feature: number };
export type RowError = RowRef & { error: string };

export interface ParsedPlacesFile {
  places: Array<PlaceFileRow & { at: RowRef }>;
  errors: RowError[];
  /** CSV columns this reader does not know (ignored), so a typo in a header is seen. */
  ignoredColumns: string[];
}

/** The file as a whole cannot be read (not CSV/GeoJSON, no name column, too big): nothing is imported. */
export class PlacesFileError extends Error {}

export function parsePlacesFile(format: PlaceFileFormat, content: string): ParsedPlacesFile {
  if (content.length > MAX_PLACES_FILE_CHARS) throw new PlacesFileError('the file is larger than 1 MB');
  const parsed = format === 'csv' ? parseCsv(content) : parseGeoJson(content);
  if (parsed.places.length + parsed.errors.length > MAX_PLACES_PER_FILE) {
    throw new PlacesFileError(`at most ${MAX_PLACES_PER_FILE} places per file`);
  }
  markDuplicates(parsed);
  return parsed;
}

/** The format a file name says (`.csv`, `.geojson`, `.json`), or what its first character suggests. */
export function placesFileFormat(fileName: string, content: string): PlaceFileFormat {
  if (/\.csv$/i.test(fileName)) return 'csv';
  if (/\.(geo)?json$/i.test(fileName)) return 'geojson';
  return content.trimStart().startsWith('{') ? 'geojson' : 'csv';
}

/** Alias lists in one cell: "Home Depot; the Home Depot on Cesar Chavez" (`;` or `|`, since `,` separates cells). */
export function splitAliases(cell: string): string[] {
  return cell
    .split(/[;|]/)
    .map((alias) => alias.trim())
    .filter((alias) => alias !== '');
}

// ── CSV ─────────────────────────────────────────────────────────────────────

const CSV_COLUMNS: ReadonlyMap<string, 'name' | 'aliases' | 'lat' | 'lng' | 'kind'> = new Map([
  ['name', 'name'],
  ['aliases', 'aliases'],
  ['alias', 'aliases'],
  ['lat', 'lat'],
  ['latitude', 'lat'],
  ['lng', 'lng'],
  ['lon', 'lng'],
  ['long', 'lng'],
  ['longitude', 'lng'],
  ['kind', 'kind'],
]);

function parseCsv(content: string): ParsedPlacesFile {
  // Each record with the line it ends on (a quoted cell may span lines).
  const records: Array<{ record: string[]; info: { lines: number } }> = [];
  try {
    parseCsvRecords(content, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      on_record: (record: string[], context) => {
        records.push({ record, info: { lines: context.lines } });
        return null;
      },
    });
  } catch (error) {
    throw new PlacesFileError(`not a readable CSV file: ${(error as Error).message}`);
  }
  const [header, ...rows] = records;
  const names = header?.record.map((cell) => cell.trim().toLowerCase()) ?? [];
  const columns = names.map((name) => CSV_COLUMNS.get(name));
  for (const needed of ['name', 'lat', 'lng'] as const) {
    if (!columns.includes(needed)) {
      throw new PlacesFileError(`the first line must name the columns: name, aliases, lat, lng, kind (no "${needed}" column)`);
    }
  }
  const result: ParsedPlacesFile = { places: [], errors: [], ignoredColumns: names.filter((name, i) => name !== '' && columns[i] === undefined) };
  for (const { record, info } of rows) {
    // `info.lines` is where the record ends; a quoted cell may span lines, and people look for where it starts.
    const line = info.lines - record.reduce((breaks, cell) => breaks + (cell.match(/\r\n|\n|\r/g)?.length ?? 0), 0);
    if (record.every((cell) => cell.trim() === '')) continue;
    const cells: Partial<Record<'name' | 'aliases' | 'lat' | 'lng' | 'kind', string>> = {};
    columns.forEach((column, i) => {
      if (column && cells[column] === undefined) cells[column] = (record[i] ?? '').trim();
    });
    if (record.slice(columns.length).some((cell) => cell.trim() !== '')) {
      result.errors.push({ line, error: `more cells than columns (${columns.length}); put aliases in one cell separated by ; or |` });
      continue;
    }
    const row = fileRowSchema.safeParse({
      name: cells.name,
      lat: numberCell(cells.lat),
      lng: numberCell(cells.lng),
      aliases: cells.aliases === undefined ? undefined : splitAliases(cells.aliases),
      kind: cells.kind === undefined ? undefined : cells.kind === '' ? null : cells.kind.toLowerCase(),
    });
    if (row.success) result.places.push({ ...row.data, at: { line } });
    else result.errors.push({ line, error: issuesText(row.error) });
  }
  return result;
}

/** A number cell: empty is missing (not 0), anything not a plain decimal number is refused by the schema. */
function numberCell(cell: string | undefined): number | undefined {
  if (cell === undefined || cell === '') return undefined;
  return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(cell) ? Number(cell) : Number.NaN;
}

// ── GeoJSON ─────────────────────────────────────────────────────────────────

function parseGeoJson(content: string): ParsedPlacesFile {
  let data: unknown;
  try {
    data = JSON.parse(content.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new PlacesFileError(`not a readable GeoJSON file: ${(error as Error).message}`);
  }
  if (!isObject(data) || data['type'] !== 'FeatureCollection' || !Array.isArray(data['features'])) {
    throw new PlacesFileError('not a GeoJSON FeatureCollection');
  }
  const result: ParsedPlacesFile = { places: [], errors: [], ignoredColumns: [] };
  data['features'].forEach((feature: unknown, index) => {
    const at = { feature: index + 1 };
    const read = readFeature(feature);
    if (typeof read === 'string') {
      result.errors.push({ ...at, error: read });
      return;
    }
    const row = fileRowSchema.safeParse(read);
    if (row.success) result.places.push({ ...row.data, at });
    else result.errors.push({ ...at, error: issuesText(row.error) });
  });
  return result;
}

/** The fields of one feature for the schema to check, or what is wrong with its shape. */
function readFeature(feature: unknown): Record<string, unknown> | string {
  if (!isObject(feature) || feature['type'] !== 'Feature') return 'not a GeoJSON Feature';
  const geometry = feature['geometry'];
  if (!isObject(geometry) || geometry['type'] !== 'Point') return 'geometry: must be a Point (a place is one point)';
  const coordinates = geometry['coordinates'];
  if (!Array.isArray(coordinates) || coordinates.length < 2) return 'geometry: a Point needs [longitude, latitude]';
  const properties = isObject(feature['properties']) ? feature['properties'] : {};
  const given = (name: string) => Object.hasOwn(properties, name);
  const aliasValue = properties['aliases'];
  const kindValue = properties['kind'];
  return {
    name: properties['name'],
    // GeoJSON positions are [longitude, latitude].
    lng: coordinates[0],
    lat: coordinates[1],
    aliases: !given('aliases') ? undefined : aliasValue === null ? [] : typeof aliasValue === 'string' ? splitAliases(aliasValue) : aliasValue,
    kind: !given('kind') ? undefined : kindValue === null || kindValue === '' ? null : typeof kindValue === 'string' ? kindValue.trim().toLowerCase() : kindValue,
  };
}

// ── shared ──────────────────────────────────────────────────────────────────

/** A later row with the same name as an earlier one is an error: which of the two is meant? */
function markDuplicates(parsed: ParsedPlacesFile): void {
  const first = new Map<string, RowRef>();
  const unique: ParsedPlacesFile['places'] = [];
  for (const place of parsed.places) {
    const key = placeKey(place.name);
    const earlier = first.get(key);
    if (earlier) parsed.errors.push({ ...place.at, error: `name: the same place as ${refText(earlier)}` });
    else {
      first.set(key, place.at);
      unique.push(place);
    }
  }
  parsed.places = unique;
  parsed.errors.sort((a, b) => refNumber(a) - refNumber(b));
}

export function refText(at: RowRef): string {
  return 'line' in at ? `line ${at.line}` : `feature ${at.feature}`;
}

function refNumber(at: RowRef): number {
  return 'line' in at ? at.line : at.feature;
}

/** "lat: must be a latitude between -90 and 90; kind: must be one of …" (the API's own `path: message` style). */
export function issuesText(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

