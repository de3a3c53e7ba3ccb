// Guesses the language of a free-text report (and re-exports what kind of place it describes, from kind.ts).
// Both are hints for people and routing: a wrong guess must be cheap, so when the text is
// too short to tell we say nothing rather than answer someone in the wrong language.
import { franc } from 'franc-min';
import { BREAK, foldWords } from './details.js';
import type { Locale } from './types.js';

export { classifyKind } from './kind.js';

export interface DetectedLanguage {
  /** ISO 639-1 code of the guessed language, or null when unsure. */
  language: string | null;
  /** The guess when it is a language the hotline answers in. */
  locale: Locale | null;
}

// Languages of the communities the hotline serves; franc-min lacks Haitian Creole ('hat'),
// which is harmless to list and picked up if the data ever includes it.
const FRANC_ONLY = ['eng', 'spa', 'tgl', 'por', 'fra', 'vie', 'hat', 'cmn', 'kor', 'rus', 'arb'];

const ISO_639_1: Readonly<Record<string, string>> = {
  eng: 'en', spa: 'es', tgl: 'tl', por: 'pt', fra: 'fr', vie: 'vi',
  hat: 'ht', cmn: 'zh', kor: 'ko', rus: 'ru', arb: 'ar',
};

const LOCALE_OF: Readonly<Record<string, Locale>> = { en: 'en', es: 'es', tl: 'tl' };

const MIN_WORDS = 4;
const FRANC_MIN_LENGTH = 10;

// Scripts written without spaces: count about one word per two characters.
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;

