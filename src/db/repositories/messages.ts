import { and, asc, eq, inArray, isNotNull, lt, or, type Placeholder, sql } from 'drizzle-orm';
import type { Locale } from '../../domain/types.js';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { byIdList } from '../prepared-lists.js';
import { incidents, type MessageStatus, outgoingMessages } from '../schema.js';

export type OutgoingMessage = typeof outgoingMessages.$inferSelect;

export interface PlannedMessage {
  dedupeKey: string;
  incidentId: string | null;
  contactId: string;
  kind: string;
  locale: Locale;
  body: string;
  distanceMeters?: number | null;
  notAfter?: number | null;
}

/** A claim's outcome; `row` is the row as it was before the claim (undefined: no such row). */
export type Claim = { claimed: true; row: OutgoingMessage } | { claimed: false; row: OutgoingMessage | undefined };

/** Statuses meaning the provider has (or may have) the message: it went out. */
export const HANDED_OVER: readonly MessageStatus[] = ['sent', 'delivered', 'undelivered'];
const DELIVERY_FINAL: readonly MessageStatus[] = ['delivered', 'undelivered', 'failed'];
const FINAL: readonly MessageStatus[] = ['sent', 'delivered', 'undelivered', 'failed', 'cancelled', 'expired'];

/** A row a send may take: waiting, in doubt, or under way with a lease that ran out (its worker died). */
function claimable(staleBefore: Placeholder) {
  return or(inArray(outgoingMessages.status, ['queued', 'unknown']), and(eq(outgoingMessages.status, 'sending'), lt(outgoingMessages.sendingAt, staleBefore)));
}

