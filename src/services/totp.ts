// The optional second factor for console users: standard TOTP (RFC 6238, 6 digits, 30 s, SHA-1), which every
// authenticator app reads from an otpauth:// URI. Secrets are base32; they are stored sealed (src/crypto/secrets.ts).
import { generateSecret, generateURI, verify } from 'otplib';

const ISSUER = 'Centinela';
/** A code from the step before or after still counts: phones' clocks drift and people type slowly. */
const TOLERANCE_SECONDS = 30;

export const TOTP_CODE = /^\d{6}$/;

export function newTotpSecret(): string {
  return generateSecret();
}

/** What an authenticator app scans (as a QR code) or takes pasted. */
export function totpUri(email: string, secret: string): string {
  return generateURI({ issuer: ISSUER, label: email, secret });
}

/** Whether the code is right at this time (ms); a code that is not six digits is simply wrong. */
export async function totpCodeIsRight(secret: string, code: string, nowMs: number): Promise<boolean> {
  if (!TOTP_CODE.test(code)) return false;
  const result = await verify({ secret, token: code, epoch: Math.floor(nowMs / 1000), epochTolerance: TOLERANCE_SECONDS });
  return result.valid;
}

