// Abuse resistance: per-number and line-wide limits, the flood warning, and what happens while Redis is away.
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fitSms } from '../../src/domain/sms-fit.js';
import { t } from '../../src/i18n/index.js';
import { JOINS_PER_NUMBER_PER_HOUR } from '../../src/services/limits.js';
import { committeeWithMembers, MISSION_ZIPS } from '../support/scenario.js';
import { type ApiClient, startSystem, TestClock, type TestSystem } from '../support/system.js';

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.close();
  system = undefined;
});

const count = (s: TestSystem, table: string) => (s.deps.db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;

describe('rate limits', () => {
  it('takes LIMIT_REPORTS_PER_NUMBER_PER_HOUR reports from a number, then refuses politely once and stores nothing', async () => {
    system = await startSystem({ env: { LIMIT_REPORTS_PER_NUMBER_PER_HOUR: '3' } });
    const spammer = '+14155550801';
    for (let i = 0; i < 3; i++) expect(await system.text(spammer, `raid number ${i} at 94110`)).toBe(fitSms(t('en', 'report_ack')));
    expect(await system.text(spammer, 'raid number 4 at 94110')).toBe(fitSms(t('en', 'report_limited')));
    expect(await system.text(spammer, 'raid number 5 at 94110')).toBe('');
    expect(count(system, 'reports')).toBe(3);
    // STOP and HELP are never limited; another number is not affected.
    expect(await system.text(spammer, 'HELP')).toBe(fitSms(t('en', 'help', { program: 'Centinela' })));
    expect(await system.text('+14155550802', 'raid at 94110 now')).toBe(fitSms(t('en', 'report_ack')));
    expect(await system.text(spammer, 'STOP')).toBe('');
    expect(system.deps.repos.contacts.findByPhone(spammer)?.stoppedAt).not.toBeNull();
  });

  it('item 9: made-up invite codes use up only the line-wide wrong-code budget; a correct code still gets through', async () => {
    system = await startSystem({ env: { LIMIT_JOINS_PER_MINUTE: '2' } });
    const dispatcher = await system.login();
    const { inviteCode, name } = (await dispatcher.post('/api/committees', { name: 'C', area: { type: 'zips', zips: ['94110'] } })).json();
    // An attacker texting made-up codes from many numbers.
    const guesses = await Promise.all([1, 2, 3, 4, 5].map((i) => system!.text(`+1415555081${i}`, `JOIN ZZZ99${i}`)));
    expect(guesses.filter((reply) => reply === fitSms(t('en', 'join_unknown_code', { program: 'Centinela' })))).toHaveLength(2);
    expect(guesses.filter((reply) => reply === fitSms(t('en', 'join_busy')))).toHaveLength(3);
    // Real invitees in the same minute are not turned away.
    expect(await system.text('+14155550818', `JOIN ${inviteCode}`)).toBe(fitSms(t('en', 'join_pending', { committee: name, program: 'Centinela' })));
    expect(await system.text('+14155550819', `JOIN ${inviteCode} 94110`)).toBe(fitSms(t('en', 'join_pending', { committee: name, program: 'Centinela' })));
    expect(count(system, 'members')).toBe(2);
  });

  it('item 9: limits JOINs per number, right code or wrong, and refuses politely once', async () => {
    system = await startSystem({ env: { LIMIT_JOINS_PER_MINUTE: '0' } });
    const dispatcher = await system.login();
    const { inviteCode, name } = (await dispatcher.post('/api/committees', { name: 'C', area: { type: 'zips', zips: ['94110'] } })).json();
    const guesser = '+14155550820';
    for (let i = 0; i < JOINS_PER_NUMBER_PER_HOUR; i++) expect(await system.text(guesser, `JOIN QQ${i}777`)).toBe(fitSms(t('en', 'join_unknown_code', { program: 'Centinela' })));
    // Over its own limit, the number gets "try again later" even for a right code, and then silence.
    expect(await system.text(guesser, `JOIN ${inviteCode}`)).toBe(fitSms(t('en', 'join_busy')));
    expect(await system.text(guesser, `JOIN ${inviteCode}`)).toBe('');
    expect(count(system, 'members')).toBe(0);
    expect(await system.text('+14155550829', `JOIN ${inviteCode}`)).toBe(fitSms(t('en', 'join_pending', { committee: name, program: 'Centinela' })));
  });

  it('limits other keywords per number (e.g. guessing verification codes), silently', async () => {
    system = await startSystem({ env: { LIMIT_KEYWORDS_PER_NUMBER_PER_HOUR: '2' } });
    const guesser = '+14155550821';
    expect(await system.text(guesser, 'CONFIRM AB12')).not.toBe('');
    expect(await system.text(guesser, 'CONFIRM AB13')).not.toBe('');
    expect(await system.text(guesser, 'CONFIRM AB14')).toBe('');
    expect(await system.text(guesser, 'HELP')).not.toBe('');
  });
});

describe('senders that are not a phone number', () => {
  it('item 8: texts from a withheld sender share a line-wide budget, get no contact, and a refused one is never told "received"', async () => {
    system = await startSystem({ env: { LIMIT_REPORTS_PER_NUMBER_PER_HOUR: '1', LIMIT_HIDDEN_NUMBER_REPORTS_PER_HOUR: '2' } });
    // More than one number's worth of reports: a withheld caller ID is not one number.
    expect(await system.text('Anonymous', 'agents at the laundromat 94110')).toBe(fitSms(t('en', 'report_ack')));
    // No one to ask "where is this?": the report is acknowledged, and a dispatcher places it.
    expect(await system.text('Anonymous', 'agents on my street right now')).toBe(fitSms(t('en', 'report_ack')));
    expect(await system.text('Anonymous', 'more agents at the laundromat 94110')).toBe(fitSms(t('en', 'report_busy')));
    expect(await system.text('+266696687', 'agents again at the corner 94110')).toBe(fitSms(t('en', 'report_busy')));
    expect(count(system, 'reports')).toBe(2);
    expect(count(system, 'contacts')).toBe(0);
    const stored = system.deps.db.$client.prepare('select contact_id, awaiting_location_until from reports').all();
    expect(stored).toEqual([
      { contact_id: null, awaiting_location_until: null },
      { contact_id: null, awaiting_location_until: null },
    ]);
    // A number's own budget is untouched by the hidden senders' one.
    expect(await system.text('+14155550830', 'raid at the school 94110')).toBe(fitSms(t('en', 'report_ack')));
    // Keywords act on a number: from a withheld sender they change nothing.
    expect(await system.text('Anonymous', 'STOP')).toBe('');
    expect(await system.text('Anonymous', 'LANG ES')).toBe(fitSms(t('en', 'hidden_number')));
    expect(await system.text('Anonymous', 'JOIN ZZZ991')).toBe(fitSms(t('en', 'hidden_number')));
    expect(await system.text('Anonymous', 'HELP')).toBe(fitSms(t('en', 'help', { program: 'Centinela' })));
    expect(count(system, 'contacts')).toBe(1);
    await system.idle();
    expect(system.twilio.sent).toHaveLength(0);
  });
});

describe('flood warning', () => {
  it('marks incidents opened by new numbers during a flood, holds automatic messages, and lets a dispatcher clear it', async () => {
    system = await startSystem({ env: { FLOOD_NEW_REPORTERS_PER_10_MIN: '3' } });
    const dispatcher: ApiClient = await system.login();
    // Reports spread over different ZIPs so each opens its own incident.
    // A number the line knows (an active member) stays trusted during the flood.
    await committeeWithMembers(system, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, ['+14155550849']);
    const zips = ['94110', '10001', '60601', '73301', '98101'];
    for (const [i, zip] of zips.entries()) await system.text(`+1415555083${i}`, `raid at the plant ${zip}`);
    // A new number with no location during the flood: no automatic "where is it?" SMS goes out.
    await system.text('+14155550839', 'agents everywhere');
    await system.idle();

    await system.text('+14155550849', 'raid at the depot 33101');
    await system.idle();
    const flood = (await dispatcher.get('/api/flood')).json();
    expect(flood.active).toBe(true);
    // The count is refreshed at most once a second: at least the one that crossed the threshold of 3.
    expect(flood.newReportersIn10Min).toBeGreaterThanOrEqual(4);
    const health = (await dispatcher.get('/api/health')).json();
    expect(health.alarms).toEqual([expect.objectContaining({ type: 'flood' })]);
    const incidents = (await dispatcher.get('/api/incidents')).json() as Array<{ flood: boolean }>;
    expect(incidents.map((i) => i.flood).sort()).toEqual([false, false, false, false, true, true, true]);
    expect(system.twilio.sent).toHaveLength(0);

    expect((await dispatcher.post('/api/flood/clear', {})).json()).toEqual({ active: false });
    await system.text('+14155550840', 'raid at the plant 94110'); // still above the threshold: it comes back
    expect((await dispatcher.get('/api/flood')).json().active).toBe(true);
  });
});

describe('who counts as new to the line', () => {
  it('item 15: texting HELP, STOP, START or LANG first makes no number known: a flood of such numbers is still marked flood', async () => {
    const clock = new TestClock();
    system = await startSystem({ clock, env: { FLOOD_NEW_REPORTERS_PER_10_MIN: '2' } });
    const s = system;
    const floodReports = () => (s.deps.db.$client.prepare('select count(*) as n from reports where flood = 1').get() as { n: number }).n;
    const isFloodReport = async (phone: string, text = 'raid at the plant 94110') => {
      const before = floodReports();
      await s.text(phone, text);
      return floodReports() > before;
    };
    const quietTenMinutes = () => clock.advance(11 * 60_000); // the flood window passes

    // A new number's report before any flood: taken as a normal report (and so known from tomorrow on).
    const regular = '+14155550870';
    expect(await isFloodReport(regular, 'raid at the warehouse 10001')).toBe(false);
    quietTenMinutes();
    const member = '+14155550871';
    await committeeWithMembers(s, await s.login(), { name: 'Mission', area: MISSION_ZIPS }, [member]);

    // Each number first texts everything that is never limited, then reports: the third is over the threshold of 2.
    const flooders = Array.from({ length: 5 }, (_, i) => `+1415555086${i}`);
    for (const phone of flooders) for (const word of ['HELP', 'STOP', 'START', 'LANG es']) await s.text(phone, word);
    const marks = [];
    for (const phone of flooders) marks.push(await isFloodReport(phone));
    expect(marks).toEqual([false, false, true, true, true]);
    // An active member is known from the day they joined.
    expect(await isFloodReport(member)).toBe(false);

    // The next day: a number whose report was taken yesterday is known; one that only sent a flood report is not.
    clock.advance(86_400_000);
    for (const phone of ['+14155550880', '+14155550881', '+14155550882']) await s.text(phone, 'checkpoint on the highway 60601');
    expect(await isFloodReport(regular)).toBe(false);
    expect(await isFloodReport(flooders[4]!)).toBe(true);
  });
});

describe('while Redis is away', () => {
  it('still takes and answers reports (limits fail open) but refuses JOIN (fails closed); health is degraded', async () => {
    const deadPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    system = await startSystem({ workers: false, env: { REDIS_URL: `redis://127.0.0.1:${deadPort}`, LIMIT_REPORTS_PER_NUMBER_PER_HOUR: '1' } });
    const s = system;
    const committee = s.deps.repos.committees.create({ name: 'C', area: { type: 'zips', zips: ['94110'] }, inviteCode: 'AB23CD', autoApprove: true }, Date.now());
    expect(await s.text('+14155550851', 'raid at the school 94110')).toBe(fitSms(t('en', 'report_ack')));
    expect(await s.text('+14155550851', 'second raid at the school 94110')).toBe(fitSms(t('en', 'report_ack')));
    expect(count(s, 'reports')).toBe(2);
    expect(await s.text('+14155550852', `JOIN ${committee.inviteCode}`)).toBe(fitSms(t('en', 'join_busy')));
    expect(count(s, 'members')).toBe(0);
    const health = await (await s.login()).get('/api/health');
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: 'degraded', db: 'ok', redis: 'down' });
  });
});
