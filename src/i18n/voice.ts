// What the hotline's phone menu says, per language. Spoken by Twilio's text-to-speech.
import type { Locale } from '../domain/types.js';

// A voice is named for each language: Twilio's default voice speaks only a few languages, Filipino not among them.
// `transcribed`: Twilio's <Record transcribe> understands American English only.
export const VOICE_LANGUAGES = {
  en: { digit: '1', ttsLanguage: 'en-US', voice: 'Polly.Joanna', transcribed: true },
  es: { digit: '2', ttsLanguage: 'es-MX', voice: 'Polly.Mia', transcribed: false },
  tl: { digit: '3', ttsLanguage: 'fil-PH', voice: 'Google.fil-PH-Standard-A', transcribed: false },
} as const satisfies Record<Locale, { digit: string; ttsLanguage: string; voice: string; transcribed: boolean }>;

const prompts = {
  en: {
    choose: 'Raid report line. For English, press 1.',
    zip: 'Enter the five digit ZIP code where it is happening. If you do not know it, press the pound key.',
    record: 'After the tone, say what you see and where: the street, a building or a place people know. Press any key when you finish.',
    thanks: 'Thank you. Your report was received and is being checked now. Stay safe.',
    nothing: 'We did not hear a report. Please call again or send a text message.',
    refused: 'We could not take your report right now: too many reports are coming in. Please try again later, or send a text message. In an emergency, call 911.',
  },
  es: {
    choose: 'Para español, oprima 2.',
    zip: 'Marque el código postal de cinco dígitos del lugar. Si no lo sabe, oprima la tecla de número.',
    record: 'Después del tono, diga lo que ve y dónde: la calle, un edificio o un lugar conocido. Oprima cualquier tecla al terminar.',
    thanks: 'Gracias. Recibimos su reporte y lo estamos verificando. Cuídese.',
    nothing: 'No escuchamos un reporte. Por favor llame otra vez o mande un mensaje de texto.',
    refused: 'No pudimos tomar su reporte en este momento: están llegando demasiados reportes. Intente más tarde o mande un mensaje de texto. En una emergencia, llame al 911.',
  },
  tl: {
    choose: 'Para sa Tagalog, pindutin ang 3.',
    zip: 'I-type ang limang digit na ZIP code ng lugar. Kung hindi mo alam, pindutin ang pound key.',
    record: 'Pagkatapos ng tono, sabihin kung ano ang nakikita mo at saan: ang kalye, gusali o kilalang lugar. Pindutin ang kahit anong key kapag tapos ka na.',
    thanks: 'Salamat. Natanggap namin ang iyong ulat at sinusuri na namin ito. Mag-ingat ka.',
    nothing: 'Wala kaming narinig na ulat. Pakitawagan ulit kami o mag-text.',
    refused: 'Hindi namin matanggap ang ulat mo ngayon: masyadong maraming ulat ang dumarating. Pakisubukan ulit mamaya o mag-text. Kung emergency, tumawag sa 911.',
  },
} as const satisfies Record<Locale, Record<string, string>>;

export type VoicePrompt = keyof (typeof prompts)['en'];

export function voicePrompt(locale: Locale, key: VoicePrompt): string {
  return prompts[locale][key];
}
