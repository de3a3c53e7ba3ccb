// The network's places through the console API (issue 8, item 11): create, list, edit, delete, the checks that
// refuse bad input without changing anything, and imports of CSV and GeoJSON files with every bad row named.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { placeSchema } from '../../src/http/schemas.js';
import { PLACES } from '../fixtures/geo/city.js';
import { type ApiClient, startSystem, type TestSystem } from '../support/system.js';

interface PlaceAnswer {
  id: string;
  name: string;
  aliases: string[];
  lat: number;
  lng: number;
  kind: string | null;
  createdAt: string;
  updatedAt: string;
}

const HOME_DEPOT = PLACES[0]!;
const MISSION_HIGH = PLACES[2]!;
const COURT = PLACES.find((p) => p.kind === 'court')!;

describe('places API', () => {
  let system: TestSystem;
  let dispatcher: ApiClient;
  let admin: ApiClient;

  beforeAll(async () => {
    system = await startSystem({ workers: false });
    dispatcher = await system.login('dispatcher');
    admin = await system.login('admin');
  });
  afterAll(() => system?.close());
  // Each test starts from no places: the list is theirs to reason about.
  beforeEach(() => {
    system.deps.db.$client.exec('delete from places');
  });

  const list = async (): Promise<PlaceAnswer[]> => {
    const response = await dispatcher.get('/api/places');
    expect(response.statusCode).toBe(200);
    return response.json() as PlaceAnswer[];
  };
  const create = async (body: unknown, client = dispatcher): Promise<PlaceAnswer> => {
    const response = await client.post('/api/places', body);
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as PlaceAnswer;
  };
  const remove = (id: string, client = dispatcher) => client.request('DELETE', `/api/places/${id}`, {});
  const auditActions = () => system.deps.repos.audit.recent(1000).map((entry) => [entry.action, entry.target]);
  const importFile = (format: 'csv' | 'geojson', content: string) => dispatcher.post('/api/places/import', { format, content });

  it('item 11: a dispatcher adds, lists, edits and deletes places; each change is audited and moves the places version', async () => {
    const version0 = system.deps.repos.places.version();
    const depot = await create({ name: `  ${HOME_DEPOT.name} `, aliases: [' Home Depot ', 'home depot', 'the Home Depot on Cesar Chavez'], lat: HOME_DEPOT.lat, lng: HOME_DEPOT.lng, kind: 'worksite' });
    expect(placeSchema.parse(depot)).toEqual(depot);
    // Trimmed, and the alias written twice kept once.
    expect(depot).toMatchObject({ name: HOME_DEPOT.name, aliases: ['Home Depot', 'the Home Depot on Cesar Chavez'], lat: HOME_DEPOT.lat, lng: HOME_DEPOT.lng, kind: 'worksite' });
    const version1 = system.deps.repos.places.version();
    expect(version1).not.toBe(version0);

    // Aliases and kind may be left out; an admin may manage places too.
    const school = await create({ name: MISSION_HIGH.name, lat: MISSION_HIGH.lat, lng: MISSION_HIGH.lng }, admin);
    expect(school).toMatchObject({ aliases: [], kind: null });
    const court = await create({ name: COURT.name, aliases: COURT.aliases, lat: COURT.lat, lng: COURT.lng, kind: 'court' });

    // Sorted by name.
    expect((await list()).map((p) => p.name)).toEqual([HOME_DEPOT.name, COURT.name, MISSION_HIGH.name]);
    expect((await dispatcher.get(`/api/places/${school.id}`)).json()).toEqual(school);

    // A partial edit changes only what it names.
    const version2 = system.deps.repos.places.version();
    const edited = await dispatcher.patch(`/api/places/${school.id}`, { aliases: ['Mission High', 'la Mission High'], kind: 'school' });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ id: school.id, name: MISSION_HIGH.name, aliases: ['Mission High', 'la Mission High'], kind: 'school', lat: MISSION_HIGH.lat, lng: MISSION_HIGH.lng });
    expect(Date.parse(edited.json().updatedAt)).toBeGreaterThan(Date.parse(school.updatedAt));
    expect(system.deps.repos.places.version()).not.toBe(version2);
    const moved = await dispatcher.patch(`/api/places/${school.id}`, { lat: 37.7618, lng: -122.4271, name: 'Mission High School (main entrance)' });
    expect(moved.json()).toMatchObject({ lat: 37.7618, lng: -122.4271, name: 'Mission High School (main entrance)', aliases: ['Mission High', 'la Mission High'] });
    expect((await dispatcher.patch(`/api/places/${court.id}`, { kind: null })).json().kind).toBeNull();

    // Delete: 204, gone, and a second delete or an edit of it is 404.
    const version3 = system.deps.repos.places.version();
    const deleted = await remove(court.id);
    expect(deleted.statusCode).toBe(204);
    expect(system.deps.repos.places.version()).not.toBe(version3);
    expect((await list()).map((p) => p.id)).toEqual([depot.id, school.id]);
    expect((await remove(court.id)).json()).toEqual({ error: 'no such place' });
    expect((await remove(court.id)).statusCode).toBe(404);
    expect((await dispatcher.patch(`/api/places/${court.id}`, { kind: 'court' })).statusCode).toBe(404);
    expect((await dispatcher.get(`/api/places/${court.id}`)).statusCode).toBe(404);

    const actions = auditActions();
    for (const entry of [['place.create', depot.id], ['place.create', school.id], ['place.update', school.id], ['place.update', court.id], ['place.delete', court.id]]) {
      expect(actions).toContainEqual(entry);
    }
  });

  it('item 11: bad input is answered 400 with what is wrong, and changes nothing', async () => {
    const depot = await create({ name: HOME_DEPOT.name, aliases: ['Home Depot'], lat: HOME_DEPOT.lat, lng: HOME_DEPOT.lng, kind: 'worksite' });
    const before = await list();
    const version = system.deps.repos.places.version();
    const good = { name: 'Produce Market', lat: 37.7425, lng: -122.396 };
    const bad: Array<[unknown, RegExp]> = [
      [{ ...good, name: '' }, /^name: must not be empty/],
      [{ ...good, name: '   ' }, /^name: must not be empty/],
      [{ ...good, name: '🚐🚐' }, /^name: must contain letters or digits/],
      [{ ...good, name: 'x'.repeat(121) }, /^name: must be at most 120 characters/],
      [{ lat: 37.7, lng: -122.4 }, /^name: is missing/],
      [{ ...good, aliases: Array.from({ length: 21 }, (_, i) => `alias ${i}`) }, /^aliases: at most 20 aliases/],
      [{ ...good, aliases: ['ok', ''] }, /^aliases\.1: must not be empty/],
      [{ ...good, aliases: ['y'.repeat(121)] }, /^aliases\.0: must be at most 120 characters/],
      [{ ...good, aliases: 'Produce' }, /^aliases: must be a list of names/],
      [{ ...good, lat: 91 }, /^lat: must be a latitude between -90 and 90/],
      [{ ...good, lat: -90.5 }, /^lat: must be a latitude between -90 and 90/],
      [{ ...good, lng: 180.1 }, /^lng: must be a longitude between -180 and 180/],
      [{ ...good, lat: '37.74' }, /^lat: must be a latitude \(a number\)/],
      [{ name: 'Produce Market', lng: -122.396 }, /^lat: is missing/],
      [{ ...good, kind: 'church' }, /^kind: must be one of worksite, school, home, court, checkpoint, other/],
    ];
    for (const [body, message] of bad) {
      const response = await dispatcher.post('/api/places', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().error).toMatch(message);
    }
    const badPatches: Array<[unknown, RegExp]> = [
      [{}, /nothing to change/],
      [{ lat: 100 }, /^lat: must be a latitude/],
      [{ name: '' }, /^name: must not be empty/],
      [{ aliases: [''] }, /^aliases\.0: /],
      [{ kind: 'mall' }, /^kind: /],
    ];
    for (const [body, message] of badPatches) {
      const response = await dispatcher.patch(`/api/places/${depot.id}`, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().error).toMatch(message);
    }
    // Not JSON: refused before anything is read (the API's CSRF rule).
    const form = await system.app.inject({ method: 'POST', url: '/api/places', headers: { cookie: dispatcher.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=x&lat=1&lng=2' });
    expect(form.statusCode).toBe(415);
    expect(await list()).toEqual(before);
    expect(system.deps.repos.places.version()).toBe(version);
  });

  it('item 11: a second place with the same name (case, accents and a leading article aside) is refused with 409', async () => {
    const depot = await create({ name: 'Home Depot Cesar Chavez', lat: HOME_DEPOT.lat, lng: HOME_DEPOT.lng });
    const school = await create({ name: 'Cesar Chavez Elementary School', lat: 37.7553, lng: -122.415 });
    for (const name of ['Home Depot Cesar Chavez', 'the home depot césar chávez', 'HOME DEPOT, CESAR CHAVEZ']) {
      const response = await dispatcher.post('/api/places', { name, lat: 37.7, lng: -122.4 });
      expect(response.statusCode, name).toBe(409);
      expect(response.json()).toEqual({ error: 'name: a place called "Home Depot Cesar Chavez" exists already' });
    }
    const renamed = await dispatcher.patch(`/api/places/${school.id}`, { name: 'The Home Depot Cesar Chavez' });
    expect(renamed.statusCode).toBe(409);
    // Its own name, written differently, is not a duplicate of itself.
    const respelled = await dispatcher.patch(`/api/places/${depot.id}`, { name: 'Home Depot César Chávez' });
    expect(respelled.statusCode).toBe(200);
    expect((await list()).map((p) => p.name)).toEqual(['Cesar Chavez Elementary School', 'Home Depot César Chávez']);
  });

  it('item 11: without a session every places route is 401; from a foreign origin 403', async () => {
    const depot = await create({ name: HOME_DEPOT.name, lat: HOME_DEPOT.lat, lng: HOME_DEPOT.lng });
    const anonymous = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
      system.app.inject({ method, url, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) }) });
    for (const [method, url, body] of [
      ['GET', '/api/places', undefined],
      ['POST', '/api/places', { name: 'x', lat: 1, lng: 2 }],
      ['POST', '/api/places', { name: '' }],
      ['GET', `/api/places/${depot.id}`, undefined],
      ['PATCH', `/api/places/${depot.id}`, { name: 'taken over' }],
      ['DELETE', `/api/places/${depot.id}`, {}],
      ['POST', '/api/places/import', { format: 'csv', content: 'name,lat,lng\nx,1,2\n' }],
    ] as const) {
      const response = await anonymous(method, url, body);
      expect(response.statusCode, `${method} ${url}`).toBe(401);
      expect(response.json()).toEqual({ error: 'sign in first' });
    }
    const foreign = await system.app.inject({
      method: 'POST',
      url: '/api/places',
      headers: { cookie: dispatcher.cookie, 'content-type': 'application/json', origin: 'https://evil.example' },
      payload: JSON.stringify({ name: 'Planted', lat: 37.7, lng: -122.4 }),
    });
    expect(foreign.statusCode).toBe(403);
    const signedOut = await system.login();
    expect((await signedOut.request('DELETE', '/api/session', {})).statusCode).toBe(204);
    expect((await signedOut.get('/api/places')).statusCode).toBe(401);
    expect((await list()).map((p) => p.name)).toEqual([HOME_DEPOT.name]);
  });

  it('item 11: a CSV file imports every place; importing it again changes nothing; a changed row updates its place', async () => {
    const rows = PLACES.map((p) => [csvCell(p.name), csvCell(p.aliases.join('; ')), p.lat, p.lng, p.kind].join(','));
    // Aliases separated by | work too; a column nobody reads is said, not silently dropped.
    const csv = `\uFEFFName,Aliases,Lat,Lng,Kind,Notes\r\n${rows.join('\r\n')}\r\nDay Labor Corner,esquina|the corner,37.7646,-122.4161,,call first\r\n`;
    const first = await importFile('csv', csv);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ created: PLACES.length + 1, updated: 0, unchanged: 0, ignoredColumns: ['notes'] });
    const places = await list();
    expect(places).toHaveLength(PLACES.length + 1);
    const church = places.find((p) => p.name === "St. Peter's Church");
    expect(church).toMatchObject({ aliases: ['St Peters', 'Iglesia San Pedro', 'San Pedro church'], kind: 'other', lat: 37.7528, lng: -122.4108 });
    expect(places.find((p) => p.name === 'Day Labor Corner')).toMatchObject({ aliases: ['esquina', 'the corner'], kind: null });
    expect(auditActions()).toContainEqual(['place.import', null]);

    const version = system.deps.repos.places.version();
    const again = await importFile('csv', csv);
    expect(again.json()).toMatchObject({ created: 0, updated: 0, unchanged: PLACES.length + 1 });
    expect(system.deps.repos.places.version()).toBe(version);

    // Matched by name as people write it; a file without aliases/kind columns keeps the places' own.
    const moved = await importFile('csv', "name,lat,lng\nthe mission high school,37.7620,-122.4275\nSt. Peter's Church,37.7528,-122.4108\n");
    expect(moved.json()).toEqual({ created: 0, updated: 1, unchanged: 1, ignoredColumns: [] });
    expect((await list()).find((p) => p.name === 'the mission high school')).toMatchObject({ lat: 37.762, lng: -122.4275, aliases: ['Mission High', 'la Mission High'], kind: 'school' });
    expect(system.deps.repos.places.version()).not.toBe(version);
  });

  it('item 11: a CSV file with bad rows imports nothing and names each bad row by its line', async () => {
    await create({ name: 'Existing Place', lat: 37.7, lng: -122.4 });
    const before = await list();
    const csv = [
      'name,aliases,lat,lng,kind',
      'Good Place,,37.75,-122.41,worksite',
      ',,37.75,-122.41,',
      '"Quoted, with a comma",a;b,37.75,-122.41,school',
      '"A name on',
      'two lines",,95,-122.41,',
      '',
      'Bad Kind,,37.75,-122.41,church',
      'No Lat,,,-122.41,',
      'good place,,37.76,-122.42,',
      'Extra Cells,a,37.75,-122.41,,x',
      'Comma Lat,,"37,75",-122.41,',
    ].join('\n');
    const response = await importFile('csv', csv);
    expect(response.statusCode).toBe(422);
    const body = response.json() as { error: string; errors: Array<{ line: number; error: string }> };
    expect(body.error).toBe('7 bad row(s), nothing was imported (line 3: name: must not be empty)');
    expect(body.errors).toEqual([
      { line: 3, error: 'name: must not be empty' },
      { line: 5, error: 'lat: must be a latitude between -90 and 90' },
      { line: 8, error: 'kind: must be one of worksite, school, home, court, checkpoint, other, or empty' },
      { line: 9, error: 'lat: is missing' },
      { line: 10, error: 'name: the same place as line 2' },
      { line: 11, error: 'more cells than columns (5); put aliases in one cell separated by ; or |' },
      { line: 12, error: 'lat: must be a latitude (a number)' },
    ]);
    expect(await list()).toEqual(before);

    // A file that cannot be read at all: 400, and still nothing.
    for (const [content, message] of [
      ['title,lat,lng\nx,1,2\n', /^csv: the first line must name the columns: name, aliases, lat, lng, kind \(no "name" column\)/],
      ['name,aliases,lat,lng\n"unclosed,,1,2\n', /^csv: not a readable CSV file: /],
      ['', /^content: the file is empty/],
    ] as const) {
      const unreadable = await importFile('csv', content);
      expect(unreadable.statusCode).toBe(400);
      expect(unreadable.json().error).toMatch(message);
    }
    expect(await list()).toEqual(before);
  });

  it('item 11: a GeoJSON FeatureCollection of Points imports; bad features are named by number and nothing goes in', async () => {
    const features = PLACES.slice(0, 5).map((p) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [p.lng, p.lat] }, properties: { name: p.name, aliases: p.aliases, kind: p.kind } }));
    features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [-122.4, 37.75, 12] }, properties: { name: 'Taqueria', aliases: 'El Farolito|la taqueria' as never, kind: null as never } });
    const good = await importFile('geojson', JSON.stringify({ type: 'FeatureCollection', features }));
    expect(good.statusCode, good.body).toBe(200);
    expect(good.json()).toEqual({ created: 6, updated: 0, unchanged: 0, ignoredColumns: [] });
    const places = await list();
    expect(places.find((p) => p.name === HOME_DEPOT.name)).toMatchObject({ lat: HOME_DEPOT.lat, lng: HOME_DEPOT.lng, aliases: HOME_DEPOT.aliases, kind: 'worksite' });
    expect(places.find((p) => p.name === 'Taqueria')).toMatchObject({ lat: 37.75, lng: -122.4, aliases: ['El Farolito', 'la taqueria'], kind: null });

    const bad = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'Point', coordinates: [-122.41, 37.75] }, properties: { name: 'Fine' } },
        { type: 'Feature', geometry: { type: 'LineString', coordinates: [[-122.41, 37.75], [-122.42, 37.76]] }, properties: { name: 'A street' } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [37.75, -122.41] }, properties: { name: 'Swapped' } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [-122.41, 37.75] }, properties: { aliases: ['no name'] } },
        { type: 'Feature', geometry: null, properties: { name: 'Nowhere' } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [-122.41, 37.75] }, properties: { name: 'Fine' } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [-122.41, 37.75] }, properties: { name: 'Odd', kind: 'mall' } },
      ],
    };
    const rejected = await importFile('geojson', JSON.stringify(bad));
    expect(rejected.statusCode).toBe(422);
    expect(rejected.json().errors).toEqual([
      { feature: 2, error: 'geometry: must be a Point (a place is one point)' },
      { feature: 3, error: 'lat: must be a latitude between -90 and 90' },
      { feature: 4, error: 'name: is missing' },
      { feature: 5, error: 'geometry: must be a Point (a place is one point)' },
      { feature: 6, error: 'name: the same place as feature 1' },
      { feature: 7, error: 'kind: must be one of worksite, school, home, court, checkpoint, other, or empty' },
    ]);
    for (const [content, message] of [
      ['{"type": "FeatureCollection", "features": [', /^geojson: not a readable GeoJSON file: /],
      ['{"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]}}', /^geojson: not a GeoJSON FeatureCollection/],
    ] as const) {
      const unreadable = await importFile('geojson', content);
      expect(unreadable.statusCode).toBe(400);
      expect(unreadable.json().error).toMatch(message);
    }
    expect(await list()).toEqual(places);
  });

  it('item 11: 5,000 places in one file import in one go; a file over 1 MB is refused', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `Place number ${i},alias ${i};other alias ${i},${(37.6 + (i % 100) * 0.002).toFixed(4)},${(-122.5 + Math.floor(i / 100) * 0.002).toFixed(4)},worksite`);
    const csv = `name,aliases,lat,lng,kind\n${rows.join('\n')}\n`;
    expect(csv.length).toBeLessThan(1024 * 1024);
    const response = await importFile('csv', csv);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ created: 5000, updated: 0 });
    const places = await list();
    expect(places).toHaveLength(5000);
    expect(places.find((p) => p.name === 'Place number 4999')).toMatchObject({ aliases: ['alias 4999', 'other alias 4999'], lat: 37.798, lng: -122.402 });

    const huge = `name,lat,lng\n${'x'.repeat(1024 * 1024)},1,2\n`;
    const tooBig = await importFile('csv', huge);
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.json().error).toMatch(/^content: the file is larger than 1 MB/);
    expect(await list()).toHaveLength(5000);
  });
});

function csvCell(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
