// The phone menu: choose a language, key in a ZIP, record a description. Each step is a signed webhook.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import twilio from 'twilio';
import type { Deps } from '../../deps.js';
import { type Locale, LOCALES } from '../../domain/types.js';
import { isKnownZip } from '../../geo/zips.js';
import { VOICE_LANGUAGES, type VoicePrompt, voicePrompt } from '../../i18n/voice.js';
import { fileVoiceReport, TRANSCRIBE_MAX_SECONDS, transcriptAwaited, transcriptionWanted } from '../../services/inbound-voice.js';
import { admitSender } from '../../services/limits.js';
import { errorResponses } from '../schemas.js';
import { callForm, callStepQuery, recordingQuery } from './forms.js';

type VoiceResponse = InstanceType<typeof twilio.twiml.VoiceResponse>;

export async function voiceRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // Every step needs From and a CallSid of Twilio's shape (else 400); the answers are TwiML.
  const step = { body: callForm, response: errorResponses };

  api.post('/twilio/voice', { schema: step }, async (_request, reply) => {
    const response = new twilio.twiml.VoiceResponse();
    const gather = response.gather({ numDigits: 1, action: '/twilio/voice/language', timeout: 6 });
    for (const locale of LOCALES) say(gather, locale, 'choose');
    // No key pressed: go on in English.
    response.redirect('/twilio/voice/language?lang=en');
    return voiceTwiml(reply, response);
  });

  api.post('/twilio/voice/language', { schema: { ...step, querystring: callStepQuery } }, async (request, reply) => {
    const digit = request.body.Digits;
    const locale = LOCALES.find((l) => VOICE_LANGUAGES[l].digit === digit) ?? request.query.lang;
    const response = new twilio.twiml.VoiceResponse();
    const gather = response.gather({ numDigits: 5, finishOnKey: '#', action: `/twilio/voice/zip?lang=${locale}`, timeout: 10 });
    say(gather, locale, 'zip');
    response.redirect(`/twilio/voice/zip?lang=${locale}`);
    return voiceTwiml(reply, response);
  });

  api.post('/twilio/voice/zip', { schema: { ...step, querystring: callStepQuery } }, async (request, reply) => {
    const locale = request.query.lang;
    const digits = request.body.Digits ?? '';
    const zip = /^\d{5}$/.test(digits) && isKnownZip(digits) ? digits : '';
    const response = new twilio.twiml.VoiceResponse();
    say(response, locale, 'record');
    response.record({
      action: `/twilio/voice/recording?lang=${locale}&zip=${zip}`,
      maxLength: TRANSCRIBE_MAX_SECONDS,
      playBeep: true,
      finishOnKey: '1234567890*#',
      // Only where Twilio can transcribe (English); other recordings wait for a dispatcher to listen.
      ...(transcriptionWanted(deps.config, locale) ? { transcribe: true, transcribeCallback: `${deps.config.publicUrl}/twilio/transcription` } : {}),
    });
    say(response, locale, 'nothing');
    return voiceTwiml(reply, response);
  });

  api.post('/twilio/voice/recording', { schema: { ...step, querystring: recordingQuery } }, async (request, reply) => {
    const { lang: locale, zip } = request.query;
    const { RecordingUrl: recordingUrl, RecordingDuration: duration, From: from, CallSid: sid } = request.body;
    // Calls count against the same limits as texts; a replayed step is answered as before and not counted twice.
    const seen = deps.repos.inbound.get(sid);
    let refused = seen?.kind === 'refused';
    if (!seen) {
      const { gate, known } = await admitSender(deps, from, { type: 'report', languageHint: null }, false);
      if (!gate.admit) {
        refused = true;
        deps.repos.inbound.record({ sid, contactId: known?.id ?? null, kind: 'refused', reply: null, receivedAt: deps.now() });
      } else {
        const recording = recordingUrl && /^https?:\/\//.test(recordingUrl) ? recordingUrl : null;
        const seconds = duration !== undefined && /^\d+$/.test(duration) ? Number(duration) : null;
        const transcript = transcriptAwaited(deps.config, locale, { url: recording, seconds });
        const reportId = await fileVoiceReport(deps, { callSid: sid, from, locale, zip, recordingUrl: recording, flood: gate.flood, transcript });
        if (reportId) {
          await deps.queues.processReport(reportId).catch((error: Error) => request.log.warn({ err: error.message }, 'voice report not queued now; the reconciler will'));
        }
      }
    }
    const response = new twilio.twiml.VoiceResponse();
    // A refused caller is told so: never "your report was received" for a report that was not kept.
    say(response, locale, refused ? 'refused' : 'thanks');
    response.hangup();
    return voiceTwiml(reply, response);
  });
}

function say(target: Pick<VoiceResponse, 'say'>, locale: Locale, key: VoicePrompt): void {
  const { ttsLanguage, voice } = VOICE_LANGUAGES[locale];
  target.say({ language: ttsLanguage, voice }, voicePrompt(locale, key));
}

function voiceTwiml(reply: FastifyReply, response: VoiceResponse) {
  return reply.type('text/xml; charset=utf-8').send(response.toString());
}