export function createMessagesRepository(db: Db) {
  // The send path runs these for every message: prepared once, not rebuilt and re-prepared per call.
  const byId = db.select().from(outgoingMessages).where(eq(outgoingMessages.id, sql.placeholder('id'))).prepare();
  const claimRow = db
    .update(outgoingMessages)
    .set({ status: 'sending', sendingAt: sql`${sql.placeholder('now')}`, attempts: sql`${outgoingMessages.attempts} + 1`, updatedAt: sql`${sql.placeholder('now')}` })
    .where(and(eq(outgoingMessages.id, sql.placeholder('id')), claimable(sql.placeholder('staleBefore'))))
    .prepare();
  const byIds = byIdList((ids) => db.select().from(outgoingMessages).where(inArray(outgoingMessages.id, ids)).prepare());
  // Every list of sends queued asks what its rows are, for their place in the send queue.
  const kindsById = byIdList((ids) =>
    db
      .select({ id: outgoingMessages.id, kind: outgoingMessages.kind, drill: incidents.drill })
      .from(outgoingMessages)
      .leftJoin(incidents, eq(outgoingMessages.incidentId, incidents.id))
      .where(inArray(outgoingMessages.id, ids))
      .prepare(),
  );
  // Every inbound text that might answer an alert asks this.
  const latestAlert = db
    .select()
    .from(outgoingMessages)
    .where(
      and(
        eq(outgoingMessages.contactId, sql.placeholder('contactId')),
        eq(outgoingMessages.kind, 'alert'),
        isNotNull(outgoingMessages.incidentId),
        inArray(outgoingMessages.status, [...HANDED_OVER]),
      ),
    )
    .orderBy(sql`${outgoingMessages.sentAt} desc`)
    .prepare();
  // A fan-out writes thousands of these in a row.
  const insertPlanned = db
    .insert(outgoingMessages)
    .values({
      id: sql.placeholder('id'),
      dedupeKey: sql.placeholder('dedupeKey'),
      incidentId: sql.placeholder('incidentId'),
      contactId: sql.placeholder('contactId'),
      kind: sql.placeholder('kind'),
      locale: sql.placeholder('locale'),
      body: sql.placeholder('body'),
      distanceMeters: sql.placeholder('distanceMeters'),
      notAfter: sql.placeholder('notAfter'),
      status: 'queued',
      createdAt: sql.placeholder('now'),
      updatedAt: sql.placeholder('now'),
    })
    .onConflictDoNothing({ target: outgoingMessages.dedupeKey })
    .prepare();
  const markSentRow = db
    .update(outgoingMessages)
    .set({ status: 'sent', providerSid: sql`${sql.placeholder('sid')}`, sentAt: sql`${sql.placeholder('now')}`, errorCode: null, updatedAt: sql`${sql.placeholder('now')}` })
    .where(eq(outgoingMessages.id, sql.placeholder('id')))
    .prepare();

  return {
    /** Writes ledger rows; a row whose dedupe key exists is left alone. Returns the ids of rows written now. */
    plan(messages: PlannedMessage[], now: number): string[] {
      const written: string[] = [];
      for (const message of messages) {
        const id = newId();
        const row = { distanceMeters: null, notAfter: null, ...message, id, now };
        if (insertPlanned.run(row).changes === 1) written.push(id);
      }
      return written;
    },

    get(id: string): OutgoingMessage | undefined {
      return byId.get({ id });
    },

    byProviderSid(sid: string): OutgoingMessage | undefined {
      return db.select().from(outgoingMessages).where(eq(outgoingMessages.providerSid, sid)).get();
    },

    /**
     * Marks a batch of rows (one send job) as under way before the provider is called, and returns each row as it
     * was just before: whether an earlier attempt may have gone out is read in the same step as the claim, never
     * from an older read. Only one worker can win a row: the claim is a compare-and-set on its status. A `sending`
     * row whose lease ran out (its worker died) is claimable too. Claims in the order of `ids`.
     */
    claimMany(ids: string[], now: number, leaseMs: number): Claim[] {
      if (ids.length === 0) return [];
      return db.$client.transaction((): Claim[] => {
        const rows = new Map(byIds(ids).map((row) => [row.id, row]));
        // One update a row, by its key: a single `id IN (…) AND status …` update lets SQLite pick the status index
        // and scan every queued row of the fan-out.
        return ids.map((id): Claim => {
          const row = rows.get(id);
          if (!row) return { claimed: false, row: undefined };
          const won = claimRow.run({ id, now, staleBefore: now - leaseMs }).changes === 1;
          return won ? { claimed: true, row } : { claimed: false, row };
        });
      })();
    },

    markSent(id: string, providerSid: string, now: number): void {
      markSentRow.run({ id, sid: providerSid, now });
    },

    setStatus(id: string, status: MessageStatus, now: number, errorCode?: string | null): void {
      db.update(outgoingMessages)
        .set({ status, updatedAt: now, ...(errorCode !== undefined ? { errorCode } : {}) })
        .where(eq(outgoingMessages.id, id))
        .run();
    },

    /** A send job gave up on a row that never reached the provider: failed, and no longer re-queued. */
    markGaveUp(id: string, now: number): boolean {
      return (
        db
          .update(outgoingMessages)
          .set({ status: 'failed', errorCode: 'gave_up', updatedAt: now })
          .where(and(eq(outgoingMessages.id, id), eq(outgoingMessages.status, 'queued')))
          .run().changes === 1
      );
    },

    /** A delivery report. Callbacks can arrive out of order: a row never moves back from a final delivery state. */
    applyDeliveryStatus(providerSid: string, status: MessageStatus, errorCode: string | null, now: number): OutgoingMessage | undefined {
      const row = this.byProviderSid(providerSid);
      if (!row) return undefined;
      if (DELIVERY_FINAL.includes(row.status) && !DELIVERY_FINAL.includes(status)) return row;
      db.update(outgoingMessages).set({ status, errorCode, updatedAt: now }).where(eq(outgoingMessages.id, row.id)).run();
      return { ...row, status, errorCode };
    },

    /**
     * Rows not yet handed over for this incident and kinds are cancelled; returns how many. Rows in doubt
     * (`unknown`, `sending`) are left to their send job: the provider may have them, and it finds out.
     */
    cancelPending(incidentId: string, kinds: string[], now: number): number {
      return db
        .update(outgoingMessages)
        .set({ status: 'cancelled', updatedAt: now })
        .where(and(eq(outgoingMessages.incidentId, incidentId), inArray(outgoingMessages.kind, kinds), eq(outgoingMessages.status, 'queued')))
        .run().changes;
    },

    /** Contacts a message of this kind was handed to the provider for. */
    handedOverContacts(incidentId: string, kind: string): string[] {
      return db
        .selectDistinct({ contactId: outgoingMessages.contactId })
        .from(outgoingMessages)
        .where(
          and(
            eq(outgoingMessages.incidentId, incidentId),
            eq(outgoingMessages.kind, kind),
            inArray(outgoingMessages.status, [...HANDED_OVER]),
          ),
        )
        .all()
        .map((row) => row.contactId);
    },

    /** The newest alert handed to this contact. */
    latestAlertTo(contactId: string): OutgoingMessage | undefined {
      return latestAlert.get({ contactId });
    },

    wasSentTo(contactId: string, incidentId: string, kind: string): boolean {
      return (
        db
          .select({ id: outgoingMessages.id })
          .from(outgoingMessages)
          .where(
            and(
              eq(outgoingMessages.contactId, contactId),
              eq(outgoingMessages.incidentId, incidentId),
              eq(outgoingMessages.kind, kind),
              inArray(outgoingMessages.status, [...HANDED_OVER]),
            ),
          )
          .get() !== undefined
      );
    },

    /** Rows a send job should exist for, oldest (nearest, for alerts) first. */
    unfinished(now: number, claims: { leaseMs: number; max: number }, limit = 10_000): OutgoingMessage[] {
      return db
        .select()
        .from(outgoingMessages)
        .where(
          or(
            eq(outgoingMessages.status, 'queued'),
            // A row in doubt is looked up (and, if the provider has none, sent) a bounded number of times.
            and(eq(outgoingMessages.status, 'unknown'), lt(outgoingMessages.attempts, claims.max)),
            and(eq(outgoingMessages.status, 'sending'), lt(outgoingMessages.sendingAt, now - claims.leaseMs), lt(outgoingMessages.attempts, claims.max)),
          ),
        )
        .orderBy(asc(outgoingMessages.createdAt), asc(outgoingMessages.distanceMeters))
        .limit(limit)
        .all();
    },

    /** Each row's kind and whether it is about a drill: what its place in the send queue depends on. */
    kindsOf(ids: string[]): Array<{ id: string; kind: string; drill: boolean }> {
      return kindsById(ids).map((row) => ({ id: row.id, kind: row.kind, drill: row.drill ?? false }));
    },

    ofIncident(incidentId: string): OutgoingMessage[] {
      return db.select().from(outgoingMessages).where(eq(outgoingMessages.incidentId, incidentId)).all();
    },

    /** This incident's messages counted per kind and status: `{ alert: { sent: 12, delivered: 30 }, … }`. */
    countsByStatus(incidentId: string): Record<string, Partial<Record<MessageStatus, number>>> {
      const rows = db
        .select({ kind: outgoingMessages.kind, status: outgoingMessages.status, n: sql<number>`count(*)` })
        .from(outgoingMessages)
        .where(eq(outgoingMessages.incidentId, incidentId))
        .groupBy(outgoingMessages.kind, outgoingMessages.status)
        .all();
      const counts: Record<string, Partial<Record<MessageStatus, number>>> = {};
      for (const row of rows) (counts[row.kind] ??= {})[row.status] = row.n;
      return counts;
    },

    isFinal(status: MessageStatus): boolean {
      return FINAL.includes(status);
    },
  };
}
export type MessagesRepository = ReturnType<typeof createMessagesRepository>;
