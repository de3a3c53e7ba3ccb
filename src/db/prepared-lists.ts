// `… WHERE id IN (?, ?, …)` reads on hot paths (a send job reads its batch's rows and contacts): drizzle would build
// and SQLite prepare the statement again for every call. Prepared once per list length instead, in pieces of at
// most `max` ids (which also keeps under SQLite's limit on bound parameters).
import { type Placeholder, sql } from 'drizzle-orm';

interface PreparedAll<T> {
  all(values: Record<string, unknown>): T[];
}

export function byIdList<T>(prepare: (ids: Placeholder[]) => PreparedAll<T>, max = 100): (ids: string[]) => T[] {
  const bySize = new Map<number, PreparedAll<T>>();
  const read = (ids: string[]): T[] => {
    let query = bySize.get(ids.length);
    if (!query) bySize.set(ids.length, (query = prepare(ids.map((_, i) => sql.placeholder(`id${i}`)))));
    return query.all(Object.fromEntries(ids.map((id, i) => [`id${i}`, id])));
  };
  return (ids) => {
    const rows: T[] = [];
    for (let start = 0; start < ids.length; start += max) rows.push(...read(ids.slice(start, start + max)));
    return rows;
  };
}
