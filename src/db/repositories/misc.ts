// Small tables: inbound de-duplication, audit log, system flags, responder replies, outbox.
import { and, desc, eq, gte, lt, lte, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { auditLog, contacts, inboundMessages, outboxMessages, responses, systemState } from '../schema.js';

export function createInboundRepository(db: Db) {
  const bySid = db.select().from(inboundMessages).where(eq(inboundMessages.sid, sql.placeholder('sid'))).prepare();
  return {
    get(sid: string) {
      return bySid.get({ sid });
    },
    record(row: typeof inboundMessages.$inferInsert): void {
      db.insert(inboundMessages).values(row).run();
    },
  };
}

export function createAuditRepository(db: Db) {
  return {
    record(action: string, at: number, entry: { actorUserId?: string | null; target?: string | null; detail?: Record<string, unknown> } = {}): void {
      db.insert(auditLog)
        .values({ action, at, actorUserId: entry.actorUserId ?? null, target: entry.target ?? null, detail: entry.detail ?? null })
        .run();
    },
    /** Whether this actor already has this action on this target since `since` (views are audited once a while). */
    recordedSince(action: string, actorUserId: string, target: string, since: number): boolean {
      return (
        db
          .select({ id: auditLog.id })
          .from(auditLog)
          .where(and(eq(auditLog.action, action), eq(auditLog.actorUserId, actorUserId), eq(auditLog.target, target), gte(auditLog.at, since)))
          .limit(1)
          .get() !== undefined
      );
    },
    recent(limit = 100) {
      return db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(limit).all();
    },
    /** Newest first; `before` is an entry id or an ISO time from the previous page. */
    list(filter: { action?: string; actorUserId?: string; target?: string; since?: number; until?: number }, page: { limit: number; before?: string }) {
      const beforeTime = page.before && !/^\d+$/.test(page.before) ? Date.parse(page.before) : undefined;
      return db
        .select()
        .from(auditLog)
        .where(
          and(
            filter.action ? eq(auditLog.action, filter.action) : undefined,
            filter.actorUserId ? eq(auditLog.actorUserId, filter.actorUserId) : undefined,
            filter.target ? eq(auditLog.target, filter.target) : undefined,
            filter.since === undefined ? undefined : gte(auditLog.at, filter.since),
            filter.until === undefined ? undefined : lte(auditLog.at, filter.until),
            page.before && /^\d+$/.test(page.before) ? lt(auditLog.id, Number(page.before)) : undefined,
            beforeTime !== undefined && !Number.isNaN(beforeTime) ? lt(auditLog.at, beforeTime) : undefined,
          ),
        )
        .orderBy(desc(auditLog.id))
        .limit(page.limit)
        .all();
    },
  };
}

export function createSystemStateRepository(db: Db) {
  // Read before every send (is sending paused?): prepared once.
  const byKey = db.select().from(systemState).where(eq(systemState.key, sql.placeholder('key'))).prepare();
  return {
    get(key: string): Record<string, unknown> | undefined {
      return byKey.get({ key })?.value;
    },
    set(key: string, value: Record<string, unknown>, now: number): void {
      db.insert(systemState)
        .values({ key, value, updatedAt: now })
        .onConflictDoUpdate({ target: systemState.key, set: { value, updatedAt: now } })
        .run();
    },
    clear(key: string): void {
      db.delete(systemState).where(eq(systemState.key, key)).run();
    },
  };
}

export function createResponsesRepository(db: Db) {
  return {
    record(incidentId: string, contactId: string, answer: 'going' | 'cannot', at: number): void {
      db.insert(responses)
        .values({ id: newId(), incidentId, contactId, answer, at })
        .onConflictDoUpdate({ target: [responses.incidentId, responses.contactId], set: { answer, at } })
        .run();
    },
    ofIncident(incidentId: string) {
      return db
        .select({ id: responses.id, answer: responses.answer, at: responses.at, phoneMask: contacts.phoneMask })
        .from(responses)
        .innerJoin(contacts, eq(responses.contactId, contacts.id))
        .where(eq(responses.incidentId, incidentId))
        .all();
    },
    answered(incidentId: string, contactId: string): boolean {
      return db.select({ id: responses.id }).from(responses).where(and(eq(responses.incidentId, incidentId), eq(responses.contactId, contactId))).get() !== undefined;
    },
  };
}

export function createOutboxRepository(db: Db) {
  return {
    add(row: Omit<typeof outboxMessages.$inferInsert, 'id'>): void {
      db.insert(outboxMessages).values({ id: newId(), ...row }).run();
    },
    findSent(toHash: string, since: number, body: string) {
      return db
        .select()
        .from(outboxMessages)
        .where(and(eq(outboxMessages.toHash, toHash), eq(outboxMessages.body, body)))
        .orderBy(desc(outboxMessages.id))
        .all()
        .find((row) => row.createdAt >= since);
    },
    list(limit: number) {
      return db.select().from(outboxMessages).orderBy(desc(outboxMessages.id)).limit(limit).all();
    },
    /** What was "sent" to one number (by its hash), newest first: the training simulator's inbox. */
    listTo(toHash: string, limit: number) {
      return db.select().from(outboxMessages).where(eq(outboxMessages.toHash, toHash)).orderBy(desc(outboxMessages.id)).limit(limit).all();
    },
  };
}
