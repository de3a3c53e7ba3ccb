// The operator's own geocoder (GEOCODER_URL), through the webhook and a real worker: it is asked only for what the
// offline sources could not place, the reporter is not asked "where?" while it answers, and when it finds nothing (or
// fails) the question goes out by SMS. Without GEOCODER_URL nothing is ever sent anywhere.
import { afterEach, describe, expect, it } from 'vitest';
import { fitSms } from '../../src/domain/sms-fit.js';
import { t } from '../../src/i18n/index.js';
import { type FakeNominatim, junction, startFakeNominatim } from '../support/fake-nominatim.js';
import { startSystem, type TestSystem } from '../support/system.js';

describe('the HTTP geocoder in the report pipeline', () => {
  let system: TestSystem | undefined;
  let nominatim: FakeNominatim | undefined;
  afterEach(async () => {
    await system?.close();
    await nominatim?.close();
  });

  const start = async (answers: FakeNominatim['answers']) => {
    nominatim = await startFakeNominatim({ answers });
    system = await startSystem({ env: { GEOCODER_URL: nominatim.url, GEOCODER_TIMEOUT_MS: '1000' } });
    return { system, dispatcher: await system.login() };
  };

  it('item 2: cross streets with no street index are placed by the geocoder, and the reporter is not asked where', async () => {
    const { system, dispatcher } = await start((q) => (/valencia/i.test(q) && /22/.test(q) ? [junction({ lat: 37.7557, lng: -122.4212, road: 'Valencia Street' })] : []));
    expect(await system.text('+14155550871', 'ICE at Valencia St and 22nd St right now')).toBe(fitSms(t('en', 'report_ack')));
    await system.idle();
    const [report] = (await dispatcher.get('/api/reports')).json() as Array<{ location: { precision: string; source: string; lat: number } | null }>;
    expect(report?.location).toMatchObject({ precision: 'intersection', source: 'geocoder' });
    expect(nominatim?.requests).toHaveLength(1);
    expect(nominatim?.requests[0]?.q).toMatch(/Valencia/i);
    // Nothing was sent to the reporter but the reply.
    expect(system.twilio.sent.filter((m) => m.to === '+14155550871')).toHaveLength(0);
  });

  it('item 2: when the geocoder finds nothing, the question goes out by SMS', async () => {
    const { system } = await start(() => []);
    expect(await system.text('+14155550872', 'la migra en Calle Inventada y Otra Calle')).toBe(fitSms(t('es', 'report_ack')));
    await system.idle();
    await system.twilio.waitForSent(1);
    expect(system.twilio.sent.find((m) => m.to === '+14155550872')?.body).toBe(fitSms(t('es', 'location_question')));
  });

  it('item 2: a text with a ZIP and nothing more precise never reaches the geocoder; nor does anything without GEOCODER_URL', async () => {
    const { system } = await start(() => []);
    await system.text('+14155550873', 'raid at the warehouse 94110');
    await system.idle();
    expect(nominatim?.requests).toHaveLength(0);
  });
});
