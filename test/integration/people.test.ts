// GET /api/session: the console asks who it is signed in as, to offer admins their screens (and nobody a
// button to disable themselves).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystem, type TestSystem } from '../support/system.js';

describe('who is signed in', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startSystem({ workers: false });
  });
  afterAll(() => system?.close());

  it('item 10: GET /api/session answers the signed-in user (role, masked phone, second factor), and 401 without a session', async () => {
    const admin = await system.login('admin', 'boss@example.org');
    const me = await admin.get('/api/session');
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ email: 'boss@example.org', role: 'admin', totp: false, disabled: false, phone: null });
    const dispatcher = await system.login('dispatcher', 'ana@example.org');
    expect((await dispatcher.get('/api/session')).json()).toMatchObject({ email: 'ana@example.org', role: 'dispatcher' });
    const anonymous = await system.app.inject({ method: 'GET', url: '/api/session' });
    expect([anonymous.statusCode, anonymous.json()]).toEqual([401, { error: 'sign in first' }]);
  });
});
