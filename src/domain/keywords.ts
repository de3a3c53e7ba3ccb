// Turns an inbound SMS body into a command. A keyword only counts when it is the WHOLE
// message (plus its arguments): someone texting "la migra está aquí, ayuda" is reporting
// a raid, and must never get a help menu back instead of a dispatcher.
import type { Locale } from './types.js';

type Hint = { languageHint: Locale | null };

export type Command =
  | ({ type: 'join'; code: string | null; zip?: string; note?: string } & Hint)
  | ({ type: 'stop' } & Hint)
  | ({ type: 'start' } & Hint)
  | ({ type: 'help' } & Hint)
  | ({ type: 'lang'; locale: Locale | null; requested: string } & Hint)
  | ({ type: 'respond'; answer: 'going' | 'cannot'; incidentCode: string | null; word: string } & Hint)
  | ({ type: 'verify'; verdict: 'confirm' | 'false'; check: string | null } & Hint)
  | ({ type: 'duty'; onDuty: boolean } & Hint)
  | ({ type: 'send'; incidentCode: string } & Hint)
  | ({ type: 'member'; decision: 'approve' | 'deny'; last4: string | null } & Hint)
  | ({ type: 'arrived'; incidentCode: string | null } & Hint)
  | ({ type: 'drills'; on: boolean } & Hint)
  | ({ type: 'report' } & Hint)
  | ({ type: 'empty' } & Hint);


const NOTE_MAX = 200;
const LANG_REQUEST_MAX = 40;

/** One word of the message: its normalized form and where it sits in the raw body. */
interface Token {
  norm: string;
  end: number;
}

