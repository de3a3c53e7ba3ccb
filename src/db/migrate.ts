import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { Db } from './client.js';

/**
 * Applies pending migrations. drizzle reads the applied list before it takes the write lock, so when the web
 * and worker roles start together one of them can lose the race: it then finds the work done on its retry.
 */
export function applyMigrations(db: Db): void {
  const migrationsFolder = fileURLToPath(new URL('migrations/', projectRoot()));
  try {
    migrate(db, { migrationsFolder });
  } catch {
    migrate(db, { migrationsFolder });
  }
}

/** The project root, whether this file runs from src/ (tests, tsx) or from dist/src/ (the build). */
export function projectRoot(): URL {
  const here = new URL('.', import.meta.url);
  return new URL(here.pathname.includes('/dist/') ? '../../../' : '../../', here);
}
