import { randomUUID } from 'node:crypto';
import { and, eq, gt, inArray, isNotNull, isNull, lt, notInArray, or, sql } from 'drizzle-orm';
import { maskPhone, type PhoneVault } from '../../crypto/phones.js';
import type { Locale } from '../../domain/types.js';
import { type Db, inTransaction } from '../client.js';
import { contacts, inboundMessages, members, outboxMessages, outgoingMessages, reports, responses } from '../schema.js';
import { createSeenRepository } from './seen.js';

export type Contact = typeof contacts.$inferSelect;

/**
 * What a contact's timestamps older than the follow-up window become: one constant for everyone, so that no kept
 * contact (a member, a stopped number) can be matched to a report by time. Truthy, like any real time.
 */
export const LONG_AGO = 1;

/** What the line sends a reporter in the conversation about their report (not alerts to members). */
const REPORTER_CONVERSATION = ['location_question', 'reply'];

export function createContactsRepository(db: Db, vault: PhoneVault) {
  // Hot paths (every inbound message, every send): prepared once.
  const byHash = db.select().from(contacts).where(eq(contacts.phoneHash, sql.placeholder('hash'))).prepare();
  const byId = db.select().from(contacts).where(eq(contacts.id, sql.placeholder('id'))).prepare();
  // A random id (a ULID would carry the time of first contact) and a random rowid (storage order is time order).
  const insert = db.$client.prepare<[string, string, string | null, string | null, number, number]>(
    'insert into contacts (rowid, id, phone_hash, phone_enc, phone_mask, first_seen_at, last_seen_at) values (random(), ?, ?, ?, ?, ?, ?)',
  );
  const seen = createSeenRepository(db, vault);

  /** The wipe's statements; see forgetReporters. */
  function forget(cutoff: number): number {
    db.update(reports).set({ contactId: null }).where(and(isNotNull(reports.contactId), lt(reports.receivedAt, cutoff))).run();
    db.update(inboundMessages).set({ contactId: null }).where(and(isNotNull(inboundMessages.contactId), lt(inboundMessages.receivedAt, cutoff))).run();
    // The "where is this?" question and replies carry the report's or the message's id in their dedupe key.
    db.delete(outgoingMessages)
      .where(and(isNull(outgoingMessages.incidentId), inArray(outgoingMessages.kind, REPORTER_CONVERSATION), lt(outgoingMessages.createdAt, cutoff)))
      .run();
    const memberHashes = db.select({ hash: contacts.phoneHash }).from(contacts).innerJoin(members, eq(members.contactId, contacts.id));
    db.delete(outboxMessages).where(and(lt(outboxMessages.createdAt, cutoff), notInArray(outboxMessages.toHash, memberHashes))).run();

    const quiet = lt(contacts.lastSeenAt, cutoff);
    const wiped = db
      .update(contacts)
      .set({ phoneEnc: null, phoneMask: null })
      .where(
        and(
          isNotNull(contacts.phoneEnc),
          quiet,
          notInArray(contacts.id, db.select({ id: members.contactId }).from(members).where(inArray(members.status, ['pending', 'active']))),
        ),
      )
      .run().changes;
    // Non-correlated NOT IN: each list is built once, however many contacts are quiet (and has no NULL in it).
    db.delete(contacts)
      .where(
        and(
          quiet,
          isNull(contacts.stoppedAt),
          notInArray(contacts.id, db.select({ id: members.contactId }).from(members)),
          notInArray(contacts.id, db.select({ id: reports.contactId }).from(reports).where(isNotNull(reports.contactId))),
          notInArray(contacts.id, db.select({ id: inboundMessages.contactId }).from(inboundMessages).where(isNotNull(inboundMessages.contactId))),
          notInArray(contacts.id, db.select({ id: outgoingMessages.contactId }).from(outgoingMessages)),
          notInArray(contacts.id, db.select({ id: responses.contactId }).from(responses)),
        ),
      )
      .run();
    type Time = typeof contacts.firstSeenAt | typeof contacts.lastSeenAt | typeof contacts.stoppedAt | typeof contacts.unreachableAt;
    const coarse = (column: Time) => sql<number>`case when ${column} < ${cutoff} then ${LONG_AGO} else ${column} end`;
    const old = (column: Time) => and(lt(column, cutoff), gt(column, LONG_AGO));
    db.update(contacts)
      .set({
        firstSeenAt: coarse(contacts.firstSeenAt),
        lastSeenAt: coarse(contacts.lastSeenAt),
        stoppedAt: coarse(contacts.stoppedAt),
        unreachableAt: coarse(contacts.unreachableAt),
      })
      .where(or(old(contacts.firstSeenAt), old(contacts.lastSeenAt), old(contacts.stoppedAt), old(contacts.unreachableAt)))
      .run();
    return wiped;
  }

  return {
    /** The contact for a number, created on first contact. `keepNumber` stores the encrypted number too. */
    findOrCreate(phone: string, now: number, keepNumber: boolean): { contact: Contact; isNew: boolean } {
      const phoneHash = vault.hash(phone);
      // Remembered for the flood rule's "seen lately" in today's set, not as a time on the contact.
      seen.record(phone, now);
      const existing = byHash.get({ hash: phoneHash });
      if (existing) {
        // A number that texts us can be reached: whatever failed before (a routing error) is forgotten.
        const patch: Partial<Contact> = { lastSeenAt: now, unreachableAt: null };
        if (keepNumber && !existing.phoneEnc) Object.assign(patch, { phoneEnc: vault.encrypt(phone), phoneMask: maskPhone(phone) });
        db.update(contacts).set(patch).where(eq(contacts.id, existing.id)).run();
        return { contact: { ...existing, ...patch }, isNew: false };
      }
      const contact: Contact = {
        id: randomUUID(),
        phoneHash,
        phoneEnc: keepNumber ? vault.encrypt(phone) : null,
        phoneMask: keepNumber ? maskPhone(phone) : null,
        locale: null,
        localeExplicit: false,
        stoppedAt: null,
        unreachableAt: null,
        firstSeenAt: now,
        lastSeenAt: now,
      };
      insert.run(contact.id, phoneHash, contact.phoneEnc, contact.phoneMask, now, now);
      return { contact, isNew: true };
    },

    /** Read-only lookup by number: nothing is written for a number the system may turn away. */
    findByPhone(phone: string): Contact | undefined {
      return byHash.get({ hash: vault.hash(phone) });
    },

    get(id: string): Contact | undefined {
      return byId.get({ id });
    },

    /** Keeps the encrypted number from now on (a reporter who becomes a member). */
    keepNumber(id: string, phone: string): void {
      db.update(contacts).set({ phoneEnc: vault.encrypt(phone), phoneMask: maskPhone(phone) }).where(eq(contacts.id, id)).run();
    },

    setLocale(id: string, locale: Locale, explicit: boolean): void {
      db.update(contacts).set({ locale, localeExplicit: explicit }).where(eq(contacts.id, id)).run();
    },

    markStopped(id: string, now: number): void {
      db.update(contacts).set({ stoppedAt: now }).where(eq(contacts.id, id)).run();
    },

    markStarted(id: string): void {
      db.update(contacts).set({ stoppedAt: null }).where(eq(contacts.id, id)).run();
    },

    markUnreachable(id: string, now: number): void {
      db.update(contacts).set({ unreachableAt: now }).where(eq(contacts.id, id)).run();
    },

    localesOf(ids: string[]): Map<string, Locale | null> {
      const locales = new Map<string, Locale | null>();
      // Chunked: SQLite limits the number of bound parameters in one statement.
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        const rows = db.select({ id: contacts.id, locale: contacts.locale }).from(contacts).where(inArray(contacts.id, chunk)).all();
        for (const row of rows) locales.set(row.id, row.locale);
      }
      return locales;
    },

    /**
     * The 24-hour wipe. Afterwards nothing stored, even with every key, tells which number sent a report older
     * than `cutoff`: the report, the inbound record and the conversation with its sender are unlinked; a number
     * that is neither a member nor stopped is deleted once it has been quiet since `cutoff`; the ciphertext of
     * anyone not a pending or active member is wiped; kept contacts' older timestamps become LONG_AGO.
     * Returns how many numbers' ciphertexts were forgotten. One write transaction.
     */
    forgetReporters(cutoff: number): number {
      return inTransaction(db, () => forget(cutoff));
    },


    /** The number in plain text, only at the moment of sending. */
    phoneOf(contact: Pick<Contact, 'phoneEnc'>): string | null {
      return contact.phoneEnc ? vault.decrypt(contact.phoneEnc) : null;
    },
  };
}
export type ContactsRepository = ReturnType<typeof createContactsRepository>;
