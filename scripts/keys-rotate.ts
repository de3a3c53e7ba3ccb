// npm run keys:rotate — with the new key in DATA_KEY and the old one in DATA_KEY_PREVIOUS: re-encrypts every
// stored phone number, console users' second-factor secrets and stored photos and recordings under DATA_KEY, in small transactions, while the system keeps running (it can decrypt
// both meanwhile). Hashes (HASH_KEY) are untouched, so every lookup keeps working. Afterwards drop
// DATA_KEY_PREVIOUS from the environment and restart.
import { and, eq, gt, isNotNull } from 'drizzle-orm';
import { createPhoneVault } from '../src/crypto/phones.js';
import { createBytesBox, createSecretBox } from '../src/crypto/secrets.js';
import { inTransaction, openDatabase } from '../src/db/client.js';
import { applyMigrations } from '../src/db/migrate.js';
import { contacts, media, users } from '../src/db/schema.js';
import { configOrExit } from '../src/server.js';

const BATCH = 500;
const FILE_BATCH = 20;
const config = configOrExit();
if (!config.keys.dataPrevious) {
  process.stderr.write('keys:rotate: set DATA_KEY to the new key and DATA_KEY_PREVIOUS to the old one\n');
  process.exit(1);
}
const vault = createPhoneVault(config.keys);
const db = openDatabase(config.databasePath);
applyMigrations(db);

let after = '';
let rotated = 0;
for (;;) {
  const batch = db
    .select({ id: contacts.id, phoneEnc: contacts.phoneEnc })
    .from(contacts)
    .where(and(isNotNull(contacts.phoneEnc), gt(contacts.id, after)))
    .orderBy(contacts.id)
    .limit(BATCH)
    .all();
  if (batch.length === 0) break;
  after = batch[batch.length - 1]?.id ?? after;
  rotated += inTransaction(db, () => {
    let n = 0;
    for (const row of batch) {
      if (!row.phoneEnc || !vault.isStale(row.phoneEnc)) continue;
      // Only if unchanged since read: a concurrent write (already under the new key) wins.
      n += db.update(contacts).set({ phoneEnc: vault.encrypt(vault.decrypt(row.phoneEnc)) }).where(and(eq(contacts.id, row.id), eq(contacts.phoneEnc, row.phoneEnc))).run().changes;
    }
    return n;
  });
}
// Console users are few: one transaction. A secret left under the old key would lock its user out once
// DATA_KEY_PREVIOUS is dropped; their paging numbers likewise.
const box = createSecretBox(config.keys);
const secrets = inTransaction(db, () => {
  let n = 0;
  for (const user of db.select({ id: users.id, totpSecret: users.totpSecret, phoneEnc: users.phoneEnc }).from(users).all()) {
    if (user.totpSecret && box.isStale(user.totpSecret)) {
      n += db.update(users).set({ totpSecret: box.seal(box.open(user.totpSecret)) }).where(and(eq(users.id, user.id), eq(users.totpSecret, user.totpSecret))).run().changes;
    }
    if (user.phoneEnc && vault.isStale(user.phoneEnc)) {
      rotated += db.update(users).set({ phoneEnc: vault.encrypt(vault.decrypt(user.phoneEnc)) }).where(and(eq(users.id, user.id), eq(users.phoneEnc, user.phoneEnc))).run().changes;
    }
  }
  return n;
});
// Photos and recordings: a few at a time, they are large.
const files = createBytesBox(config.keys);
let sealedFiles = 0;
let afterFile = '';
for (;;) {
  const batch = db.select({ id: media.id, sealed: media.sealed }).from(media).where(and(isNotNull(media.sealed), gt(media.id, afterFile))).orderBy(media.id).limit(FILE_BATCH).all();
  if (batch.length === 0) break;
  afterFile = batch[batch.length - 1]?.id ?? afterFile;
  sealedFiles += inTransaction(db, () => {
    let n = 0;
    for (const row of batch) {
      if (!row.sealed || !files.isStale(row.sealed)) continue;
      n += db.update(media).set({ sealed: files.seal(files.open(row.sealed)) }).where(and(eq(media.id, row.id), eq(media.sealed, row.sealed))).run().changes;
    }
    return n;
  });
}
db.$client.close();
process.stdout.write(`re-encrypted ${rotated} phone numbers, ${secrets} second-factor secrets and ${sealedFiles} photos and recordings under the current DATA_KEY\n`);
