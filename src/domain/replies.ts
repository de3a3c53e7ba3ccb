// Free-text answers to an alert: "On my way", "si voy", "papunta na ako", "can't, at work", "ok". A member who just
// got an alert and writes one of these is answering the roll call, not reporting a new raid. Pure.
import { fold } from '../geo/names.js';
import { codeCandidates } from './keywords.js';

export type ReplyAnswer = 'going' | 'cannot' | 'ack';

export interface Reply {
  answer: ReplyAnswer;
  /** Codes written in the answer ("omw K28P"): they pick which alert it answers. */
  codes: string[];
}

// Phrases, folded (lowercase, no accents, no apostrophes). "Can't" is checked before "going" so that "can't go" and
// "no voy" are refusals.
const CANNOT = [
  'cant', 'cannot', 'can not', 'not going', 'wont make it', 'wont be able', 'unable', 'at work', 'im working', 'working now',
  'busy', 'sorry no', 'not today', 'no puedo', 'no voy', 'no podre', 'no alcanzo', 'estoy trabajando', 'en el trabajo',
  'ocupad', 'hoy no', 'lo siento', 'hindi ako makakapunta', 'di ako makakapunta', 'hindi makakapunta', 'hindi ako pwede',
  'di ako pwede', 'hindi pwede', 'di pwede', 'nasa trabaho', 'may trabaho', 'busy ako', 'pasensya',
];
const GOING = [
  'on my way', 'omw', 'otw', 'on the way', 'going', 'im going', 'ill go', 'coming', 'heading', 'be there', 'leaving now',
  'en camino', 'voy', 'ya voy', 'si voy', 'vamos', 'alla voy', 'llego', 'salgo', 'ahi voy', 'voy para alla', 'voy pa',
  'papunta', 'pupunta', 'parating', 'punta na', 'andyan na', 'nandyan na', 'sige punta',
];
const ACK = ['ok', 'okay', 'oki', 'k', 'kk', 'got it', 'thanks', 'thank you', 'ty', 'gracias', 'entendido', 'enterado', 'va', 'sale', 'salamat', 'sige', 'noted', 'copy'];
const ACK_SYMBOLS = /^[\s👍🙏✅👌🫡❤️💪!.]+$/u;

// Beyond this many words an answer has become a message of its own (possibly a new report).
const MAX_WORDS = 12;

function hasPhrase(words: string, phrases: readonly string[]): boolean {
  return phrases.some((phrase) => ` ${words} `.includes(` ${phrase} `));
}

/** The roll-call answer a short free text gives, or null when it is not one. */
export function readReply(text: string): Reply | null {
  const words = fold(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
  if (words.length > MAX_WORDS) return null;
  const joined = words.join(' ');
  const codes = codeCandidates(text);
  if (words.length === 0) return ACK_SYMBOLS.test(text) && text.trim() !== '' ? { answer: 'ack', codes } : null;
  if (hasPhrase(joined, CANNOT)) return { answer: 'cannot', codes };
  if (hasPhrase(joined, GOING)) return { answer: 'going', codes };
  if (words.length <= 3 && hasPhrase(joined, ACK)) return { answer: 'ack', codes };
  return null;
}
