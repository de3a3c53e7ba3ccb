// Photos and recordings of reports: fetched from Twilio once, with the account's credentials, as they arrive;
// photos re-encoded without any metadata (their GPS position read first and kept on the row); sealed under
// DATA_KEY and stored, so that deleting them at Twilio loses nothing. The browser only ever sees /api/media/<id>.
import { UnrecoverableError } from 'bullmq';
import exifr from 'exifr';
import sharp from 'sharp';
import { createBytesBox } from '../crypto/secrets.js';
import type { MediaKind } from '../db/repositories/media.js';
import type { Deps } from '../deps.js';
import { GRACE_MS } from './maintenance.js';
import { type PlacementDeps, placeReport } from './placement.js';

// Placement's too: a photo's GPS may place the report.
type MediaDeps = Pick<Deps, 'repos' | 'config' | 'sms' | 'now' | 'log'> & PlacementDeps;

/** Per file and per report: a report is a few phone photos or one recording, never an archive. */
export const MEDIA_LIMITS = { maxBytes: 5 * 1024 * 1024, maxFiles: 10, maxPixels: 50_000_000 };

const PHOTO_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/heic', 'image/heif']);
const RECORDING_TYPES = new Set(['audio/x-wav', 'audio/wav', 'audio/mpeg']);

/** Why a file is not kept: logged as a code, never with its URL. */
type Refusal = 'off-host' | 'too-many' | 'too-large' | 'not-found' | 'unsupported' | 'not-twilio';

/** Idempotent: positions already stored (or refused) are skipped, so a retried job fetches nothing twice. */
export async function fetchReportMedia(deps: MediaDeps, reportId: string): Promise<{ stored: number; refused: number }> {
  const report = deps.repos.reports.get(reportId);
  if (!report) return { stored: 0, refused: 0 };
  const done = deps.repos.media.donePositions(reportId);
  const box = createBytesBox(deps.config.keys);
  const counts = { stored: 0, refused: 0 };
  for (const [position, url] of report.media.entries()) {
    if (done.has(position)) continue;
    const kind = kindOf(url);
    const refuse = (reason: Refusal) => {
      deps.repos.media.markFailed(reportId, position, kind, deps.now());
      deps.log.warn({ reportId, position, reason }, 'report media not kept');
      counts.refused++;
    };
    if (deps.sms.name !== 'twilio') refuse('not-twilio');
    else if (position >= MEDIA_LIMITS.maxFiles) refuse('too-many');
    else if (!onTwilioHost(deps.config, url)) refuse('off-host');
    else {
      const file = await download(deps.config, url);
      if (typeof file === 'string') {
        refuse(file);
        continue;
      }
      const kept = kind === 'photo' ? await cleanPhoto(file) : keptRecording(file);
      if (!kept) {
        refuse('unsupported');
        continue;
      }
      deps.repos.media.store({
        reportId,
        position,
        kind,
        contentType: kept.contentType,
        size: kept.bytes.length,
        sealed: box.seal(kept.bytes),
        gps: kept.gps,
        at: deps.now(),
      });
      counts.stored++;
    }
  }
  // Also on a retried run that stored nothing new: placing is idempotent (a placed report is left alone).
  await placeByPhoto(deps, reportId);
  return counts;
}

/**
 * A kept photo's GPS places a report only when its words placed it nowhere: a forwarded photo must not move a raid
 * that the text (even a bare ZIP) placed. The first photo with a position wins.
 */
async function placeByPhoto(deps: MediaDeps, reportId: string): Promise<void> {
  const report = deps.repos.reports.get(reportId);
  if (!report || report.lat !== null) return;
  const photos = deps.repos.media.ofReports([reportId]).get(reportId)?.filter((m) => m.kind === 'photo') ?? [];
  const point = photos.map((photo) => deps.repos.media.gps(photo.id)).find((gps) => gps !== null);
  if (!point) return;
  // The label is left to placement, which names points.
  await placeReport(deps, reportId, { lat: point.lat, lng: point.lng, precision: 'point', source: 'photo', words: null, label: '' });
}

/** The job gave up (provider down for all its attempts): what is left is refused, so cleanup may go on. */
export function mediaGaveUp(deps: Pick<Deps, 'repos' | 'now'>, reportId: string): void {
  const report = deps.repos.reports.get(reportId);
  if (!report) return;
  const done = deps.repos.media.donePositions(reportId);
  for (const [position, url] of report.media.entries()) {
    if (!done.has(position)) deps.repos.media.markFailed(reportId, position, kindOf(url), deps.now());
  }
}

