// Photos and recordings: fetched from (fake) Twilio once, stripped of metadata, sealed in SQLite, served only to
// signed-in dispatchers through /api/media/<id>; Twilio's URLs never appear in an API answer.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { media } from '../../src/db/schema.js';
import { fetchReportMedia, requeueUnfetchedMedia } from '../../src/services/media.js';
import { deleteFromProvider } from '../../src/services/provider-cleanup.js';
import { purgeBefore } from '../../src/services/retention.js';
import { FROM_NUMBER, sign, startSystem, TestClock, type TestSystem } from '../support/system.js';

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.close();
  system = undefined;
});

/** A phone photo: 32×16 pixels stored sideways (EXIF orientation 6), taken at 37.76, -122.42. */
async function phonePhoto(): Promise<Buffer> {
  return sharp({ create: { width: 32, height: 16, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExifMerge({ IFD0: { Make: 'TestCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '37/1 45/1 36/1', GPSLongitudeRef: 'W', GPSLongitude: '122/1 25/1 12/1' } })
    .toBuffer();
}

async function mmsReport(s: TestSystem, photo: Buffer, mediaUrl?: (url: string) => string): Promise<string> {
  const { url } = await postMms(s, photo, mediaUrl);
  await s.idle();
  return url;
}

async function postMms(s: TestSystem, photo: Buffer, mediaUrl?: (url: string) => string): Promise<{ url: string; mediaSid: string }> {
  const reporter = '+14155552201';
  const inbound = s.twilio.addInbound({ from: reporter, to: FROM_NUMBER, body: 'ICE van at the school 94110', media: [{ contentType: 'image/jpeg', body: photo }] });
  const url = inbound.mediaUrls[0] ?? '';
  const response = await s.sms(reporter, 'ICE van at the school 94110', { MessageSid: inbound.sid, NumMedia: '1', MediaUrl0: mediaUrl ? mediaUrl(url) : url, MediaContentType0: 'image/jpeg' });
  expect(response.statusCode).toBe(200);
  return { url, mediaSid: inbound.mediaSids[0] ?? '' };
}

const mediaRows = (s: TestSystem) => s.deps.db.select().from(media).all();

describe('photos and recordings kept safely', () => {
  it('item 7: an MMS photo is fetched once, stored sealed, and served to a dispatcher without EXIF, its GPS kept on the row', async () => {
    system = await startSystem();
    const s = system;
    const photo = await phonePhoto();
    expect(await exifr.gps(photo)).toMatchObject({ latitude: 37.76 });
    const dispatcher = await s.login();
    const twilioUrl = await mmsReport(s, photo);

    expect(s.twilio.fetched).toHaveLength(1);
    const [row] = mediaRows(s);
    expect(row).toMatchObject({ kind: 'photo', status: 'stored', contentType: 'image/jpeg', gpsLat: 37.76, gpsLng: -122.42 });
    // Sealed: neither the photo nor any JPEG is what the database holds.
    expect(row?.sealed?.subarray(0, 2).toString('hex')).not.toBe('ffd8');
    expect(row?.sealed?.includes(photo.subarray(0, 64))).toBe(false);

    const reports = await dispatcher.get('/api/reports');
    const [report] = reports.json() as Array<{ incidentId: string; media: Array<{ id: string; kind: string; url: string }> }>;
    expect(report?.media).toEqual([{ id: row?.id, kind: 'photo', contentType: 'image/jpeg', url: `/api/media/${row?.id}` }]);
    const detail = await dispatcher.get(`/api/incidents/${report?.incidentId}`);
    expect(detail.json().reports[0].media).toEqual(report?.media);
    // No answer names the provider's copy.
    for (const answer of [reports.body, detail.body]) {
      expect(answer).not.toContain(twilioUrl);
      expect(answer).not.toContain(s.twilio.url);
      expect(answer).not.toMatch(/\/Media\/ME|twilio\.com/);
    }

    const served = await dispatcher.get(report?.media[0]?.url ?? '');
    expect(served.statusCode).toBe(200);
    expect(served.headers).toMatchObject({
      'content-type': 'image/jpeg',
      'cache-control': 'private, no-store',
      'content-disposition': 'inline',
      'x-content-type-options': 'nosniff',
    });
    const bytes = served.rawPayload;
    expect(await exifr.gps(bytes)).toBeUndefined();
    expect(await exifr.parse(bytes)).toBeUndefined();
    // Upright: the sideways 32×16 photo is served as 16×32 pixels, with no orientation tag left to apply.
    const shape = await sharp(bytes).metadata();
    expect([shape.width, shape.height, shape.orientation]).toEqual([16, 32, undefined]);
    // Who opened it is on the audit log.
    expect(s.deps.repos.audit.recent().find((entry) => entry.action === 'media.open')).toMatchObject({ target: row?.id });

    // Fetched once: the reconciler and a second run of the job leave it alone.
    await s.deps.queues.requeueMedia([row?.reportId ?? '']);
    await s.idle();
    expect(s.twilio.fetched).toHaveLength(1);
  });

  it('item 7: a voice recording is fetched once, sealed, and served as audio to a dispatcher', async () => {
    system = await startSystem();
    const s = system;
    const dispatcher = await s.login();
    const wav = Buffer.concat([Buffer.from('RIFF'), randomBytes(256)]);
    const recordingSid = s.twilio.addRecording(undefined, { contentType: 'audio/x-wav', body: wav });
    const params = {
      CallSid: `CA${randomBytes(16).toString('hex')}`,
      From: '+14155552202',
      To: FROM_NUMBER,
      RecordingUrl: `${s.twilio.url}/2010-04-01/Accounts/${s.twilio.accountSid}/Recordings/${recordingSid}`,
      RecordingSid: recordingSid,
    };
    const path = '/twilio/voice/recording?lang=en&zip=94110';
    const response = await s.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(path, params) },
      payload: new URLSearchParams(params).toString(),
    });
    expect(response.statusCode).toBe(200);
    await s.idle();

    expect(s.twilio.fetched).toEqual([recordingSid]);
    const [row] = mediaRows(s);
    expect(row).toMatchObject({ kind: 'recording', status: 'stored', contentType: 'audio/x-wav', gpsLat: null });
    expect(row?.sealed?.includes(wav.subarray(0, 32))).toBe(false);
    const reports = await dispatcher.get('/api/reports');
    expect(reports.body).not.toContain(recordingSid);
    const [entry] = reports.json()[0].media as Array<{ url: string; kind: string }>;
    expect(entry).toMatchObject({ kind: 'recording', contentType: 'audio/x-wav' });
    const served = await dispatcher.get(entry?.url ?? '');
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('audio/x-wav');
    expect(served.rawPayload.equals(wav)).toBe(true);
  });

  it('item 7: a media URL off the configured Twilio host is never fetched', async () => {
    const hits: string[] = [];
    const elsewhere = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end();
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    try {
      system = await startSystem();
      const s = system;
      const dispatcher = await s.login();
      const { port } = elsewhere.address() as AddressInfo;
      // The same path on another host (say, an internal service), then the fake's host under another account.
      await mmsReport(s, await phonePhoto(), (url) => url.replace(s.twilio.url, `http://127.0.0.1:${port}`));
      await mmsReport(s, await phonePhoto(), (url) => url.replace(s.twilio.accountSid, `AC${'f'.repeat(32)}`));
      expect(hits).toEqual([]);
      expect(s.twilio.fetched).toEqual([]);
      expect(mediaRows(s).map((row) => row.status)).toEqual(['failed', 'failed']);
      const reports = (await dispatcher.get('/api/reports')).json() as Array<{ media: unknown[] }>;
      expect(reports.map((report) => report.media)).toEqual([[], []]);
    } finally {
      await new Promise((resolve) => elsewhere.close(resolve));
    }
  });

  it('item 7: media are served only to signed-in console users: 401 without a session, 404 for an unknown id', async () => {
    system = await startSystem();
    const s = system;
    const dispatcher = await s.login();
    await mmsReport(s, await phonePhoto());
    const [row] = mediaRows(s);
    const anonymous = await s.app.inject({ method: 'GET', url: `/api/media/${row?.id}` });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.rawPayload.includes(Buffer.from([0xff, 0xd8]))).toBe(false);
    expect((await dispatcher.get('/api/media/no-such-media')).statusCode).toBe(404);
    expect(s.deps.repos.audit.recent().some((entry) => entry.action === 'media.open')).toBe(false);
  });

  it('item 7: the provider copy is deleted only once fetched, and retention purges the stored media with its report', async () => {
    const clock = new TestClock();
    system = await startSystem({ clock, env: { TWILIO_DELETE_AFTER_MINUTES: '5' } });
    const s = system;
    const dispatcher = await s.login();
    const photo = await phonePhoto();
    await mmsReport(s, photo);
    const [row] = mediaRows(s);
    clock.advance(6 * 60_000);
    expect((await deleteFromProvider(s.deps)).media).toBe(1);
    // Deleted at Twilio, still served from here.
    expect((await dispatcher.get(`/api/media/${row?.id}`)).statusCode).toBe(200);

    const purged = await purgeBefore(s.deps, clock.now() + 1);
    expect(purged['media']).toBe(1);
    expect(mediaRows(s)).toEqual([]);
    expect((await dispatcher.get(`/api/media/${row?.id}`)).statusCode).toBe(404);
  });

  it('item 7: a photo not fetched yet stays at Twilio, and the reconciler queues its fetch again', async () => {
    const clock = new TestClock();
    system = await startSystem({ clock, workers: false, env: { TWILIO_DELETE_AFTER_MINUTES: '5' } });
    const s = system;
    const { mediaSid } = await postMms(s, await phonePhoto());
    const [report] = s.deps.repos.reports.list({}, { limit: 1 });
    clock.advance(6 * 60_000);
    // The worker never ran (a lost job, a worker down): the only copy is Twilio's, so it is not deleted.
    expect((await deleteFromProvider(s.deps)).media).toBe(0);
    expect(s.twilio.deleted).not.toContain(mediaSid);

    if (s.deps.redis.status !== 'ready') await once(s.deps.redis, 'ready');
    expect(await requeueUnfetchedMedia(s.deps)).toBe(1);
    expect(await s.deps.queues.media.getJob(`media-${report?.id}`)).toMatchObject({ data: { reportId: report?.id } });
    // The job's work, run here: then the provider's copy can go.
    expect(await fetchReportMedia(s.deps, report?.id ?? '')).toEqual({ stored: 1, refused: 0 });
    expect(await requeueUnfetchedMedia(s.deps)).toBe(0);
    expect((await deleteFromProvider(s.deps)).media).toBe(1);
    expect(s.twilio.deleted).toContain(mediaSid);
  });
});
