import pino, { type Logger } from 'pino';

// Phone numbers, message texts, signatures, cookies and passwords never reach a log line.
const REDACT = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-twilio-signature"]',
  'res.headers["set-cookie"]',
  '*.From',
  '*.To',
  '*.Body',
  '*.from',
  '*.to',
  '*.body',
  '*.phone',
  '*.text',
  '*.password',
  'From',
  'To',
  'Body',
  'phone',
  'password',
];

/** A destination can be given so tests can read every line the system writes. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = { level, redact: { paths: REDACT, censor: '[redacted]' }, base: { pid: process.pid } };
  return destination ? pino(options, destination) : pino(options);
}
export type { Logger };
