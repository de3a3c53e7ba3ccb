import { describe, expect, it } from 'vitest';
import { type CorroboratingReport, corroboratingReporters, corroborationPriority } from '../../src/domain/corroboration.js';

const RULE = { reporters: 3, meters: 400, minutes: 15 };
const T0 = Date.parse('2026-03-01T05:00:00Z');
// 24th St & Mission St, San Francisco; 0.001° of latitude is about 111 m.
const AT = { lat: 37.7524, lng: -122.4184 };

function report(reporter: string | null, overrides: Partial<CorroboratingReport> = {}): CorroboratingReport {
  return { reporter, flood: false, ...AT, precision: 'intersection', receivedAt: T0, ...overrides };
}

describe('corroboration', () => {
  it('item 3: three different people at one corner within minutes raise the priority to 3', () => {
    const reports = [report('a'), report('b', { receivedAt: T0 + 5 * 60_000, lat: AT.lat + 0.002 }), report('c', { receivedAt: T0 + 14 * 60_000 })];
    expect(corroboratingReporters(reports, RULE)).toBe(3);
    expect(corroborationPriority(reports, RULE)).toBe(3);
  });

  it('item 3: fewer people than CORROBORATE_REPORTERS leave the priority at 0', () => {
    expect(corroborationPriority([report('a'), report('b')], RULE)).toBe(0);
  });

  it('item 3: one person texting three times is one reporter', () => {
    expect(corroborationPriority([report('a'), report('a', { receivedAt: T0 + 60_000 }), report('a', { receivedAt: T0 + 120_000 })], RULE)).toBe(0);
  });

  it('item 3: flood reporters do not corroborate', () => {
    const reports = [report('a'), report('b', { flood: true }), report('c', { flood: true })];
    expect(corroboratingReporters(reports, RULE)).toBe(1);
    expect(corroborationPriority(reports, RULE)).toBe(0);
  });

  it('item 3: reports farther apart than CORROBORATE_METERS do not count together', () => {
    // ~555 m north.
    const reports = [report('a'), report('b'), report('c', { lat: AT.lat + 0.005 })];
    expect(corroboratingReporters(reports, RULE)).toBe(2);
    expect(corroborationPriority(reports, { ...RULE, meters: 600 })).toBe(3);
  });

  it('item 3: reports further apart than CORROBORATE_MINUTES do not count together', () => {
    const reports = [report('a'), report('b', { receivedAt: T0 + 10 * 60_000 }), report('c', { receivedAt: T0 + 16 * 60_000 })];
    expect(corroboratingReporters(reports, RULE)).toBe(2);
    // b and c are 6 minutes apart, and a fourth person near them makes three.
    expect(corroborationPriority([...reports, report('d', { receivedAt: T0 + 20 * 60_000 })], RULE)).toBe(3);
  });

  it('item 3: only precisely placed reports count (a ZIP or a city says little about the same spot)', () => {
    const reports = [report('a'), report('b'), report('c', { precision: 'zip' }), report('d', { lat: null, lng: null, precision: null })];
    expect(corroboratingReporters(reports, RULE)).toBe(2);
  });

  it('item 3: reports whose reporter is unknown are not counted as people', () => {
    expect(corroboratingReporters([report(null), report(null), report('a')], RULE)).toBe(1);
  });
});
