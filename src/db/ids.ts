import { monotonicFactory } from 'ulid';

const ulid = monotonicFactory();

/** Opaque, sortable ids (ULID): newer rows sort after older ones, which pagination relies on. */
export function newId(): string {
  return ulid();
}
