// Members imported from a coordinator's CSV: numbers encrypted on the way in, each new active member welcomed by SMS.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Committee } from '../db/repositories/committees.js';
import { inTransaction } from '../db/client.js';
import type { Deps } from '../deps.js';
import { maskPhoneNumbers } from '../domain/mask-numbers.js';
import { fitSms } from '../domain/sms-fit.js';
import { isLocale, type Locale, MEMBER_ROLES, type MemberRole } from '../domain/types.js';
import { zipCentroid } from '../geo/zips.js';
import { t } from '../i18n/index.js';

type ImportDeps = Pick<Deps, 'db' | 'repos' | 'config' | 'queues' | 'log'>;

export interface ImportResult {
  imported: number;
  skipped: number;
  /** `line` is the line of the file (the header is line 1); the error never repeats the number. */
  errors: Array<{ line: number; error: string }>;
}

/** Too many rows for one request: the caller answers 400 and nothing is written. */
export class ImportError extends Error {}

export const MAX_IMPORT_ROWS = 5000;
const COLUMNS = ['phone', 'zip', 'role', 'note', 'language'] as const;
type Column = (typeof COLUMNS)[number];

interface Row {
  phone: string;
  zip: string | null;
  lat: number | null;
  lng: number | null;
  role: MemberRole;
  note: string | null;
  locale: Locale | null;
}

export async function importMembers(deps: ImportDeps, committee: Committee, csv: string, now: number): Promise<ImportResult> {
  const lines = parseCsv(csv);
  const header = lines[0]?.cells.map((cell) => cell.trim().toLowerCase()) ?? [];
  if (!header.includes('phone')) throw new ImportError('csv: the first line must name the columns, with a "phone" column');
  const unknown = header.filter((name) => name !== '' && !(COLUMNS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new ImportError(`csv: unknown column "${unknown[0]}" (columns: ${COLUMNS.join(', ')})`);
  const rows = lines.slice(1).filter((line) => line.cells.some((cell) => cell.trim() !== ''));
  if (rows.length > MAX_IMPORT_ROWS) throw new ImportError(`csv: at most ${MAX_IMPORT_ROWS} members per import`);

  const result: ImportResult = { imported: 0, skipped: 0, errors: [] };
  const welcomes = inTransaction(deps.db, () => {
    const planned: string[] = [];
    for (const line of rows) {
      const cell = (name: Column) => {
        const index = header.indexOf(name);
        return index < 0 ? '' : (line.cells[index] ?? '').trim();
      };
      const row = readRow(cell);
      if (typeof row === 'string') {
        result.errors.push({ line: line.number, error: row });
        continue;
      }
      const welcome = addMember(deps, committee, row, now);
      if (welcome === 'skipped') result.skipped += 1;
      else {
        result.imported += 1;
        if (welcome) planned.push(welcome);
      }
    }
    return planned;
  });
  // If Redis is away, the reconciler queues every unsent ledger row later.
  if (welcomes.length > 0) await deps.queues.sendMessages(welcomes).catch((error: Error) => deps.log.warn({ err: error.message }, 'welcomes not queued now; the reconciler will'));
  return result;
}

/** A valid row, or what is wrong with it (never echoing the number). */
function readRow(cell: (name: Column) => string): Row | string {
  const raw = cell('phone');
  if (!raw) return 'phone: missing';
  const parsed = parsePhoneNumberFromString(raw, 'US');
  if (!parsed?.isValid()) return 'phone: not a valid phone number';
  const zip = cell('zip') || null;
  const place = zip ? zipCentroid(zip) : null;
  if (zip && !place) return 'zip: not a known 5-digit ZIP code';
  const role = (cell('role') || 'responder').toLowerCase();
  if (!(MEMBER_ROLES as readonly string[]).includes(role)) return `role: must be one of ${MEMBER_ROLES.join(', ')}`;
  const language = cell('language').toLowerCase();
  if (language && !isLocale(language)) return 'language: must be en, es or tl';
  const note = cell('note');
  return {
    phone: parsed.number,
    zip,
    lat: place?.lat ?? null,
    lng: place?.lng ?? null,
    role: role as MemberRole,
    // A note is shown in the console: numbers in it are masked like anywhere else.
    note: note ? maskPhoneNumbers(note).slice(0, 200) : null,
    locale: language ? (language as Locale) : null,
  };
}

/** Adds one member; returns the welcome's ledger id (null when not texted), or 'skipped' for someone already there. */
function addMember(deps: ImportDeps, committee: Committee, row: Row, now: number): string | null | 'skipped' {
  const { contacts, committees, messages } = deps.repos;
  const { contact } = contacts.findOrCreate(row.phone, now, true);
  if (committees.findMember(committee.id, contact.id)) return 'skipped';
  // A language the person chose by text wins over the coordinator's list.
  if (row.locale && !contact.localeExplicit) contacts.setLocale(contact.id, row.locale, false);
  committees.addMember({ committeeId: committee.id, contactId: contact.id, status: 'active', role: row.role, zip: row.zip, lat: row.lat, lng: row.lng, note: row.note }, now);
  if (contact.stoppedAt !== null || contact.unreachableAt !== null) return null;
  const locale = (contact.localeExplicit ? contact.locale : row.locale ?? contact.locale) ?? deps.config.defaultLocale;
  const [id] = messages.plan(
    [{ dedupeKey: `welcome:${committee.id}:${contact.id}`, incidentId: null, contactId: contact.id, kind: 'welcome', locale, body: fitSms(t(locale, 'welcome', { committee: committee.name, program: deps.config.programName })) }],
    now,
  );
  return id ?? null;
}

/** RFC 4180 CSV (quoted fields, "" escapes, CRLF or LF); each record keeps the line it starts on. */
export function parseCsv(text: string): Array<{ number: number; cells: string[] }> {
  const records: Array<{ number: number; cells: string[] }> = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    if (quoted) {
      if (char === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else {
        if (char === '\n') line++;
        cell += char;
      }
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && body[i + 1] === '\n') i++;
      cells.push(cell);
      records.push({ number: start, cells });
      cells = [];
      cell = '';
      line++;
      start = line;
    } else cell += char;
  }
  if (cell !== '' || cells.length > 0) {
    cells.push(cell);
    records.push({ number: start, cells });
  }
  return records;
}