/** Twilio names a call's recording …/Recordings/RE…, an MMS photo …/Messages/MM…/Media/ME…. */
function kindOf(url: string): MediaKind {
  return /\/Recordings\//.test(url) ? 'recording' : 'photo';
}

/** The reconciler's part: reports whose media are not fetched yet (a lost job, Redis away) are queued again. */
export async function requeueUnfetchedMedia(deps: Pick<Deps, 'repos' | 'queues' | 'now'>): Promise<number> {
  const due = deps.repos.media.unfetched(deps.now() - GRACE_MS);
  if (due.length > 0) await deps.queues.requeueMedia(due);
  return due.length;
}

/** Decrypts one stored file for an authenticated route. */
export function openMedia(deps: Pick<Deps, 'repos' | 'config'>, id: string): { kind: MediaKind; reportId: string; contentType: string; bytes: Buffer } | null {
  const row = deps.repos.media.sealed(id);
  if (!row) return null;
  return { kind: row.kind, reportId: row.reportId, contentType: row.contentType, bytes: createBytesBox(deps.config.keys).open(row.sealed) };
}

/**
 * The SSRF guard: only URLs of this account on the configured Twilio API host are fetched with its credentials,
 * whatever a webhook names.
 */
export function onTwilioHost(config: Deps['config'], raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  const api = new URL(config.twilio.apiBaseUrl ?? 'https://api.twilio.com');
  const accountPath = `/2010-04-01/Accounts/${config.twilio.accountSid ?? ''}/`;
  return url.origin === api.origin && url.pathname.startsWith(accountPath) && !url.username && !url.password;
}

interface Download {
  bytes: Buffer;
  contentType: string | null;
}

/** Throws (to retry) on outages and throttling; answers a refusal for what no retry can fix. */
async function download(config: Deps['config'], url: string): Promise<Download | Refusal> {
  const credentials = Buffer.from(`${config.twilio.accountSid ?? ''}:${config.twilio.authToken ?? ''}`).toString('base64');
  // Twilio may redirect to its CDN: fetch drops the Authorization header on a redirect to another origin.
  const response = await fetch(url, { headers: { authorization: `Basic ${credentials}` }, signal: AbortSignal.timeout(config.twilio.timeoutMs * 3) });
  if (response.status === 404 || response.status === 410) return 'not-found';
  if (!response.ok) {
    await response.body?.cancel();
    const error = new Error(`media fetch answered ${response.status}`);
    throw response.status === 400 ? new UnrecoverableError(error.message) : error;
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MEDIA_LIMITS.maxBytes) {
    await response.body?.cancel();
    return 'too-large';
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  for (;;) {
    const next = await reader?.read();
    if (!next || next.done) break;
    size += next.value.length;
    if (size > MEDIA_LIMITS.maxBytes) {
      await reader?.cancel();
      return 'too-large';
    }
    chunks.push(Buffer.from(next.value));
  }
  const contentType = response.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? null;
  return { bytes: Buffer.concat(chunks), contentType };
}

/** GPS first (for placing reports later), then a re-encode that keeps no metadata, upright as it was shown. */
async function cleanPhoto(file: Download): Promise<{ bytes: Buffer; contentType: string; gps: { lat: number; lng: number } | null } | null> {
  if (!file.contentType || !PHOTO_TYPES.has(file.contentType)) return null;
  const gps = await readGps(file.bytes);
  try {
    // rotate() applies the EXIF orientation to the pixels; sharp writes no metadata unless asked (withMetadata).
    const image = sharp(file.bytes, { limitInputPixels: MEDIA_LIMITS.maxPixels, animated: false }).rotate();
    return file.contentType === 'image/png'
      ? { bytes: await image.png().toBuffer(), contentType: 'image/png', gps }
      : { bytes: await image.jpeg({ quality: 85 }).toBuffer(), contentType: 'image/jpeg', gps };
  } catch {
    return null;
  }
}

/** Twilio's recordings (WAV or MP3) carry no location: they are kept as they come. */
function keptRecording(file: Download): { bytes: Buffer; contentType: string; gps: null } | null {
  return file.contentType && RECORDING_TYPES.has(file.contentType) ? { bytes: file.bytes, contentType: file.contentType, gps: null } : null;
}

async function readGps(bytes: Buffer): Promise<{ lat: number; lng: number } | null> {
  try {
    const gps = (await exifr.gps(bytes)) as { latitude?: number; longitude?: number } | undefined;
    return gps && Number.isFinite(gps.latitude) && Number.isFinite(gps.longitude) ? { lat: gps.latitude as number, lng: gps.longitude as number } : null;
  } catch {
    return null;
  }
}
