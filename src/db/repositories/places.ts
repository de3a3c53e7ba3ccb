import { asc, eq, sql } from 'drizzle-orm';
import type { IncidentKind } from '../../domain/types.js';
import { nameKey } from '../../geo/names.js';
import { type Db, inTransaction } from '../client.js';
import { newId } from '../ids.js';
import { places } from '../schema.js';

export type PlaceRow = typeof places.$inferSelect;

export interface NewPlace {
  name: string;
  aliases: string[];
  lat: number;
  lng: number;
  kind: IncidentKind | null;
}

/** A place from an import file; `aliases`/`kind` undefined: keep the existing place's own. */
export type PlaceUpsert = Omit<NewPlace, 'aliases' | 'kind'> & { aliases?: string[]; kind?: IncidentKind | null };

/** Another place already has this name (compared as `nameKey`: case, accents and leading articles aside). */
export interface NameTaken {
  taken: PlaceRow;
}

export function createPlacesRepository(db: Db) {
  const byName = (name: string, exceptId?: string): PlaceRow | undefined => {
    const key = nameKey(name);
    return db.select().from(places).all().find((place) => place.id !== exceptId && nameKey(place.name) === key);
  };

  /**
   * A write's `updated_at`: now, but always after every stamp already written, so `version()` changes with each
   * write even within one millisecond or when clocks of two processes differ.
   */
  const stamp = (now: number): number => {
    const row = db.select({ latest: sql<number | null>`max(${places.updatedAt})` }).from(places).get();
    return Math.max(now, (row?.latest ?? 0) + 1);
  };

  return {
    /** Every place, by name (case aside). */
    list(): PlaceRow[] {
      return db.select().from(places).orderBy(sql`${places.name} collate nocase`, asc(places.id)).all();
    },

    get(id: string): PlaceRow | undefined {
      return db.select().from(places).where(eq(places.id, id)).get();
    },

    /** The place with this name, however it is capitalised or accented. */
    findByName(name: string): PlaceRow | undefined {
      return byName(name);
    },

    /** Checked and written in one transaction, so two dispatchers (or processes) cannot add the same name twice. */
    insert(input: NewPlace, now: number): PlaceRow | NameTaken {
      return inTransaction(db, () => {
        const taken = byName(input.name);
        if (taken) return { taken };
        const at = stamp(now);
        const place: PlaceRow = { id: newId(), ...input, createdAt: at, updatedAt: at };
        db.insert(places).values(place).run();
        return place;
      });
    },

    /** Undefined when there is no such place. */
    update(id: string, patch: Partial<NewPlace>, now: number): PlaceRow | NameTaken | undefined {
      return inTransaction(db, () => {
        const place = db.select().from(places).where(eq(places.id, id)).get();
        if (!place) return undefined;
        const taken = patch.name === undefined ? undefined : byName(patch.name, id);
        if (taken) return { taken };
        const updated: PlaceRow = { ...place, ...patch, updatedAt: stamp(now) };
        db.update(places).set(updated).where(eq(places.id, id)).run();
        return updated;
      });
    },

    /** The deleted place, or undefined when there was none. */
    delete(id: string): PlaceRow | undefined {
      return db.delete(places).where(eq(places.id, id)).returning().get();
    },

    /**
     * A whole file's places in one transaction: a place with the same name (as `nameKey` compares) is updated, the
     * others are added. A row that changes nothing is left alone, so re-importing a file does not change `version()`.
     */
    upsertMany(rows: readonly PlaceUpsert[], now: number): { created: number; updated: number; unchanged: number } {
      return inTransaction(db, () => {
        const existing = new Map(db.select().from(places).all().map((place) => [nameKey(place.name), place]));
        const at = stamp(now);
        const counts = { created: 0, updated: 0, unchanged: 0 };
        const fresh: PlaceRow[] = [];
        for (const row of rows) {
          const place = existing.get(nameKey(row.name));
          if (!place) {
            fresh.push({ id: newId(), name: row.name, aliases: row.aliases ?? [], lat: row.lat, lng: row.lng, kind: row.kind ?? null, createdAt: at, updatedAt: at });
            continue;
          }
          const next = { name: row.name, aliases: row.aliases ?? place.aliases, lat: row.lat, lng: row.lng, kind: row.kind === undefined ? place.kind : row.kind };
          const same =
            next.name === place.name && next.lat === place.lat && next.lng === place.lng && next.kind === place.kind && JSON.stringify(next.aliases) === JSON.stringify(place.aliases);
          if (same) counts.unchanged += 1;
          else {
            db.update(places).set({ ...next, updatedAt: at }).where(eq(places.id, place.id)).run();
            counts.updated += 1;
          }
        }
        // SQLite caps bound variables per statement: insert in chunks.
        for (let i = 0; i < fresh.length; i += 500) db.insert(places).values(fresh.slice(i, i + 500)).run();
        counts.created = fresh.length;
        return counts;
      });
    },

    /**
     * Changes whenever places change, for a process to rebuild its place index only then: every insert or update
     * moves the latest stamp forward (see `stamp`), and a delete lowers the count.
     */
    version(): string {
      const row = db.select({ count: sql<number>`count(*)`, latest: sql<number | null>`max(${places.updatedAt})` }).from(places).get();
      return `${row?.count ?? 0}:${row?.latest ?? 0}`;
    },
  };
}
export type PlacesRepository = ReturnType<typeof createPlacesRepository>;
