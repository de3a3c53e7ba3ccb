// Twilio's transcription of a phone report (TRANSCRIBE=twilio): signed like every webhook (the guard runs before),
// taken once per TranscriptionSid. The text is never logged. Twilio does not retry a callback answered with an
// error (by default only a failed connection is retried), so one that comes before its report is kept for it (202).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { takeTranscription } from '../../services/inbound-voice.js';
import { errorResponses } from '../schemas.js';
import { transcriptionForm } from './forms.js';

export async function transcriptionRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post('/twilio/transcription', { schema: { body: transcriptionForm, response: { 202: z.void(), 204: z.void(), ...errorResponses } } }, async (request, reply) => {
    const body = request.body;
    const transcription = {
      transcriptionSid: body.TranscriptionSid,
      callSid: body.CallSid,
      recordingSid: body.RecordingSid ?? null,
      status: body.TranscriptionStatus,
      text: body.TranscriptionText ?? null,
    };
    // The transcript is stored before it is read: if reading fails, the text stays for a dispatcher to place.
    const outcome = await takeTranscription(deps, transcription, (error) => request.log.warn({ err: error.message }, 'transcript kept but not read'));
    request.log.info({ transcription: outcome }, 'transcription callback');
    if (outcome === 'unknown') return reply.status(404).send({ error: 'the phone report of this CallSid has another recording' });
    return reply.status(outcome === 'kept' ? 202 : 204).send();
  });
}
