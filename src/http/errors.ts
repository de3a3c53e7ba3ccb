import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, ResponseSerializationError } from 'fastify-type-provider-zod';

/** An error a client caused: its message is shown as `{ error }` with this status. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what = 'not found') => new HttpError(404, what);

/**
 * One error handler: 4xx say what was wrong (a request that fails its route's schema names the field,
 * `path: message`), 5xx say nothing internal. An answer that fails its own schema is our bug: logged, 500.
 */
export function errorHandler(error: FastifyError | HttpError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issue = error.validation[0];
    const path = (issue?.instancePath ?? '').split('/').filter(Boolean).join('.');
    const message = issue?.message ?? 'invalid request';
    void reply.status(400).send({ error: path ? `${path}: ${message}` : message });
    return;
  }
  const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (status >= 500) {
    // Which fields of the answer were wrong, never their values.
    const issues = error instanceof ResponseSerializationError ? error.cause.issues.map((i) => ({ path: i.path.join('.'), code: i.code })) : undefined;
    request.log.error({ err: { message: error.message, stack: error.stack }, ...(issues ? { issues } : {}) }, 'request failed');
    void reply.status(500).send({ error: 'internal error' });
    return;
  }
  void reply.status(status).send({ error: clientMessage(error, status) });
}

function clientMessage(error: Error & { code?: string }, status: number): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'body too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported content type';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'body must be JSON; send {} when there is nothing to say';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'body is not valid JSON';
    default:
      return status === 413 ? 'body too large' : error.message || 'bad request';
  }
}
