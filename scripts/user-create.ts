// npm run user:create -- --email E --role admin|dispatcher [--password P] [--totp]
// Works with the server stopped or running: it only writes one row to the shared SQLite file.
// --totp turns on the second factor at once and prints its secret and otpauth:// URI, this one time only.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createSecretBox } from '../src/crypto/secrets.js';
import { openDatabase } from '../src/db/client.js';
import { applyMigrations } from '../src/db/migrate.js';
import { createUsersRepository } from '../src/db/repositories/users.js';
import { hashPassword } from '../src/http/api/auth.js';
import { configOrExit } from '../src/server.js';
import { newTotpSecret, totpUri } from '../src/services/totp.js';

const fail = (message: string): never => {
  process.stderr.write(`user:create: ${message}\n`);
  process.exit(1);
};

const { values } = parseArgs({
  options: { email: { type: 'string' }, role: { type: 'string' }, password: { type: 'string' }, totp: { type: 'boolean' } },
  strict: true,
});
const email = values.email?.trim().toLowerCase() ?? fail('--email is required');
if (!/^[^@\s]+@[^@\s]+$/.test(email)) fail('--email does not look like an email address');
const role = values.role === 'admin' || values.role === 'dispatcher' ? values.role : fail('--role must be admin or dispatcher');
const password = values.password ?? (await readPassword());
if (password.length < 10) fail('the password must be at least 10 characters');

const config = configOrExit();
const db = openDatabase(config.databasePath);
applyMigrations(db);
const users = createUsersRepository(db);
if (users.findByEmail(email)) fail(`a user with email ${email} exists already`);
const user = users.create({ email, role, passwordHash: await hashPassword(password) }, Date.now());
const totpSecret = values.totp ? newTotpSecret() : undefined;
if (totpSecret) users.setTotp(user.id, createSecretBox(config.keys).seal(totpSecret), Date.now());
db.$client.close();
process.stdout.write(`created ${role} ${email}\n`);
if (totpSecret) {
  process.stdout.write(
    `second factor on: add this to an authenticator app now (it is not shown again)\n  secret: ${totpSecret}\n  uri: ${totpUri(email, totpSecret)}\n`,
  );
}

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) return readHidden('Password: ');
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    lines.close();
    return line.trim();
  }
  return fail('no password given on standard input');
}

/** Reads a line from the terminal without echoing it. */
function readHidden(prompt: string): Promise<string> {
  process.stderr.write(prompt);
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve) => {
    let typed = '';
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          resolve(typed);
          return;
        }
        if (char === '\u0003') process.exit(130);
        typed = char === '\u007f' ? typed.slice(0, -1) : typed + char;
      }
    };
    stdin.on('data', onData);
  });
}
