// Enrolling a console user's second factor (TOTP): a new secret is shown once, and is in force only after a
// first code from the authenticator app confirms it was copied right. The secret is stored sealed with DATA_KEY.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SecretBox } from '../../crypto/secrets.js';
import type { User } from '../../db/repositories/users.js';
import type { Deps } from '../../deps.js';
import { newTotpSecret, TOTP_CODE, totpCodeIsRight, totpUri } from '../../services/totp.js';
import { HttpError, parse } from '../errors.js';

const startSchema = z.object({ code: z.string().trim().max(16).optional() });
const confirmSchema = z.object({ code: z.string().trim().regex(TOTP_CODE, 'must be the 6-digit code from the authenticator app') });

export function totpRoutes(app: FastifyInstance, deps: Deps, box: SecretBox): void {
  app.post('/api/session/totp', async (request) => {
    const user = signedIn(request);
    const { code } = parse(startSchema, request.body);
    if (user.totpEnabledAt !== null && user.totpSecret) {
      // Replacing a factor in use takes a code from it: a borrowed session alone cannot swap in the borrower's phone.
      if (!code) throw new HttpError(409, 'a second factor is on already: send {"code"} from it to replace it');
      if (!(await totpCodeIsRight(box.open(user.totpSecret), code, deps.now()))) throw new HttpError(403, 'wrong code');
    }
    const secret = newTotpSecret();
    deps.repos.users.setTotp(user.id, box.seal(secret), null);
    deps.repos.audit.record('totp.started', deps.now(), { actorUserId: user.id });
    return { secret, uri: totpUri(user.email, secret) };
  });

  app.post('/api/session/totp/confirm', async (request, reply) => {
    const user = signedIn(request);
    const { code } = parse(confirmSchema, request.body);
    const sealed = user.totpSecret;
    if (!sealed || user.totpEnabledAt !== null) throw new HttpError(409, 'nothing to confirm: start with POST /api/session/totp');
    const now = deps.now();
    if (!(await totpCodeIsRight(box.open(sealed), code, now))) throw new HttpError(400, "code: wrong code (is the phone's clock right?)");
    if (!deps.repos.users.enableTotp(user.id, sealed, now)) throw new HttpError(409, 'the secret changed meanwhile: start again');
    deps.repos.audit.record('totp.enabled', now, { actorUserId: user.id });
    return reply.status(204).send();
  });
}

function signedIn(request: FastifyRequest): User {
  if (!request.user) throw new HttpError(401, 'sign in first');
  return request.user;
}
