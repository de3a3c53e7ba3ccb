// How much room a dispatcher's update has inside the `update` template ("UPDATE K28P: …") when the whole must fit
// two segments in every language. Pure and dependency-free: the console bundles it to show the room live, and the
// API refuses with the same numbers.
import { t } from '../i18n/index.js';
import { LOCALES } from './types.js';

export const UPDATE_SEGMENTS = 2;
/** Two concatenated segments: 153 septets each in GSM-7, 67 UTF-16 units each in UCS-2. */
const LIMITS = { 'GSM-7': 153 * UPDATE_SEGMENTS, 'UCS-2': 67 * UPDATE_SEGMENTS } as const;

// GSM 03.38: the basic table, and the extension table whose characters take two septets.
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');
// What phones type on their own, and their plain GSM-7 spelling (as the sender will send them).
const PLAIN: Readonly<Record<string, string>> = { '‘': "'", '’': "'", '“': '"', '”': '"', '–': '-', '—': '-', '…': '...', '\u00A0': ' ', '\t': ' ' };

export interface UpdateRoom {
  encoding: 'GSM-7' | 'UCS-2';
  /** Characters (septets or UTF-16 units) the text may take in the tightest language. */
  room: number;
  /** Room left after the text; negative when it is too long. */
  left: number;
}

/** Septets of `text` spelled in GSM-7 (accents dropped as the sender would), or null when it cannot be. */
function gsmSeptets(text: string): number | null {
  let septets = 0;
  for (const ch of text) {
    const plain = PLAIN[ch] ?? (GSM_BASIC.has(ch) || GSM_EXTENSION.has(ch) ? ch : ch.normalize('NFKD').replace(/\p{M}/gu, ''));
    for (const c of plain) {
      if (GSM_BASIC.has(c)) septets += 1;
      else if (GSM_EXTENSION.has(c)) septets += 2;
      else return null;
    }
  }
  return septets;
}

function units(text: string, encoding: UpdateRoom['encoding']): number {
  return encoding === 'GSM-7' ? (gsmSeptets(text) ?? Infinity) : text.length;
}

/** The room for `text` in the update template of the incident `code` (a drill's carries the drill prefix). */
export function updateRoom(text: string, subject: { code: string; drill: boolean }): UpdateRoom {
  const encoding = gsmSeptets(text) === null ? 'UCS-2' : 'GSM-7';
  let tightest: UpdateRoom | null = null;
  for (const locale of LOCALES) {
    const header = t(locale, 'update', { drill: subject.drill ? t(locale, 'drill_prefix') : '', code: subject.code, text: '' });
    const room = LIMITS[encoding] - units(header, encoding);
    const left = room - units(text, encoding);
    if (!tightest || left < tightest.left) tightest = { encoding, room, left };
  }
  return tightest ?? { encoding, room: 0, left: -units(text, encoding) };
}
