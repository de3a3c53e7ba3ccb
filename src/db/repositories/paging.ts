import { type SQL, lt } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';

export interface Page {
  limit: number;
  /** An id or an ISO time from the previous page. */
  before?: string;
}

/** Newest-first paging: ids are ULIDs, so "before an id" and "before a time" are both a `<` on one column. */
export function beforeCondition(page: Page, idColumn: SQLiteColumn, timeColumn: SQLiteColumn): SQL | undefined {
  if (!page.before) return undefined;
  const time = Date.parse(page.before);
  return /^\d{4}-\d{2}-\d{2}/.test(page.before) && !Number.isNaN(time) ? lt(timeColumn, time) : lt(idColumn, page.before);
}
