import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const key = (fill = 7) => Buffer.alloc(32, fill).toString('base64');
const keys = { DATA_KEY: key(1), HASH_KEY: key(2), SESSION_SECRET: key(3) };
const SID = `AC${'0123456789abcdef'.repeat(2)}`;

describe('loadConfig', () => {
  it('runs on defaults: outbox mode, ./data, local Redis, dev keys generated once with mode 0600', () => {
    const dir = mkdtempSync(join(tmpdir(), 'centinela-config-'));
    const config = loadConfig({ DATABASE_PATH: join(dir, 'db.sqlite') });
    expect(config).toMatchObject({ port: 3000, host: '0.0.0.0', publicUrl: 'http://localhost:3000', redisUrl: 'redis://127.0.0.1:6379', sms: { provider: 'outbox', ratePerSecond: 10 } });
    expect(config.followupMinutes).toBe(15);
    expect(statSync(join(dir, 'data_key.key')).mode & 0o777).toBe(0o600);
    const again = loadConfig({ DATABASE_PATH: join(dir, 'db.sqlite') });
    expect(again.keys.data.equals(config.keys.data)).toBe(true);
    expect(config.keys.data.equals(config.keys.hash)).toBe(false);
  });

  it('uses Twilio when an account SID is set, and needs its token and a sender', () => {
    expect(() => loadConfig({ ...keys, TWILIO_ACCOUNT_SID: SID })).toThrow(/TWILIO_AUTH_TOKEN/);
    expect(() => loadConfig({ ...keys, TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 't' })).toThrow(/TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID/);
    const config = loadConfig({ ...keys, TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 't', TWILIO_FROM_NUMBER: '+15005550006' });
    expect(config.sms.provider).toBe('twilio');
  });

  it('names the variable that is wrong', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ PORT: 'eighty' }, /^PORT: /],
      [{ SMS_RATE_PER_SECOND: '-1' }, /^SMS_RATE_PER_SECOND: /],
      [{ DEFAULT_LOCALE: 'fr' }, /^DEFAULT_LOCALE: must be one of en, es, tl/],
      [{ REDIS_URL: 'localhost:6379' }, /^REDIS_URL: /],
      [{ PUBLIC_URL: 'not a url' }, /^PUBLIC_URL: /],
      [{ DATA_KEY: 'c2hvcnQ=' }, /^DATA_KEY must be 32 bytes/],
      [{ FOLLOWUP_MINUTES: '0' }, /^FOLLOWUP_MINUTES: /],
    ];
    for (const [env, message] of cases) {
      expect(() => loadConfig({ ...keys, ...env })).toThrow(ConfigError);
      expect(() => loadConfig({ ...keys, ...env })).toThrow(message);
    }
  });

  it('refuses production without keys, with a localhost PUBLIC_URL, or falling back to outbox implicitly', () => {
    const twilio = { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 't', TWILIO_FROM_NUMBER: '+15005550006' };
    const base = { NODE_ENV: 'production', PUBLIC_URL: 'https://alerts.example.org', ...keys, ...twilio };
    expect(loadConfig(base).secureCookies).toBe(true);
    for (const name of ['DATA_KEY', 'HASH_KEY', 'SESSION_SECRET', 'TWILIO_AUTH_TOKEN'] as const) {
      expect(() => loadConfig({ ...base, [name]: '' })).toThrow(new RegExp(`${name} is required when NODE_ENV=production`));
    }
    expect(() => loadConfig({ ...base, PUBLIC_URL: 'http://localhost:3000' })).toThrow(/PUBLIC_URL/);
    expect(() => loadConfig({ ...base, TWILIO_ACCOUNT_SID: '' })).toThrow(/SMS_PROVIDER=outbox/);
    expect(loadConfig({ ...base, TWILIO_ACCOUNT_SID: '', SMS_PROVIDER: 'outbox' }).sms.provider).toBe('outbox');
  });

  it('takes an empty value as "not set", never as 0', () => {
    const config = loadConfig({ ...keys, PORT: '', SMS_RATE_PER_SECOND: '', LIMIT_REPORTS_PER_NUMBER_PER_HOUR: '', TRUST_PROXY: '' });
    expect(config).toMatchObject({ port: 3000, trustProxy: false, sms: { ratePerSecond: 10 }, limits: { reportsPerNumberPerHour: 10 } });
    expect(loadConfig({ ...keys, TRUST_PROXY: 'loopback' }).trustProxy).toEqual(['loopback']);
  });

  it('accepts fractional time windows so tests can use seconds', () => {
    expect(loadConfig({ ...keys, FOLLOWUP_MINUTES: '0.05', CLUSTER_MINUTES: '0.5' })).toMatchObject({ followupMinutes: 0.05, clusterMinutes: 0.5 });
  });

  it('item 16: refuses to start with one line naming the variable and the fix', () => {
    const twilio = { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 't', TWILIO_FROM_NUMBER: '+15005550006' };
    const production = { NODE_ENV: 'production', PUBLIC_URL: 'https://alerts.example.org', ...keys, ...twilio };
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ ...keys, ...twilio, TWILIO_ACCOUNT_SID: 'AC123' }, /^TWILIO_ACCOUNT_SID must be AC followed by 32 hex digits/],
      [{ ...keys, ...twilio, TWILIO_ACCOUNT_SID: 'SK0123456789abcdef0123456789abcdef' }, /^TWILIO_ACCOUNT_SID must be AC/],
      [{ ...keys, ...twilio, TWILIO_FROM_NUMBER: '(415) 555-0100' }, /^TWILIO_FROM_NUMBER must be in E\.164 form/],
      [{ ...production, PUBLIC_URL: 'http://alerts.example.org' }, /^PUBLIC_URL must start with https:\/\//],
      [{ ...production, PUBLIC_URL: 'https://alerts.example.org/centinela' }, /^PUBLIC_URL must be an origin with no path, e\.g\. https:\/\/alerts\.example\.org/],
      [{ ...production, HASH_KEY: keys.DATA_KEY }, /^DATA_KEY and HASH_KEY are the same key/],
      [{ ...production, SESSION_SECRET: keys.HASH_KEY }, /^HASH_KEY and SESSION_SECRET are the same key/],
      [{ ...production, SESSION_SECRET: keys.HASH_KEY.replace(/=+$/, '') }, /^HASH_KEY and SESSION_SECRET are the same key/],
      [{ ...production, SMS_RATE_PER_SECOND: 'ten' }, /^SMS_RATE_PER_SECOND: must be a number \(got "ten"\)/],
      [{ ...production, RETENTION_DAYS: '30d' }, /^RETENTION_DAYS: must be a number/],
      [{ ...keys, TRUST_PROXY: 'true' }, /^TRUST_PROXY must be the reverse proxy's address or CIDR \(e\.g\. TRUST_PROXY=127\.0\.0\.1/],
      [{ ...keys, TRUST_PROXY: '2' }, /^TRUST_PROXY must be/],
      [{ ...keys, TRUST_PROXY: '10.0.0.0/33' }, /^TRUST_PROXY must be/],
    ];
    for (const [env, message] of cases) {
      let thrown: unknown;
      try {
        loadConfig(env);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, JSON.stringify(env)).toBeInstanceOf(ConfigError);
      expect((thrown as Error).message).toMatch(message);
      expect((thrown as Error).message).not.toContain('\n');
    }
    // An empty value still means "not set", and a proxy address or CIDR is taken.
    expect(loadConfig({ ...production, SMS_RATE_PER_SECOND: '', TRUST_PROXY: '' }).trustProxy).toBe(false);
    expect(loadConfig({ ...keys, TRUST_PROXY: '127.0.0.1' }).trustProxy).toEqual(['127.0.0.1']);
    expect(loadConfig({ ...keys, TRUST_PROXY: '10.0.0.0/8, ::1' }).trustProxy).toEqual(['10.0.0.0/8', '::1']);
  });

  it('item 2: no geocoder unless GEOCODER_URL is set; its settings are checked', () => {
    expect(loadConfig({ ...keys }).geocoder).toBeNull();
    expect(loadConfig({ ...keys, GEOCODER_URL: '' }).geocoder).toBeNull();
    expect(loadConfig({ ...keys, GEOCODER_URL: 'http://127.0.0.1:8080/' }).geocoder).toEqual({ url: 'http://127.0.0.1:8080', timeoutMs: 2000, ratePerSecond: 1, country: 'us' });
    expect(
      loadConfig({ ...keys, GEOCODER_URL: 'https://geo.example.org/nominatim', GEOCODER_TIMEOUT_MS: '500', GEOCODER_RATE_PER_SECOND: '0', GEOCODER_COUNTRY: 'US,MX' }).geocoder,
    ).toEqual({ url: 'https://geo.example.org/nominatim', timeoutMs: 500, ratePerSecond: 0, country: 'us,mx' });
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ GEOCODER_URL: 'ftp://geo.example.org' }, /^GEOCODER_URL: must be an http\(s\) URL/],
      [{ GEOCODER_URL: 'nominatim' }, /^GEOCODER_URL: /],
      [{ GEOCODER_TIMEOUT_MS: '2s' }, /^GEOCODER_TIMEOUT_MS: must be a number/],
      [{ GEOCODER_TIMEOUT_MS: '0' }, /^GEOCODER_TIMEOUT_MS: /],
      [{ GEOCODER_RATE_PER_SECOND: '-1' }, /^GEOCODER_RATE_PER_SECOND: /],
      [{ GEOCODER_COUNTRY: 'usa' }, /^GEOCODER_COUNTRY: must be two-letter country codes/],
    ];
    for (const [env, message] of cases) {
      expect(() => loadConfig({ ...keys, ...env }), JSON.stringify(env)).toThrow(ConfigError);
      expect(() => loadConfig({ ...keys, ...env }), JSON.stringify(env)).toThrow(message);
    }
  });
});
