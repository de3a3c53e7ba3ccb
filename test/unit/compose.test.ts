// docker-compose.yml and the Dockerfile, read as files (no Docker daemon runs here): pinned images, a Redis that
// requires the password REDIS_URL carries, the host port from .env on loopback only, and scheduled backups.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../support/processes.js';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test?: string[] };
}
const compose = parse(readFileSync(`${ROOT}docker-compose.yml`, 'utf8')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const dockerfile = readFileSync(`${ROOT}Dockerfile`, 'utf8');
const envExample = readFileSync(`${ROOT}.env.example`, 'utf8');
const { app, redis, backup } = compose.services;
const command = (service: Service | undefined) => [service?.command ?? []].flat().join(' ');
/** A tag that names one release (x.y.z), not a moving one like `7-alpine` or `latest`. */
const PINNED = /:\d+\.\d+\.\d+(-[a-z0-9.-]+)?$/;

describe('docker-compose.yml', () => {
  it('item 18: every image is pinned to a version; the app image is built from the Dockerfile on a pinned Node LTS', () => {
    for (const [name, service] of Object.entries(compose.services)) expect(service.image, name).toMatch(PINNED);
    expect(app?.build).toBeDefined();
    const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]!);
    expect(froms.length).toBeGreaterThan(0);
    const base = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
    for (const from of froms) expect(from === '${NODE_IMAGE}' ? base : from).toMatch(/^node:(\d*[02468])\.\d+\.\d+-[a-z]+-slim$/);
  });

  it('item 18: Redis requires a password from .env, and REDIS_URL carries the same one', () => {
    expect(command(redis)).toMatch(/--requirepass "\$\$REDIS_PASSWORD"/);
    expect(redis?.environment?.['REDIS_PASSWORD']).toMatch(/^\$\{REDIS_PASSWORD:\?/);
    expect(app?.environment?.['REDIS_URL']).toMatch(/^redis:\/\/:\$\{REDIS_PASSWORD:\?[^}]*\}@redis:6379$/);
    // The health check has to authenticate too, or Redis never counts as up.
    expect(redis?.healthcheck?.test?.join(' ')).toMatch(/REDISCLI_AUTH=.*REDIS_PASSWORD/);
    expect(redis?.ports).toBeUndefined();
    expect(envExample).toMatch(/^# REDIS_PASSWORD=/m);
  });

  it('item 18: the host port comes from .env and is bound to loopback only', () => {
    expect(app?.ports).toEqual(['127.0.0.1:${PORT:-3000}:3000']);
    // The container side stays 3000 whatever PORT says.
    expect(app?.environment?.['PORT']).toBe('3000');
  });

  it('item 18: a backup service runs db:backup on a timer, into its own volume, on the same image as the app', () => {
    expect(backup?.image).toBe(app?.image);
    expect(command(backup)).toMatch(/node dist\/scripts\/db-backup\.js \/app\/backups\/centinela\.db/);
    expect(command(backup)).toMatch(/sleep/);
    expect(backup?.volumes).toEqual(expect.arrayContaining(['app-data:/app/data', 'backups:/app/backups']));
    expect(Object.keys(compose.volumes)).toContain('backups');
    expect(dockerfile).toMatch(/mkdir -p [^\n]*\/app\/backups/);
  });

  it('item 18: the backup timer refuses an interval that is not a number of hours above 0, before any copy', () => {
    const script = [backup?.command ?? []].flat().at(-1) ?? '';
    // As compose hands it to the shell ($$ is a literal $), with the copy replaced by a marker.
    const shell = script.replace(/\$\$/g, '$').replace(/node dist\/scripts\/db-backup\.js \S+/, 'echo copied; exit 0');
    const run = (hours: string) => spawnSync('sh', ['-c', shell], { env: { PATH: process.env['PATH'], BACKUP_EVERY_HOURS: hours }, encoding: 'utf8' });
    for (const hours of ['24', '0.5']) expect(run(hours).stdout.trim(), hours).toBe('copied');
    for (const hours of ['0', '0.0', '.', 'abc', '1.2.3', '']) {
      const result = run(hours);
      expect(result.status, hours).toBe(1);
      expect(result.stdout, hours).toBe('');
      expect(result.stderr, hours).toMatch(/BACKUP_EVERY_HOURS must be a number of hours above 0/);
    }
  });
});