// Invisible characters some keyboards and carriers insert; they must not defeat "STOP".
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/gu;
// Hyphen between two letters ("NAKA-DUTY", "mag-text") separates words for matching.
const LETTER_HYPHEN = /(?<=\p{L})[-\u2010\u2011\u2012\u2013\u2014](?=\p{L})/gu;
const APOSTROPHES = /['\u2019\u2018\u02BC`]/gu;
const EDGE_JUNK = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;

/** Accent- and case-insensitive form: "Sí" → "SI", "Español" → "ESPANOL". */
export function normalizeWord(word: string): string {
  return word
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(APOSTROPHES, '')
    .replace(EDGE_JUNK, '');
}

function tokenize(body: string): Token[] {
  const spaced = body.replace(LETTER_HYPHEN, ' ');
  const tokens: Token[] = [];
  for (const match of spaced.matchAll(/\S+/gu)) {
    const norm = normalizeWord(match[0]);
    // Pure punctuation or emoji carries no keyword; its position still bounds the note.
    if (norm !== '') tokens.push({ norm, end: (match.index ?? 0) + match[0].length });
  }
  return tokens;
}

// ── argument shapes ────────────────────────────────────────────────────────────

const ORDINAL = /^\d+(ST|ND|RD|TH)$/;
const CLOCK = /^\d{1,2}(AM|PM)$/;

/** Invite codes are generated with letters and digits; "24TH" or "5PM" are street words, not codes. */
function isInviteCode(word: string): boolean {
  return (
    /^[A-Z0-9]{4,12}$/.test(word) &&
    /\d/.test(word) &&
    /[A-Z]/.test(word) &&
    !ORDINAL.test(word) &&
    !CLOCK.test(word)
  );
}

/** Words of a free text that have the shape of an invite or incident code ("quiero unirme 3N5TYK", "omw K28P"). */
export function codeCandidates(body: string): string[] {
  return tokenize(body)
    .map((token) => token.norm)
    .filter(isInviteCode);
}

// Short words that follow "NO", "SI" or "CONFIRM" in a sentence and would otherwise pass
// for a code ("no hay nadie", "no ICE here"); the message is then read as a report.
const NOT_A_CODE = new Set([
  'HAY', 'ESTA', 'ESTAN', 'AQUI', 'NADIE', 'NADA', 'MIGRA', 'HAN', 'SON', 'QUE', 'SENOR',
  'YAN', 'IYAN', 'ITO', 'NGA', 'NAMAN', 'DITO', 'WALA', 'NASA', 'SILA', 'ANG',
  'THE', 'YOU', 'ICE', 'AGENTS', 'HERE', 'THEY', 'ONE', 'SIR', 'MAAM',
]);

// Words that only reinforce a yes/no answer ("SI VOY", "NO PUEDO", "YES OMW").
const ANSWER_FILLERS = new Set(['VOY', 'PUEDO', 'GOING', 'CANT', 'OMW', 'SURE', 'PUPUNTA', 'KAYA', 'OK']);

function looksLikeWord(word: string): boolean {
  return NOT_A_CODE.has(word) || ANSWER_FILLERS.has(word) || ORDINAL.test(word) || CLOCK.test(word);
}

function isIncidentCode(word: string): boolean {
  return /^[A-Z0-9]{3,8}$/.test(word) && !looksLikeWord(word);
}

function isCheckCode(word: string): boolean {
  return /^[A-Z0-9]{3,10}$/.test(word) && !looksLikeWord(word);
}

// Politeness that may close a short command ("STOP PO", "ALTO POR FAVOR", "YES PLEASE").
// The language it reveals helps when the keyword itself is English.
const POLITE: ReadonlyArray<{ words: readonly string[]; hint: Locale | null }> = [
  { words: ['POR', 'FAVOR'], hint: 'es' },
  { words: ['PORFA'], hint: 'es' },
  { words: ['GRACIAS'], hint: 'es' },
  { words: ['PO'], hint: 'tl' },
  { words: ['SALAMAT'], hint: 'tl' },
  { words: ['PLEASE'], hint: null },
  { words: ['PLS'], hint: null },
  { words: ['THANKS'], hint: null },
];

/** Drops trailing politeness; returns what is left and the language it showed. */
function stripPolite(args: readonly string[]): { rest: string[]; hint: Locale | null } {
  const rest = [...args];
  let hint: Locale | null = null;
  let changed = true;
  while (changed) {
    changed = false;
    for (const p of POLITE) {
      const n = p.words.length;
      if (rest.length >= n && p.words.every((w, i) => rest[rest.length - n + i] === w)) {
        rest.length -= n;
        hint ??= p.hint;
        changed = true;
      }
    }
  }
  return { rest, hint };
}

// ── keyword table ──────────────────────────────────────────────────────────────

interface ParseContext {
  tokens: readonly Token[];
  /** Index of the first argument token (right after the keyword). */
  argStart: number;
  body: string;
  hint: Locale | null;
}

interface KeywordEntry {
  words: readonly string[];
  hint: Locale | null;
  parse: (ctx: ParseContext) => Command | null;
}

function args(ctx: ParseContext): string[] {
  return ctx.tokens.slice(ctx.argStart).map((t) => t.norm);
}

/** Keywords that take no argument, bar a polite closing. */
function bare(type: 'stop' | 'start' | 'help'): (ctx: ParseContext) => Command | null {
  return (ctx) => {
    const { rest, hint } = type === 'help' ? { rest: args(ctx), hint: null } : stripPolite(args(ctx));
    // "AYUDA POR FAVOR" stays a report: a plea for help deserves a dispatcher, not a menu.
    if (rest.length > 0) return null;
    return { type, languageHint: ctx.hint ?? hint };
  };
}

function parseJoin(ctx: ParseContext): Command | null {
  const first = ctx.tokens[ctx.argStart];
  if (first === undefined) return { type: 'join', code: null, languageHint: ctx.hint };
  if (!isInviteCode(first.norm)) return null;
  const command: Extract<Command, { type: 'join' }> = { type: 'join', code: first.norm, languageHint: ctx.hint };
  let last = first;
  const second = ctx.tokens[ctx.argStart + 1];
  if (second !== undefined && /^\d{5}$/.test(second.norm)) {
    command.zip = second.norm;
    last = second;
  }
  const note = Array.from(
    ctx.body
      .slice(last.end)
      .trim()
      .replace(/^[\s,;:.\-\u2013\u2014/|]+/u, ''),
  )
    .slice(0, NOTE_MAX)
    .join('')
    .trim();
  if (note !== '') command.note = note;
  return command;
}

const LOCALE_NAMES: Readonly<Record<string, Locale>> = {
  EN: 'en', ENG: 'en', ENGLISH: 'en', INGLES: 'en', INGLIS: 'en',
  ES: 'es', SP: 'es', SPA: 'es', ESP: 'es', SPANISH: 'es', ESPANOL: 'es', ESPANYOL: 'es', CASTELLANO: 'es',
  TL: 'tl', TGL: 'tl', FIL: 'tl', TAGALOG: 'tl', FILIPINO: 'tl', PILIPINO: 'tl', TAGALO: 'tl',
};

function parseLang(ctx: ParseContext): Command | null {
  const rest = ctx.tokens.slice(ctx.argStart);
  if (rest.length === 0) return { type: 'lang', locale: null, requested: '', languageHint: ctx.hint };
  // One word only: "lang is hard to explain, ICE is here" must stay a report.
  if (rest.length > 1) return null;
  const [word] = rest;
  if (word === undefined) return null;
  const start = ctx.tokens[ctx.argStart - 1]?.end ?? 0;
  const requested = Array.from(ctx.body.slice(start, word.end).trim().replace(EDGE_JUNK, ''))
    .slice(0, LANG_REQUEST_MAX)
    .join('');
  return { type: 'lang', locale: LOCALE_NAMES[word.norm] ?? null, requested, languageHint: ctx.hint };
}

function respond(answer: 'going' | 'cannot'): (ctx: ParseContext) => Command | null {
  return (ctx) => {
    const { rest, hint } = stripPolite(args(ctx));
    const word = ctx.tokens[ctx.argStart - 1]?.norm ?? '';
    // "SI VOY", "NO PUEDO": the filler confirms the answer, it isn't a code.
    const filtered = rest.filter((w) => !ANSWER_FILLERS.has(w));
    if (filtered.length > 1 || rest.length > 2) return null;
    const code = filtered[0];
    if (code !== undefined && !isIncidentCode(code)) return null;
    return { type: 'respond', answer, incidentCode: code ?? null, word, languageHint: ctx.hint ?? hint };
  };
}

function verify(verdict: 'confirm' | 'false'): (ctx: ParseContext) => Command | null {
  return (ctx) => {
    const { rest, hint } = stripPolite(args(ctx));
    if (rest.length > 1) return null;
    const check = rest[0];
    if (check !== undefined && !isCheckCode(check)) return null;
    return { type: 'verify', verdict, check: check ?? null, languageHint: ctx.hint ?? hint };
  };
}

function duty(onDuty: boolean): (ctx: ParseContext) => Command | null {
  return (ctx) => {
    const { rest, hint } = stripPolite(args(ctx));
    if (rest.length > 0) return null;
    return { type: 'duty', onDuty, languageHint: ctx.hint ?? hint };
  };
}

// Words that may close an arrival ("NASA LUGAR NA AKO", "ON SCENE NOW").
const ARRIVAL_FILLERS = new Set(['NA', 'AKO', 'KAMI', 'NOW', 'YA', 'ESTOY', 'ESTAMOS']);

function arrived(ctx: ParseContext): Command | null {
  const { rest, hint } = stripPolite(args(ctx));
  const filtered = rest.filter((w) => !ARRIVAL_FILLERS.has(w));
  if (filtered.length > 1 || rest.length > 3) return null;
  const code = filtered[0];
  if (code !== undefined && !isIncidentCode(code)) return null;
  return { type: 'arrived', incidentCode: code ?? null, languageHint: ctx.hint ?? hint };
}

function drills(on: boolean): (ctx: ParseContext) => Command | null {
  return (ctx) => {
    const { rest, hint } = stripPolite(args(ctx));
    if (rest.length > 0) return null;
    return { type: 'drills', on, languageHint: ctx.hint ?? hint };
  };
}

/** `APPROVE 1234` / `DENY 1234` from a coordinator: the last four digits of a pending member's number. */
function memberDecision(decision: 'approve' | 'deny'): (ctx: ParseContext) => Command | null {
  return (ctx) => {
    const { rest, hint } = stripPolite(args(ctx));
    if (rest.length > 1) return null;
    const last4 = rest[0];
    if (last4 !== undefined && !/^\d{4}$/.test(last4)) return null;
    return { type: 'member', decision, last4: last4 ?? null, languageHint: ctx.hint ?? hint };
  };
}

/**
 * `SEND K28P` from a coordinator. The code must look generated (letters and a digit): "send help" is a report.
 */
function send(ctx: ParseContext): Command | null {
  const { rest, hint } = stripPolite(args(ctx));
  const code = rest[0];
  if (rest.length !== 1 || code === undefined || !isIncidentCode(code) || !/\d/.test(code) || !/[A-Z]/.test(code)) return null;
  return { type: 'send', incidentCode: code, languageHint: ctx.hint ?? hint };
}

function entries(
  list: ReadonlyArray<readonly [string, Locale | null]>,
  parse: (ctx: ParseContext) => Command | null,
): KeywordEntry[] {
  return list.map(([phrase, hint]) => ({ words: phrase.split(' '), hint, parse }));
}

// English keywords carry no language hint: everyone texts STOP, HELP or YES.
const KEYWORDS: readonly KeywordEntry[] = [
  ...entries([['JOIN', null], ['UNIRSE', 'es'], ['UNIRME', 'es'], ['SUMALI', 'tl']], parseJoin),
  ...entries(
    [
      ['STOP', null], ['STOPALL', null], ['STOP ALL', null], ['UNSUBSCRIBE', null], ['CANCEL', null],
      ['END', null], ['QUIT', null], ['REVOKE', null], ['OPTOUT', null], ['OPT OUT', null],
      ['ALTO', 'es'], ['PARAR', 'es'], ['BAJA', 'es'],
      ['TIGIL', 'tl'], ['HINTO', 'tl'],
    ],
    bare('stop'),
  ),
  ...entries([['START', null], ['UNSTOP', null], ['INICIAR', 'es'], ['ALTA', 'es'], ['SIMULA', 'tl']], bare('start')),
  ...entries([['HELP', null], ['INFO', null], ['AYUDA', 'es'], ['TULONG', 'tl']], bare('help')),
  ...entries([['LANG', null], ['LANGUAGE', null], ['IDIOMA', 'es'], ['WIKA', 'tl']], parseLang),
  ...entries([['1', null], ['YES', null], ['SI', 'es'], ['OO', 'tl'], ['OPO', 'tl']], respond('going')),
  ...entries([['2', null], ['NO', null], ['HINDI', 'tl']], respond('cannot')),
  ...entries(
    [['CONFIRM', null], ['CONFIRMED', null], ['CONFIRMAR', 'es'], ['CONFIRMO', 'es'], ['TOTOO', 'tl']],
    verify('confirm'),
  ),
  ...entries([['FALSE', null], ['FALSO', 'es'], ['HINDI TOTOO', 'tl'], ['DI TOTOO', 'tl']], verify('false')),
  ...entries(
    [['ON DUTY', null], ['ONDUTY', null], ['EN TURNO', 'es'], ['NAKA DUTY', 'tl'], ['NAKADUTY', 'tl']],
    duty(true),
  ),
  ...entries(
    [
      ['OFF DUTY', null], ['OFFDUTY', null], ['FUERA DE TURNO', 'es'],
      ['WALANG DUTY', 'tl'], ['WALA NG DUTY', 'tl'],
    ],
    duty(false),
  ),
  ...entries([['ON SCENE', null], ['ONSCENE', null], ['EN EL LUGAR', 'es'], ['NASA LUGAR', 'tl']], arrived),
  ...entries(
    [['DRILLS OFF', null], ['DRILL OFF', null], ['SIMULACROS NO', 'es'], ['SIMULACRO NO', 'es'], ['PAGSASANAY OFF', 'tl']],
    drills(false),
  ),
  ...entries(
    [['DRILLS ON', null], ['DRILL ON', null], ['SIMULACROS SI', 'es'], ['SIMULACRO SI', 'es'], ['PAGSASANAY ON', 'tl']],
    drills(true),
  ),
  ...entries([['APPROVE', null], ['APROBAR', 'es'], ['APRUEBO', 'es'], ['APRUBAHAN', 'tl']], memberDecision('approve')),
  ...entries([['DENY', null], ['RECHAZAR', 'es'], ['RECHAZO', 'es'], ['TANGGIHAN', 'tl']], memberDecision('deny')),
  ...entries([['SEND', null], ['ENVIAR', 'es'], ['IPADALA', 'tl']], send),
  // Longer keyword wins: "HINDI TOTOO X7K2" is a verdict, not "HINDI" + code.
].sort((a, b) => b.words.length - a.words.length);

// ── opt-out phrases ───────────────────────────────────────────────────────────
// Carriers expect plain-language opt-outs to be honoured, but a raid report may start
// with "stop": only whole, tightly shaped phrases about *messages* count.

const STOP_PHRASES: ReadonlyArray<{ pattern: RegExp; hint: Locale | null }> = [
  // English
  {
    pattern:
      /^(PLEASE |PLS )?(STOP|QUIT|NO MORE) (TEXTING|TEXTS|MESSAGING|MESSAGES|SENDING( ME)? (MESSAGES|TEXTS)|CONTACTING)( ME)?( ANY ?MORE)?( PLEASE| PLS)?$/,
    hint: null,
  },
  { pattern: /^(PLEASE|PLS) (STOP|UNSUBSCRIBE|QUIT)$/, hint: null },
  { pattern: /^(STOP|QUIT) IT( NOW)?( PLEASE)?$/, hint: null },
  { pattern: /^(PLEASE )?(DONT|DO NOT) (TEXT|MESSAGE|CONTACT) ME( ANY ?MORE| AGAIN)?( PLEASE)?$/, hint: null },
  { pattern: /^(PLEASE )?(UNSUBSCRIBE|REMOVE) ME( FROM (THIS|THE|YOUR) LIST)?( PLEASE)?$/, hint: null },
  { pattern: /^(PLEASE )?TAKE ME OFF (THIS|THE|YOUR) LIST( PLEASE)?$/, hint: null },
  { pattern: /^OPT ME OUT( PLEASE)?$/, hint: null },
  // Spanish
  {
    pattern:
      /^(POR FAVOR )?(YA )?NO (ME )?(MANDEN|MANDES|MANDE|ENVIEN|ENVIES|ENVIE|ESCRIBAN)( MAS)?( MENSAJES| TEXTOS)?( MAS)?( POR FAVOR)?$/,
    hint: 'es',
  },
  { pattern: /^(YA )?NO QUIERO (RECIBIR )?(MAS )?(MENSAJES|TEXTOS)( MAS)?( POR FAVOR)?$/, hint: 'es' },
  { pattern: /^NO MAS (MENSAJES|TEXTOS)( POR FAVOR)?$/, hint: 'es' },
  {
    pattern: /^(POR FAVOR )?(DEJEN|DEJA|DEJE) DE (MANDARME|ENVIARME|ESCRIBIRME)( MENSAJES| TEXTOS)?( POR FAVOR)?$/,
    hint: 'es',
  },
  { pattern: /^(POR FAVOR )?(QUIERO )?(DENME|DAME|DARME|DESE) DE BAJA( POR FAVOR)?$/, hint: 'es' },
  // Tagalog / Taglish
  {
    pattern:
      /^(PAKI )?(HUWAG|WAG) (NA )?((KAYONG|NYONG|NIYONG|NINYONG) )?(NA )?(MAG ?TEXT|MAG ?MESSAGE|MAG ?MENSAHE|I ?TEXT)( SA AKIN| SAKIN| AKO)?( ULIT)?( PO)?$/,
    hint: 'tl',
  },
  {
    pattern: /^(PAKI )?(HUWAG|WAG) (NYO|NIYO|NINYO|MO|KAYO) (NA )?(AKONG|AKO) (I ?TEXT|I ?MESSAGE|TEXTAN|MESSAGE|MAG ?TEXT)( ULIT)?( PO)?$/,
    hint: 'tl',
  },
  { pattern: /^(AYOKO|AYAW KO) NA (NG|SA) (MENSAHE|MESSAGE|MESSAGES|TEXT|TEXTS)( PO)?$/, hint: 'tl' },
  { pattern: /^TIGILAN (NYO|NIYO|NINYO|MO) NA (AKO|KAMI)( PO)?$/, hint: 'tl' },
  { pattern: /^(TIGIL|HINTO|STOP) NA( PO)?$/, hint: 'tl' },
];

/** Parses one inbound SMS body. Pure, total: any string in, a Command out. */
export function parseInbound(body: string): Command {
  const clean = typeof body === 'string' ? body.replace(INVISIBLE, '') : '';
  if (clean.trim() === '') return { type: 'empty', languageHint: null };

  const tokens = tokenize(clean);
  // Emoji- or punctuation-only texts may be someone who can't type more: treat as a report.
  if (tokens.length === 0) return { type: 'report', languageHint: null };

  // The longest phrase has 12 words; skip building a joined string for long reports.
  if (tokens.length <= 12) {
    const joined = tokens.map((t) => t.norm).join(' ');
    for (const { pattern, hint } of STOP_PHRASES) {
      if (pattern.test(joined)) return { type: 'stop', languageHint: hint };
    }
  }

  for (const entry of KEYWORDS) {
    if (!entry.words.every((w, i) => tokens[i]?.norm === w)) continue;
    const command = entry.parse({ tokens, argStart: entry.words.length, body: clean, hint: entry.hint });
    if (command !== null) return command;
  }
  return { type: 'report', languageHint: null };
}
