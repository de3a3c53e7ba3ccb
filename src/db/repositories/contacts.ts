import { eq, inArray, sql } from 'drizzle-orm';
import { maskPhone, type PhoneVault } from '../../crypto/phones.js';
import type { Locale } from '../../domain/types.js';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { contacts } from '../schema.js';

export type Contact = typeof contacts.$inferSelect;

export function createContactsRepository(db: Db, vault: PhoneVault) {
  // Hot paths (every inbound message, every send): prepared once.
  const byHash = db.select().from(contacts).where(eq(contacts.phoneHash, sql.placeholder('hash'))).prepare();
  const byId = db.select().from(contacts).where(eq(contacts.id, sql.placeholder('id'))).prepare();
  return {
    /** The contact for a number, created on first contact. `keepNumber` stores the encrypted number too. */
    findOrCreate(phone: string, now: number, keepNumber: boolean): { contact: Contact; isNew: boolean } {
      const phoneHash = vault.hash(phone);
      const existing = byHash.get({ hash: phoneHash });
      if (existing) {
        // A number that texts us can be reached: whatever failed before (a routing error) is forgotten.
        const patch: Partial<Contact> = { lastSeenAt: now, unreachableAt: null };
        if (keepNumber && !existing.phoneEnc) Object.assign(patch, { phoneEnc: vault.encrypt(phone), phoneMask: maskPhone(phone) });
        db.update(contacts).set(patch).where(eq(contacts.id, existing.id)).run();
        return { contact: { ...existing, ...patch }, isNew: false };
      }
      const contact: Contact = {
        id: newId(),
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
      db.insert(contacts).values(contact).run();
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

    /** The number in plain text, only at the moment of sending. */
    phoneOf(contact: Pick<Contact, 'phoneEnc'>): string | null {
      return contact.phoneEnc ? vault.decrypt(contact.phoneEnc) : null;
    },
  };
}
export type ContactsRepository = ReturnType<typeof createContactsRepository>;