/** Word tokens made of letters only: ZIPs, codes like X7K2 and numbers don't count. */
function letterWords(text: string): string[] {
  return text
    .split(/[^\p{L}\p{M}\p{N}'\u2019]+/u)
    .filter((w) => w !== '' && /^[\p{L}\p{M}'\u2019]+$/u.test(w));
}

function wordCount(words: readonly string[]): number {
  let count = 0;
  for (const w of words) count += UNSPACED.test(w) ? Math.ceil(Array.from(w).length / 2) : 1;
  return count;
}

// franc-min has no Haitian Creole and no Mayan languages, and tends to file them (and other
// unknown Latin-script text) under Tagalog. Answering those people in Tagalog would be worse
// than not guessing, so a Tagalog verdict needs at least one common Tagalog function word.
// The two lists share no word, so counting both settles Haitian-vs-Tagalog mix-ups.
const TAGALOG_MARKERS = new Set([
  'ang', 'ng', 'mga', 'sa', 'ay', 'po', 'opo', 'namin', 'natin', 'nila', 'ninyo', 'nyo', 'niyo', 'ngayon',
  'nasa', 'ito', 'iyan', 'yan', 'yung', 'dito', 'doon', 'hindi', 'wala', 'walang', 'may', 'meron',
  'nandito', 'andito', 'nandyan', 'kami', 'sila', 'siya', 'kayo', 'tayo', 'ako', 'din', 'rin',
  'naman', 'nang', 'kanto', 'bahay', 'tulong', 'pumunta', 'dumating', 'maraming', 'ahente',
]);
const HAITIAN_MARKERS = new Set([
  'mwen', 'nou', 'yo', 'kounye', 'lakay', 'ki', 'gen', 'nan', 'sou', 'li', 'kote', 'lapolis', 'ajan', 'isit',
  'imigrasyon', 'pa', 'ak', 'pou', 'ye', 'anpil', 'machin',
]);

/** Guesses the language of a report. Both fields are null for short or unclear texts. */
export function detectLanguage(text: string): DetectedLanguage {
  const none: DetectedLanguage = { language: null, locale: null };
  if (typeof text !== 'string') return none;
  const words = letterWords(text.slice(0, 4000));
  if (wordCount(words) < MIN_WORDS) return none;

  const sample = words.join(' ');
  const code = franc(sample, { only: FRANC_ONLY, minLength: FRANC_MIN_LENGTH });
  let language = ISO_639_1[code] ?? null;

  if (language === 'tl') {
    const lower = words.map((w) => w.toLowerCase());
    const tagalog = lower.filter((w) => TAGALOG_MARKERS.has(w)).length;
    const haitian = lower.filter((w) => HAITIAN_MARKERS.has(w)).length;
    if (haitian >= 2 && haitian > tagalog) language = 'ht';
    else if (tagalog === 0) language = null;
  }
  if (language === null) return none;
  return { language, locale: LOCALE_OF[language] ?? null };
}

// ── the language of a report ────────────────────────────────────────────────
// franc reads letter statistics, which English proper nouns ("Home Depot", "Seafood City") pull towards
// English and which short texts don't have. The small words people cannot write around ("hay", "en la", "sa",
// "ng", "po", "the", "is") say more, so both are weighed together.

type Weights = ReadonlyMap<string, number>;

/** Evidence of a language we cannot name. */
const UNDETERMINED = 'und';

function weights(strong: string, weak = '', faint = ''): Weights {
  const map = new Map<string, number>();
  for (const [list, weight] of [[faint, 0.5], [weak, 1], [strong, 2]] as const) {
    for (const word of list.split(/\s+/)) if (word !== '') map.set(word, weight);
  }
  return map;
}

// Words are folded (lowercase, no accents). Strong: hardly ever seen in the other languages' texts; weak: also
// part of names ("El Camino", "De Haro", "Los Panchos") or shared with a neighbour language.
const MARKERS: ReadonlyArray<readonly [string, Weights]> = [
  [
    'es',
    weights(
      `hay esta estan estas estamos estoy estaba estaban aqui aca alli ahi ahorita orita horita ahora llevaron
      llevando agarraron agarrando detuvieron deteniendo arrestando arrestaron tocando cerca afuera adentro dentro enfrente
      frente calle esquina donde tienen tiene vengan ayuda ayudenme porfa porfavor favor gracias muchos muchas mucha
      mucho gente personas hombres camionetas camioneta trocas troca patrullas patrulla carros que con redada
      escuela trabajo tienda iglesia vecino vecina vecinos mis hijos hijo ninos nino cuatro cinco unos unas ya muy
      todos todo anda andan hace acaban acaba inmigracion son fue fueron se le les su sus del al vimos salgan nadie
      tengan oficiales ellos nosotros hoy llegaron llegando rodeando parando revisando cuadra cuadras esposo esposa
      mama pues siempre tambien otra otro avisen avisar corran entraron sacando metiendo preguntando papeles alguien
      nos mi cuando hasta desde sobre llego vinieron esten vayan quedense hermano hermana senora senor cuidense
      cuidate escondanse abran pasen ojo aguas`,
      `la las los el de en y una un uno dos tres pero para por como casa fabrica tu lo es agentes policia q xq pq cuidado
      migra`,
      `no`,
    ),
  ],
  [
    'en',
    weights(
      `the is are they there here now near outside inside with people taking arrested arresting please help my our we
      im you your just still to from for this that its were was been have has got get some many two three white black
      corner kids children know dont cant coming going guys everyone careful stay avoid around block across next front
      back after before about like what where who come saw see seen look doors heading stopped stopping pls plz asap
      rn ppl officers their them he she his her him an parked waiting left leave asking checking anyone someone did
      not will gonna watch out into if had be being do can go up down over all of it theyre and`,
      `at on in by right agents vans cars trucks house work store school church raid u ur i`,
      `no ice sos`,
    ),
  ],
  [
    'tl',
    weights(
      `ang ng sa mga po opo nasa ngayon dito doon diyan dyan nandito andito nandyan andyan nandoon andun andoon yung
      yun iyong ito iyan yan ay namin natin nila ninyo nyo niyo kami sila siya sya kayo tayo ako ko mo niya nya din
      rin naman lang lamang kasi ba wala walang meron mayroon ni kay kanto bahay tulong pumunta dumating maraming
      marami ahente hinuli dinampot kinuha kumakatok pulis malapit tabi harap labas loob kapitbahay anak bata tatlong
      dalawang apat limang isang sasakyan kotse trabaho tindahan simbahan paaralan ingat magingat wag huwag bakit ano
      saan nasaan sino talaga grabe sobrang daw raw pala kaya tapos sana nga nang taga papunta naka nakita andaming
      daming inyo amin atin lahat tao kanina yong ung nasan dun jan kc lng nmn ngaun ngyn tlga d2 kmi hinahanap umalis
      pumasok tumawag mag paki pakiusap salamat maingat kayong tayong tatlo dalawa isa lima sampu kayo nakaparada`,
      `na may pa si at`,
    ),
  ],
  [
    'pt',
    weights(
      `estao nao agora voce voces eles elas tem muito muitos muita rua perto imigracao escola trabalho ajuda sao isso
      esse essa pra levaram prenderam tao entao obrigado obrigada homens mulheres criancas estava estavam policiais
      chegaram chegou pegaram levou prendendo batendo porta portas minha meu nossa vizinho`,
      `uma um em com ja ta do da`,
      `na no dos aqui gente cuidado casa fabrica carros agentes estamos`,
    ),
  ],
  ['ht', weights([...HAITIAN_MARKERS].join(' '), 'a la')],
  // Mam and K'iche', spoken by many Guatemalan reporters: no detector knows them, so they only come back as
  // "not a language we can name" (null), which keeps them from being answered as Spanish for "migra".
  [UNDETERMINED, weights('toj tzaj tnam kyaqil xjal wawe kyi tuj aj ajxnaqtzil', 'ri jun xa')],
];
// Glottal stops written after a consonant (k'o, q'ij, b'e, tz'i): Mayan spelling, not English "don't" or "it's".
const MAYAN_SPELLING = /[bkqtz]['’ʼ]\p{L}/iu;

// Letters only some languages write; "¿" and "¡" are Spanish.
const LETTER_EVIDENCE: ReadonlyArray<readonly [string, RegExp, number]> = [
  ['es', /[¿¡ñ]/iu, 1.5],
  ['pt', /[ãõç]/iu, 2],
];
const NAME_ARTICLE = /(?<!\p{L})(?:la|las|los|el|de|del|La|Las|Los|El|De|Del)\s+(?=\p{Lu}\p{Ll})/gu;
const VIETNAMESE = /[đơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/iu;

// Texts in another script are in none of the hotline's languages: name the likely one, however short.
const SCRIPTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\p{Script=Hangul}/u, 'ko'],
  [/[\p{Script=Hiragana}\p{Script=Katakana}]/u, 'ja'],
  [/\p{Script=Han}/u, 'zh'],
  [/\p{Script=Thai}/u, 'th'],
  [/\p{Script=Khmer}/u, 'km'],
  [/\p{Script=Lao}/u, 'lo'],
  [/\p{Script=Myanmar}/u, 'my'],
  [/\p{Script=Devanagari}/u, 'hi'],
  [/\p{Script=Gurmukhi}/u, 'pa'],
  [/\p{Script=Ethiopic}/u, 'am'],
  [/\p{Script=Armenian}/u, 'hy'],
  [/\p{Script=Georgian}/u, 'ka'],
  [/\p{Script=Arabic}/u, 'ar'],
  [/\p{Script=Cyrillic}/u, 'ru'],
  [/\p{Script=Hebrew}/u, 'he'],
  [/\p{Script=Greek}/u, 'el'],
];

/** A winner needs this much evidence, and this much more than the runner-up. */
const MIN_EVIDENCE = 2;
const MIN_EVIDENCE_OTHER = 3;
const MIN_LEAD = 1;

// Scripts where two characters already make a word: nobody writing en/es/tl uses them ("ICE在Daly City抓人").
const SYLLABIC = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Khmer}\p{Script=Lao}\p{Script=Myanmar}]/gu;

function otherScript(text: string): string | null {
  const letters = text.match(/\p{L}/gu) ?? [];
  const latin = letters.filter((c) => /\p{Script=Latin}/u.test(c)).length;
  const syllabic = (text.match(SYLLABIC) ?? []).length;
  if (syllabic < 2 && latin >= letters.length - latin) return null;
  for (const [script, code] of SCRIPTS) if (script.test(text)) return code;
  return null;
}

/** Evidence per language from the words and letters of a text, plus franc's verdict on longer texts. */
function evidence(text: string): { scores: Map<string, number>; words: number } {
  // Letter words, and "d2" ("dito" as Filipinos text it). Articles that begin a name ("La Taqueria", "De Haro",
  // "El Farolito") belong to the name, not to the sentence, unless everything is in capitals.
  const lower = (text.match(/\p{Ll}/gu) ?? []).length;
  const named = lower > 0 ? text.replace(NAME_ARTICLE, '') : text;
  const words = foldWords(named).filter((w) => w !== BREAK && (/^\p{L}/u.test(w) || w === 'd2'));
  const scores = new Map<string, number>();
  const add = (language: string, value: number): void => {
    scores.set(language, (scores.get(language) ?? 0) + value);
  };
  for (const word of words) {
    for (const [language, markers] of MARKERS) {
      const weight = markers.get(word);
      if (weight !== undefined) add(language, weight);
    }
  }
  for (const [language, letters, weight] of LETTER_EVIDENCE) if (letters.test(text)) add(language, weight);
  if (MAYAN_SPELLING.test(text)) add(UNDETERMINED, 3);
  const vietnamese = (text.match(new RegExp(VIETNAMESE.source, 'giu')) ?? []).length;
  if (vietnamese >= 2) add('vi', 2 * vietnamese);
  // franc is worth a few function words once a text is long enough for letter statistics to mean something.
  const guessed = detectLanguage(text).language;
  if (guessed !== null) add(guessed, words.length >= 8 ? 3 : 1);
  return { scores, words: words.length };
}

/**
 * The language a report is written in, and the one to answer it in. `language` says what the text is written in
 * (an ISO 639-1 code, any language; the sender's remembered one when the text is too short or unclear to tell);
 * `locale` is the reply language: an explicit LANG always, else the text's language when the hotline speaks it,
 * else the remembered one.
 */
export function reportLanguage(
  text: string,
  history?: { locale: Locale | null; explicit: boolean },
): DetectedLanguage {
  const remembered = history?.locale ?? null;
  const reply = (language: string | null): DetectedLanguage => {
    if (history?.explicit && remembered) return { language, locale: remembered };
    return { language, locale: (language !== null ? LOCALE_OF[language] : undefined) ?? remembered };
  };
  if (typeof text !== 'string') return reply(remembered);
  const sample = text.slice(0, 4000);

  const script = otherScript(sample);
  if (script !== null) return reply(script);

  const { scores, words } = evidence(sample);
  const ranked = [...scores].sort((a, b) => b[1] - a[1]);
  const [first, second] = ranked;
  const lead = (first?.[1] ?? 0) - (second?.[1] ?? 0);
  const clear = first && first[1] >= minEvidence(first[0]) && lead >= MIN_LEAD ? first[0] : null;
  if (clear !== null) return reply(clear === UNDETERMINED ? null : clear);
  // English mixed evenly with Spanish or Tagalog: the writer's own language is the other one.
  if (first && second && lead < MIN_LEAD) {
    const pair = [first[0], second[0]];
    const own = pair.find((l) => l === 'es' || l === 'tl');
    if (pair.includes('en') && own !== undefined && (scores.get(own) ?? 0) >= MIN_EVIDENCE) return reply(own);
  }
  // Too little to tell: the sender's language, if known; a long text in no language we know is not given one.
  const contenders = ranked.filter(([, score]) => score > 0 && (first?.[1] ?? 0) - score < MIN_LEAD).map(([l]) => l);
  if (remembered !== null && (words < MIN_WORDS || contenders.includes(remembered))) return reply(remembered);
  // Nothing remembered: the best of thin evidence, if it stands alone ("help ICE 94112", "2 agents at 24th n york").
  if (first && lead > 0 && LOCALE_OF[first[0]] !== undefined && (words < MIN_WORDS || first[1] >= MIN_EVIDENCE)) {
    return reply(first[0]);
  }
  return reply(words >= MIN_WORDS ? null : remembered);
}

/** Languages the hotline does not answer in need more than one stray word ("ajan", "na") to be named. */
function minEvidence(language: string): number {
  return LOCALE_OF[language] !== undefined ? MIN_EVIDENCE : MIN_EVIDENCE_OTHER;
}
