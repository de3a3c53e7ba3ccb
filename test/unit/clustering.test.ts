// Clustering that respects precision (issue #8 item 4), and free-text answers to alerts (item 6): pure rules.
import { describe, expect, it } from 'vitest';
import { chooseIncident, type ClusterCandidate, isAtLeastAsPrecise, isMorePrecise } from '../../src/domain/clustering.js';
import { readReply } from '../../src/domain/replies.js';

const now = Date.UTC(2026, 10, 29, 12);
const rules = { meters: 400, minutes: 30 };
// Two corners of one ZIP about 600 m apart, and the ZIP's centre.
const mission24th = { lat: 37.7526, lng: -122.4188 };
const mission19th = { lat: 37.7580, lng: -122.4188 };
const zipCentre = { lat: 37.7487, lng: -122.4158 };

const candidate = (over: Partial<ClusterCandidate>): ClusterCandidate => ({
  id: 'a', status: 'new', lastReportedAt: now - 60_000, closedAt: null, ...mission24th, precision: 'intersection', zip: '94110', ...over,
});

describe('item 4: clustering by precision', () => {
  it('item 4: reports at two intersections 600 m apart in one ZIP are two incidents', () => {
    const report = { ...mission19th, precision: 'intersection' as const, zip: '94110' };
    expect(chooseIncident(report, now, [candidate({})], rules)).toEqual({ open: true, afterDismissedId: null });
  });

  it('item 4: a precise report joins the nearest precise incident within CLUSTER_METERS', () => {
    const report = { lat: mission24th.lat + 0.001, lng: mission24th.lng, precision: 'place' as const, zip: '94110' };
    const far = candidate({ id: 'far', ...mission19th });
    expect(chooseIncident(report, now, [far, candidate({ id: 'near' })], rules)).toEqual({ join: 'near' });
  });

  it('item 4: a ZIP-level report joins the most recent open incident inside that ZIP, however far from the centre', () => {
    const report = { ...zipCentre, precision: 'zip' as const, zip: '94110' };
    const older = candidate({ id: 'older', lastReportedAt: now - 10 * 60_000 });
    const newer = candidate({ id: 'newer', ...mission19th, lastReportedAt: now - 60_000 });
    const elsewhere = candidate({ id: 'elsewhere', zip: '94124', lastReportedAt: now });
    expect(chooseIncident(report, now, [older, newer, elsewhere], rules)).toEqual({ join: 'newer' });
    expect(chooseIncident({ ...report, zip: '94112' }, now, [older, newer], rules)).toEqual({ open: true, afterDismissedId: null });
  });

  it('item 4: a neighbourhood- or city-level report joins an incident inside that area, not one outside', () => {
    const bernal = { lat: 37.7389, lng: -122.4152, precision: 'neighbourhood' as const };
    const inside = candidate({ id: 'inside', lat: 37.7400, lng: -122.4160 });
    const outside = candidate({ id: 'outside', lat: 37.7800, lng: -122.4160 });
    expect(chooseIncident(bernal, now, [outside, inside], rules)).toEqual({ join: 'inside' });
    const oakland = { lat: 37.8044, lng: -122.2712, precision: 'city' as const };
    expect(chooseIncident(oakland, now, [outside, inside], rules)).toEqual({ open: true, afterDismissedId: null });
  });

  it('item 4: a precise report joins an open ZIP-level incident of its own ZIP (and makes it precise)', () => {
    const zipLevel = candidate({ id: 'zip', ...zipCentre, precision: 'zip' });
    const report = { ...mission19th, precision: 'intersection' as const, zip: '94110' };
    expect(chooseIncident(report, now, [zipLevel], rules)).toEqual({ join: 'zip' });
    expect(chooseIncident({ ...report, zip: '94103' }, now, [zipLevel], rules, (area, point) => area.zip === point.zip)).toEqual({ open: true, afterDismissedId: null });
  });

  it('item 4: an incident takes the latest of its most precise reports', () => {
    expect(isMorePrecise('intersection', 'zip')).toBe(true);
    expect(isMorePrecise('neighbourhood', 'zip')).toBe(true);
    expect(isMorePrecise('zip', 'intersection')).toBe(false);
    expect(isAtLeastAsPrecise('intersection', 'intersection')).toBe(true);
    expect(isAtLeastAsPrecise('zip', 'place')).toBe(false);
  });
});

describe('item 6: replies are not reports', () => {
  it.each([
    ['On my way', 'going'],
    ['on my way to home depot', 'going'],
    ['omw', 'going'],
    ['si voy', 'going'],
    ['Ya voy para allá', 'going'],
    ['papunta na ako', 'going'],
    ["can't, at work", 'cannot'],
    ['no puedo estoy trabajando', 'cannot'],
    ['hindi ako makakapunta', 'cannot'],
    ['ok', 'ack'],
    ['Gracias', 'ack'],
    ['👍', 'ack'],
  ])('item 6: "%s" is a roll-call answer (%s)', (text, answer) => {
    expect(readReply(text)?.answer).toBe(answer);
  });

  it('item 6: an incident code in the answer picks which alert it answers', () => {
    expect(readReply('omw to K28P')).toEqual({ answer: 'going', codes: ['K28P'] });
  });

  it.each(['ICE at 24th and Mission right now', 'la migra esta en la escuela', 'they took my brother from the car wash on cesar chavez and 3 more vans are coming down mission street'])(
    'item 6: "%s" is not an answer',
    (text) => {
      expect(readReply(text)).toBeNull();
    },
  );
});
