// Group commit: writes that arrive in the same turn of the event loop share one transaction, and so one fsync.
// With synchronous=FULL an fsync is the dearest part of a write; a fan-out or a burst of webhooks makes many at
// once. Each caller still gets its answer only after its write is durable.
import { type Db, inTransaction } from './client.js';

export interface WriteBatcher {
  /** Runs `work` (synchronous, no awaits) in the next group transaction; resolves once it is committed. */
  run<T>(work: () => T): Promise<T>;
}

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export function createWriteBatcher(db: Db): WriteBatcher {
  let pending: Pending[] = [];

  const flush = () => {
    const batch = pending;
    pending = [];
    let outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }>;
    try {
      outcomes = inTransaction(db, () =>
        batch.map((item) => {
          // Each write is its own savepoint: one that throws is rolled back alone, the others commit.
          try {
            return { ok: true as const, value: db.$client.transaction(item.work)() };
          } catch (error) {
            return { ok: false as const, error };
          }
        }),
      );
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    outcomes.forEach((outcome, i) => {
      const item = batch[i];
      if (!item) return;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  };

  return {
    run<T>(work: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (pending.length === 0) setImmediate(flush);
        pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      });
    },
  };
}
