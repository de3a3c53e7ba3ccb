// The optional HTTP geocoder against a real local Nominatim-compatible server (test/support/fake-nominatim.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpGeocoder, geocoderFromConfig, type HttpGeocoderOptions, twoStreets } from '../../../src/geo/http-geocoder.js';
import { createLogger } from '../../../src/log.js';
import {
  area,
  building,
  byQuery,
  house,
  junction,
  type NominatimAnswer,
  type FakeNominatim,
  nominatimResult,
  poi,
  postcode,
  road,
  startFakeNominatim,
} from '../../support/fake-nominatim.js';

const MISSION = { lat: 37.7526, lng: -122.4188 }; // Mission St & 24th St
const SF_REGION = { center: { lat: 37.76, lng: -122.42 }, radiusKm: 10 };

const servers: FakeNominatim[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function fake(answers: (q: string) => NominatimAnswer | undefined = () => []): Promise<FakeNominatim> {
  const server = await startFakeNominatim({ answers });
  servers.push(server);
  return server;
}

/** A real pino logger whose lines the test can read. */
function capturedLog(): { log: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger('warn', { write: (line: string) => void lines.push(line) }), lines };
}

function geocoder(server: FakeNominatim, options: Partial<HttpGeocoderOptions> = {}) {
  return createHttpGeocoder({ url: server.url, ratePerSecond: 0, ...options });
}

