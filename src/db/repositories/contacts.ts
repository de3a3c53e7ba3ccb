import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { maskPhone, type PhoneVault } from '../../crypto/phones.js';
import type { Locale } from '../../domain/types.js';
import type { Db } from '../client.js';
import { byIdList } from '../prepared-lists.js';
import { contacts, members } from '../schema.js';

export type Contact = typeof contacts.$inferSelect;

export function createContactsRepository(db: Db, vault: PhoneVault) {
  // Hot paths (every inbound message, every send): prepared once.
  const byHash = db.select().from(contacts).where(eq(contacts.phoneHash, sql.placeholder('hash'))).prepare();
  const byId = db.select().from(contacts).where(eq(contacts.id, sql.placeholder('id'))).prepare();
  const manyById = byIdList((ids) => db.select().from(contacts).where(inArray(contacts.id, ids)).prepare());
  // A random id (a ULID would carry the time of first contact) and a random rowid (storage order is time order).
  const insert = db.$client.prepare<[string, string, string | null, string | null, number, number]>(
    'insert into contacts (rowid, id, phone_hash, phone_enc, phone_mask, first_seen_at, last_seen_at) values (random(), ?, ?, ?, ?, ?, ?)',
  );
  const activeMember = db
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.contactId, sql.placeholder('id')), eq(members.status, 'active')))
    .limit(1)
    .prepare();

  return {
    /** The contact for a number, created on first contact. `keepNumber` stores the encrypted number too. */
    findOrCreate(phone: string, now: number, keepNumber: boolean): { contact: Contact; isNew: boolean } {
      const phoneHash = vault.hash(phone);
      const existing = byHash.get({ hash: phoneHash });
      if (existing) {
        // A number that texts us can be reached: whatever failed before (a routing error) is forgotten.
        const patch: Partial<Contact> = { lastSeenAt: now, unreachableAt: null, deliveryFailures: 0 };
        if (keepNumber && !existing.phoneEnc) Object.assign(patch, { phoneEnc: vault.encrypt(phone), phoneMask: maskPhone(phone) });
        db.update(contacts).set(patch).where(eq(contacts.id, existing.id)).run();
        return { contact: { ...existing, ...patch }, isNew: false };
      }
      const contact: Contact = {
        id: randomUUID(),
        deliveryFailures: 0,
        drillsOff: false,
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

    /** Several contacts by id, in one read (a batch of sends). */
    getMany(ids: string[]): Map<string, Contact> {
      return new Map(manyById(ids).map((contact) => [contact.id, contact]));
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

    /** One more delivery failure in a row that says the number may be unreachable; returns the new count. */
    countDeliveryFailure(id: string): number {
      const row = db
        .update(contacts)
        .set({ deliveryFailures: sql`${contacts.deliveryFailures} + 1` })
        .where(eq(contacts.id, id))
        .returning({ failures: contacts.deliveryFailures })
        .get();
      return row?.failures ?? 0;
    },

    /** A delivery, or a coordinator who knows the number works: the count starts again and sending resumes. */
    markReachable(id: string, clearUnreachable: boolean): void {
      db.update(contacts)
        .set({ deliveryFailures: 0, ...(clearUnreachable ? { unreachableAt: null } : {}) })
        .where(eq(contacts.id, id))
        .run();
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

    /** An active member is known to the line, whatever the flood rule's day sets say. */
    isActiveMember(id: string): boolean {
      return activeMember.get({ id }) !== undefined;
    },

    /** The number in plain text, only at the moment of sending. */
    phoneOf(contact: Pick<Contact, 'phoneEnc'>): string | null {
      return contact.phoneEnc ? vault.decrypt(contact.phoneEnc) : null;
    },
  };
}
export type ContactsRepository = ReturnType<typeof createContactsRepository>;
