// Enrolling a console user's second factor (TOTP): a new secret is shown once, and is in force only after a
// first code from the authenticator app confirms it was copied right. The secret is stored sealed with DATA_KEY.
import argon2 from 'argon2';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SecretBox } from '../../crypto/secrets.js';
import type { User } from '../../db/repositories/users.js';
import type { Deps } from '../../deps.js';
import { newTotpSecret, totpCodeIsRight, totpUri } from '../../services/totp.js';
import { HttpError } from '../errors.js';
import { errorResponses, totpConfirmBody, totpStartBody, totpStartedSchema } from '../schemas.js';

export function totpRoutes(app: FastifyInstance, deps: Deps, box: SecretBox): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post('/api/session/totp', { schema: { body: totpStartBody, response: { 200: totpStartedSchema, ...errorResponses } } }, async (request) => {
    const user = signedIn(request);
    const { password, code } = request.body;
    // A borrowed or stolen session alone must not put the borrower's phone between the owner and her account; and
    // since this route could test passwords, a wrong one ends the session.
    if (!(await argon2.verify(user.passwordHash, password))) {
      if (request.sessionTokenHash) deps.repos.users.deleteSession(request.sessionTokenHash);
      deps.repos.audit.record('totp.refused', deps.now(), { actorUserId: user.id });
      throw new HttpError(403, 'wrong password: you are signed out');
    }
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

  api.post('/api/session/totp/confirm', { schema: { body: totpConfirmBody, response: { 204: z.void(), ...errorResponses } } }, async (request, reply) => {
    const user = signedIn(request);
    const { code } = request.body;
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
