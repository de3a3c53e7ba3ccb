// Group commit: writes that arrive in the same turn of the event loop share one transaction, and so one fsync.
// With synchronous=FULL an fsync is the dearest part of a write; a fan-out or a burst of webhooks makes many at
// once. Each caller still gets its answer only after its write is durable — unless it said `lazy`: then the write
// is committed (it survives the process dying) but its fsync waits for the next durable commit, which carries it.
import { type Db, inTransaction } from './client.js';

export interface WriteBatcher {
  /**
   * Runs `work` (synchronous, no awaits) in the next group transaction; resolves once it is committed. `lazy`: a
   * write whose loss in a power cut is harmless (marking a send done: a row left under way is looked up at the
   * provider), committed without its own fsync when no durable write shares the transaction.
   */
  run<T>(work: () => T, options?: { lazy?: boolean }): Promise<T>;
}

interface Pending {
  work: () => unknown;
  lazy: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export function createWriteBatcher(db: Db): WriteBatcher {
  let pending: Pending[] = [];

  const flush = () => {
    const batch = pending;
    pending = [];
    let outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }>;
    // In WAL mode `synchronous = NORMAL` commits without syncing the log; the next FULL commit syncs it, this too.
    const lazy = batch.every((item) => item.lazy);
    if (lazy) db.$client.pragma('synchronous = NORMAL');
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
    } finally {
      if (lazy) db.$client.pragma('synchronous = FULL');
    }
    outcomes.forEach((outcome, i) => {
      const item = batch[i];
      if (!item) return;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  };

  return {
    run<T>(work: () => T, options: { lazy?: boolean } = {}): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (pending.length === 0) setImmediate(flush);
        pending.push({ work, lazy: options.lazy === true, resolve: resolve as (value: unknown) => void, reject });
      });
    },
  };
}
