// A photo's GPS places a report whose words did not: read before the EXIF is stripped, used only when the text has
// no place (a forwarded photo must not move a raid), and shown to dispatchers as coming from a photo.
import exifr from 'exifr';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureStreetsEnv } from '../support/geography.js';
import { FROM_NUMBER, startSystem, type ApiClient, type TestSystem } from '../support/system.js';

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.close();
  system = undefined;
});

/** Degrees as EXIF's three rationals: whole degrees, whole minutes, seconds in hundredths. */
function dms(value: number): string {
  const abs = Math.abs(value);
  const degrees = Math.floor(abs);
  const minutes = Math.floor((abs - degrees) * 60);
  const centiseconds = Math.round(((abs - degrees) * 60 - minutes) * 6000);
  return `${degrees}/1 ${minutes}/1 ${centiseconds}/100`;
}

/** A phone photo taken at this point (EXIF GPS written the way cameras write it), or with no position at all. */
async function photoAt(point: { lat: number; lng: number } | null): Promise<Buffer> {
  const image = sharp({ create: { width: 24, height: 24, channels: 3, background: { r: 20, g: 90, b: 160 } } }).jpeg();
  if (!point) return image.withExifMerge({ IFD0: { Make: 'TestCam' } }).toBuffer();
  return image
    .withExifMerge({
      IFD0: { Make: 'TestCam' },
      IFD3: {
        GPSLatitudeRef: point.lat >= 0 ? 'N' : 'S',
        GPSLatitude: dms(point.lat),
        GPSLongitudeRef: point.lng >= 0 ? 'E' : 'W',
        GPSLongitude: dms(point.lng),
      },
    })
    .toBuffer();
}

/** An MMS report with one photo, its media fetched from the fake Twilio, and every job done. */
async function mmsReport(s: TestSystem, from: string, body: string, photo: Buffer): Promise<void> {
  const inbound = s.twilio.addInbound({ from, to: FROM_NUMBER, body, media: [{ contentType: 'image/jpeg', body: photo }] });
  const response = await s.sms(from, body, { MessageSid: inbound.sid, NumMedia: '1', MediaUrl0: inbound.mediaUrls[0] ?? '', MediaContentType0: 'image/jpeg' });
  expect(response.statusCode).toBe(200);
  await s.idle();
}

interface ReportJson {
  id: string;
  incidentId: string;
  location: { lat: number; lng: number; label: string; precision: string; source: string | null } | null;
  media: Array<{ kind: string }>;
}

async function onlyReport(dispatcher: ApiClient): Promise<ReportJson> {
  const reports = (await dispatcher.get('/api/reports')).json() as ReportJson[];
  expect(reports).toHaveLength(1);
  return reports[0] as ReportJson;
}

// 24th & Folsom in the tests' geography; Fruitvale, across the bay, for photos that must not move anything.
const MISSION = { lat: 37.7526, lng: -122.4139 };
const ACROSS_THE_BAY = { lat: 37.7749, lng: -122.2241 };

describe('item 9: a photo places a report that its words did not', () => {
  it('item 9: a photo with GPS on a text without a place places the report and its incident at the photo, marked as from a photo', async () => {
    system = await startSystem();
    const s = system;
    const dispatcher = await s.login();
    const photo = await photoAt(MISSION);
    // The fixture itself: the position survives the EXIF round trip within a few metres.
    expect(await exifr.gps(photo)).toMatchObject({ latitude: expect.closeTo(MISSION.lat, 4), longitude: expect.closeTo(MISSION.lng, 4) });

    await mmsReport(s, '+14155552301', 'ICE agents are arresting people right now please come', photo);

    const report = await onlyReport(dispatcher);
    expect(report.media).toEqual([expect.objectContaining({ kind: 'photo' })]);
    expect(report.location).toMatchObject({ precision: 'point', source: 'photo', lat: expect.closeTo(MISSION.lat, 4), lng: expect.closeTo(MISSION.lng, 4) });
    expect(report.location?.label).not.toBe('');

    const incident = (await dispatcher.get(`/api/incidents/${report.incidentId}`)).json();
    expect(incident.location).toMatchObject({ precision: 'point', lat: expect.closeTo(MISSION.lat, 4), lng: expect.closeTo(MISSION.lng, 4) });
    expect(incident.reports).toHaveLength(1);
    expect(incident.reports[0].location).toMatchObject({ precision: 'point', source: 'photo' });
    // Placed, it is no longer in the dispatchers' list of reports to place by hand.
    expect((await dispatcher.get('/api/reports?unplaced=true')).json()).toEqual([]);
  });

  it('item 9: a photo with GPS does not move a report its text placed by ZIP', async () => {
    system = await startSystem();
    const s = system;
    const dispatcher = await s.login();
    await mmsReport(s, '+14155552302', 'ICE van outside the laundromat 94110', await photoAt(ACROSS_THE_BAY));

    const report = await onlyReport(dispatcher);
    expect(report.media).toEqual([expect.objectContaining({ kind: 'photo' })]);
    expect(report.location).toMatchObject({ precision: 'zip', label: expect.stringContaining('94110') });
    expect(report.location?.source).not.toBe('photo');
    expect(Math.abs((report.location?.lng ?? 0) - ACROSS_THE_BAY.lng)).toBeGreaterThan(0.1);
    const incident = (await dispatcher.get(`/api/incidents/${report.incidentId}`)).json();
    expect(incident.location).toMatchObject({ precision: 'zip' });
    expect(incident.reports[0].location.source).not.toBe('photo');
  });

  it('item 9: a photo with GPS does not move a report its text placed at an intersection', async () => {
    system = await startSystem({ env: await fixtureStreetsEnv() });
    const s = system;
    const dispatcher = await s.login();
    await mmsReport(s, '+14155552304', 'ICE agents at 24th and Folsom right now', await photoAt(ACROSS_THE_BAY));

    const report = await onlyReport(dispatcher);
    expect(report.media).toEqual([expect.objectContaining({ kind: 'photo' })]);
    expect(report.location).toMatchObject({ precision: 'intersection', lat: expect.closeTo(MISSION.lat, 3), lng: expect.closeTo(MISSION.lng, 3) });
    expect(report.location?.source).not.toBe('photo');
    const incident = (await dispatcher.get(`/api/incidents/${report.incidentId}`)).json();
    expect(incident.location).toMatchObject({ precision: 'intersection', lat: expect.closeTo(MISSION.lat, 3) });
  });

  it('item 9: a photo without GPS changes nothing: the report waits unplaced for its location', async () => {
    system = await startSystem();
    const s = system;
    const dispatcher = await s.login();
    const photo = await photoAt(null);
    expect(await exifr.gps(photo)).toBeUndefined();
    await mmsReport(s, '+14155552303', 'ICE agents are arresting people right now please come', photo);

    const report = await onlyReport(dispatcher);
    expect(report.media).toEqual([expect.objectContaining({ kind: 'photo' })]);
    expect(report.location).toBeNull();
    expect((await dispatcher.get(`/api/incidents/${report.incidentId}`)).json().location).toBeNull();
    expect((await dispatcher.get('/api/reports?unplaced=true')).json()).toHaveLength(1);
  });
});