describe('HTTP geocoder (Nominatim search API)', () => {
  it('item 2: maps each kind of result to the precision it really has, and labels it the way people know it', async () => {
    const table: Record<string, NominatimAnswer> = {
      '2440 Mission St, 94110': [house({ ...MISSION, houseNumber: '2440', road: 'Mission Street', address: { postcode: '94110', city: 'San Francisco' } })],
      '3315 24th St': [building({ lat: 37.7524, lng: -122.4205, houseNumber: '3315-3317', road: '24th Street' })],
      'mission high school': [poi({ lat: 37.7617, lng: -122.4270, name: 'Mission High School', address: { house_number: '3750', road: '18th Street' } })],
      'home depot cesar chavez': [poi({ lat: 37.7484, lng: -122.4085, name: 'The Home Depot', category: 'shop', type: 'doityourself', address: { house_number: '2 ', road: 'Cesar Chavez Street' } })],
      'Cesar Chavez St & Bryant St, San Francisco': [junction({ lat: 37.7481, lng: -122.4088, road: 'Bryant Street' })],
      'cesar chavez y bryant, 94110': [road({ lat: 37.7481, lng: -122.4120, name: 'Cesar Chavez Street' })],
      '24th and Folsom': [road({ lat: 37.7450, lng: -122.4000, name: 'Potrero Avenue' })],
      'mission district': [area({ lat: 37.7599, lng: -122.4148, name: 'Mission District', addresstype: 'suburb' })],
      'bernal heights': [area({ lat: 37.7389, lng: -122.4152, name: 'Bernal Heights', addresstype: 'neighbourhood' })],
      'daly city': [area({ lat: 37.6879, lng: -122.4702, name: 'Daly City', addresstype: 'city' })],
      '94110': [postcode({ lat: 37.7486, lng: -122.4156, postcode: '94110' })],
      'valencia st': [road({ lat: 37.7560, lng: -122.4212, name: 'Valencia Street', lengthMeters: 2500 })],
      'lilac st': [road({ lat: 37.7500, lng: -122.4170, name: 'Lilac Street', lengthMeters: 250, type: 'service' })],
      california: [nominatimResult({ lat: 36.7, lng: -119.4, category: 'boundary', type: 'administrative', addresstype: 'state', name: 'California', place_rank: 8 })],
    };
    const server = await fake((q) => table[q]);
    const geo = geocoder(server);

    const address = await geo.search('2440 Mission St, 94110');
    expect(address).toEqual({ lat: MISSION.lat, lng: MISSION.lng, label: '2400 block of Mission St', precision: 'address', zip: '94110', source: 'geocoder', words: null });
    // A house number range is still a block, never a number.
    expect(await geo.search('3315 24th St')).toMatchObject({ precision: 'address', label: '3300 block of 24th St' });
    expect(await geo.search('mission high school')).toMatchObject({ precision: 'place', label: 'Mission High School', lat: 37.7617 });
    // A named shop has an address too, but people know it by its name.
    expect(await geo.search('home depot cesar chavez')).toMatchObject({ precision: 'place', label: 'The Home Depot' });
    // A node where the streets meet, and a road result for a two-street query.
    expect(await geo.search('Cesar Chavez St & Bryant St, San Francisco')).toMatchObject({ precision: 'intersection', label: 'Cesar Chavez St & Bryant St', lat: 37.7481 });
    expect(await geo.search('cesar chavez y bryant, 94110')).toMatchObject({ precision: 'intersection', label: 'Cesar Chavez St & Bryant' });
    // A road that is neither of the two streets is not their crossing.
    expect(await geo.search('24th and Folsom')).toBeNull();
    expect(await geo.search('mission district')).toMatchObject({ precision: 'neighbourhood', label: 'Mission District' });
    expect(await geo.search('bernal heights')).toMatchObject({ precision: 'neighbourhood', label: 'Bernal Heights' });
    expect(await geo.search('daly city')).toMatchObject({ precision: 'city', label: 'Daly City' });
    expect(await geo.search('94110')).toMatchObject({ precision: 'zip', label: 'ZIP 94110', zip: '94110' });
    // A street named alone says where only when it is short.
    expect(await geo.search('valencia st')).toBeNull();
    expect(await geo.search('lilac st')).toMatchObject({ precision: 'neighbourhood', label: 'Lilac St' });
    // A state is no help to anyone running to a raid.
    expect(await geo.search('california')).toBeNull();
  });

  it('item 2: reads two-street queries in the ways people and the reader write them', () => {
    expect(twoStreets('Cesar Chavez St & Bryant St, 94110')).toEqual(['Cesar Chavez St', 'Bryant St']);
    expect(twoStreets('24th St and Folsom St')).toEqual(['24th St', 'Folsom St']);
    expect(twoStreets('cesar chavez y bryant')).toEqual(['cesar chavez', 'bryant']);
    expect(twoStreets('Mission/24th')).toEqual(['Mission', '24th']);
    expect(twoStreets('24 St at Folsom')).toEqual(['24 St', 'Folsom']);
    expect(twoStreets('2440 Mission St, 94110')).toBeNull();
    expect(twoStreets('2440 Mission St & 24th St')).toBeNull();
    expect(twoStreets('Mission St, 94110 & more')).toBeNull();
  });

  it('item 2: asks /search with the query, jsonv2, address details, 5 results, the country and a viewbox, as Centinela', async () => {
    const server = await fake();
    const geo = geocoder(server, { region: SF_REGION, language: 'es' });
    expect(await geo.search('  2440   Mission St,  94110 ')).toBeNull();
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.path).toBe('/search');
    expect(request?.q).toBe('2440 Mission St, 94110');
    expect(Object.fromEntries(request?.params ?? [])).toMatchObject({ format: 'jsonv2', addressdetails: '1', limit: '5', countrycodes: 'us', bounded: '0' });
    expect(request?.headers['user-agent']).toMatch(/^Centinela\b/);
    expect(request?.headers['accept-language']).toBe('es');
    // left,top,right,bottom around the region's circle.
    const [left, top, right, bottom] = (request?.params.get('viewbox') ?? '').split(',').map(Number);
    expect(left).toBeLessThan(SF_REGION.center.lng);
    expect(right).toBeGreaterThan(SF_REGION.center.lng);
    expect(top).toBeCloseTo(SF_REGION.center.lat + 10 / 111.32, 3);
    expect(bottom).toBeCloseTo(SF_REGION.center.lat - 10 / 111.32, 3);
    // Without a region there is no viewbox; without a country, no countrycodes.
    await geocoder(server, { country: '' }).search('other');
    expect(server.requests[1]?.params.has('viewbox')).toBe(false);
    expect(server.requests[1]?.params.has('countrycodes')).toBe(false);
  });

  it('item 2: a geocoder that does not answer gives null within about the timeout', async () => {
    const server = await fake(() => ({ kind: 'hang' }));
    const { log, lines } = capturedLog();
    const geo = geocoder(server, { timeoutMs: 300, log });
    const started = performance.now();
    expect(await geo.search('Cesar Chavez & Bryant')).toBeNull();
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1500);
    expect(server.requests).toHaveLength(1);
    expect(lines.join('')).toMatch(/timed out/);
    expect(lines.join('')).not.toMatch(/chavez|bryant/i);
  });

  it('item 2: errors, 429, garbage, JSON that is not a list, empty results and an unreachable server give null, never the query in a log', async () => {
    const answers: Record<string, NominatimAnswer> = {
      'calle 24 y folsom error': { status: 500 },
      'calle 24 y folsom down': { status: 503 },
      'calle 24 y folsom garbage': { kind: 'garbage' },
      'calle 24 y folsom empty': [],
    };
    const server = await fake((q) => answers[q]);
    const { log, lines } = capturedLog();
    const geo = geocoder(server, { log });
    for (const q of Object.keys(answers)) expect(await geo.search(q), q).toBeNull();
    expect(server.requests).toHaveLength(4);

    // Results that are not results: skipped, not thrown.
    server.answers = () => [{ lat: 'north', lon: 'west' } as never, nominatimResult({ lat: 91, lng: 0, category: 'place', type: 'house' })];
    expect(await geo.search('calle 24 y folsom odd')).toBeNull();

    const unreachable = await fake();
    const closedUrl = unreachable.url;
    await unreachable.close();
    expect(await createHttpGeocoder({ url: closedUrl, log }).search('calle 24 y folsom unreachable')).toBeNull();

    const logged = lines.join('');
    expect(logged).toMatch(/"status":500/);
    expect(logged).toMatch(/"status":503/);
    expect(logged).toMatch(/not JSON/);
    expect(logged).toMatch(/unreachable/);
    expect(logged).not.toMatch(/folsom|calle/i);
  });

  it('item 2: a 429 pauses the geocoder for its Retry-After, and waiting callers get null without asking', async () => {
    const server = await fake(() => ({ status: 429, retryAfter: 60 }));
    const { log, lines } = capturedLog();
    const geo = geocoder(server, { log, timeoutMs: 500 });
    expect(await geo.search('24th & Mission')).toBeNull();
    const started = performance.now();
    expect(await geo.search('Valencia & 16th')).toBeNull();
    expect(performance.now() - started).toBeLessThan(250);
    expect(server.requests).toHaveLength(1);
    expect(lines.join('')).toMatch(/"status":429/);
  });

  it('item 2: caches answers by the normalised query, shares one request between concurrent callers, and forgets misses sooner', async () => {
    const server = await fake((q) => (q.toLowerCase().includes('mission') ? [house({ ...MISSION, houseNumber: '2440', road: 'Mission Street' })] : []));
    let clock = 1_000_000;
    const geo = geocoder(server, { now: () => clock, negativeTtlMs: 60_000, cacheTtlMs: 3_600_000 });

    const first = await geo.search('2440 Mission St, 94110');
    expect(first?.precision).toBe('address');
    expect(await geo.search('2440 Mission St, 94110')).toEqual(first);
    // Another casing, accents and spacing of the same query share its entry.
    expect(await geo.search('  2440 MISSION st ,94110. ')).toEqual(first);
    expect(await geo.search('2440 Missión St, 94110')).toEqual(first);
    expect(server.requests).toHaveLength(1);

    // Concurrent identical queries: one request.
    const [a, b] = await Promise.all([geo.search('Folsom & 24th'), geo.search('folsom & 24TH')]);
    expect(a).toBeNull();
    expect(b).toBeNull();
    expect(server.requests).toHaveLength(2);
    expect(await geo.search('Folsom & 24th')).toBeNull();
    expect(server.requests).toHaveLength(2);

    // A miss is forgotten after its shorter time; the hit is still remembered.
    clock += 61_000;
    await geo.search('Folsom & 24th');
    await geo.search('2440 Mission St, 94110');
    expect(server.requests.map((r) => r.q)).toEqual(['2440 Mission St, 94110', 'Folsom & 24th', 'Folsom & 24th']);
    clock += 3_600_000;
    await geo.search('2440 Mission St, 94110');
    expect(server.requests).toHaveLength(4);

    // A failure is not remembered: the next search asks again.
    server.answers = () => ({ status: 500 });
    expect(await geo.search('Shotwell & 20th')).toBeNull();
    server.answers = () => [];
    expect(await geo.search('Shotwell & 20th')).toBeNull();
    expect(server.requests.filter((r) => r.q === 'Shotwell & 20th')).toHaveLength(2);

    // Callers cannot change what the cache holds.
    const hit = await geo.search('2440 Mission St, 94110');
    if (hit) hit.label = 'changed';
    expect((await geo.search('2440 Mission St, 94110'))?.label).toBe('2400 block of Mission St');
  });

  it('item 2: at most N requests start in a second; the next caller waits its turn, or gets null if its turn is past the timeout', async () => {
    const server = await fake();
    const geo = geocoder(server, { ratePerSecond: 2, timeoutMs: 2000 });
    await Promise.all(['Mission & 16th', 'Mission & 17th', 'Mission & 18th'].map((q) => geo.search(q)));
    const at = server.requests.map((r) => r.at);
    expect(at).toHaveLength(3);
    const [first = 0, second = 0, third = 0] = at;
    expect(second - first).toBeLessThan(400);
    expect(third - first).toBeGreaterThanOrEqual(900);

    const strict = geocoder(server, { ratePerSecond: 1, timeoutMs: 300 });
    const started = performance.now();
    const results = await Promise.all([strict.search('Valencia & 16th'), strict.search('Valencia & 17th')]);
    expect(results).toEqual([null, null]);
    expect(performance.now() - started).toBeLessThan(900);
    expect(server.requests.slice(3).map((r) => r.q)).toEqual(['Valencia & 16th']);
  });

  it("item 2: results inside the committees' region win; outside it only up to twice the radius, when nothing is inside", async () => {
    const losAngeles = house({ lat: 34.0505, lng: -118.2428, houseNumber: '2440', road: 'Mission Road' });
    const here = house({ ...MISSION, houseNumber: '2440', road: 'Mission Street' });
    const justOutside = house({ lat: 37.76 + 15 / 111.32, lng: -122.42, houseNumber: '2440', road: 'Mission Street' }); // 15 km north
    const farOutside = house({ lat: 37.76 + 25 / 111.32, lng: -122.42, houseNumber: '2440', road: 'Mission Street' }); // 25 km north
    const table: Record<string, NominatimAnswer> = {
      'both': [losAngeles, here],
      'just outside': [farOutside, justOutside],
      'far outside': [losAngeles, farOutside],
    };
    const server = await fake(byQuery(table));
    const geo = geocoder(server, { region: SF_REGION });
    expect(await geo.search('both')).toMatchObject({ lat: MISSION.lat, lng: MISSION.lng });
    expect(await geo.search('just outside')).toMatchObject({ lat: Number(justOutside.lat) });
    expect(await geo.search('far outside')).toBeNull();
    // With no region known, the server's first answer stands.
    expect(await geocoder(server).search('both')).toMatchObject({ lat: 34.0505 });

    // The region can move (committees change): a function is asked each time, and the cache follows it.
    let region: typeof SF_REGION | null = SF_REGION;
    const moving = geocoder(server, { region: () => region });
    expect(await moving.search('both')).toMatchObject({ lat: MISSION.lat });
    region = { center: { lat: 34.05, lng: -118.24 }, radiusKm: 20 };
    expect(await moving.search('both')).toMatchObject({ lat: 34.0505 });
    const viewboxes = server.requests.slice(-2).map((r) => r.params.get('viewbox'));
    expect(viewboxes[0]).not.toBe(viewboxes[1]);
  });

  it('item 2: no geocoder without settings; with them, it asks the configured server', async () => {
    expect(geocoderFromConfig(null)).toBeNull();
    const server = await fake(() => [postcode({ lat: 37.7486, lng: -122.4156, postcode: '94110' })]);
    // Credentials in GEOCODER_URL become Basic auth (fetch refuses them in the URL).
    const withCredentials = server.url.replace('http://', 'http://geo:s%40cret@');
    const geo = geocoderFromConfig({ url: `${withCredentials}/search`, timeoutMs: 1000, ratePerSecond: 1, country: 'us' });
    expect(await geo?.search('94110')).toMatchObject({ precision: 'zip', source: 'geocoder' });
    expect(server.requests.map((r) => r.path)).toEqual(['/search']);
    expect(server.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('geo:s@cret').toString('base64')}`);
  });
});
