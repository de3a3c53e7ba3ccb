// The texts of broadcasts, per language. Pure.
import { fitSms, segmentsOf, toGsm7 } from './sms-fit.js';
import type { IncidentKind, Locale } from './types.js';
import { t } from '../i18n/index.js';

export interface AlertSubject {
  code: string;
  kind: IncidentKind;
  label: string | null;
  drill: boolean;
}

export type BroadcastText = 'alert' | 'correction' | 'all_clear' | 'stand_down' | 'update';

export function broadcastText(kind: BroadcastText, locale: Locale, incident: AlertSubject, updateText = ''): string {
  const drill = incident.drill ? t(locale, 'drill_prefix') : '';
  const place = publicPlace(incident);
  switch (kind) {
    case 'alert':
      return fewestSegments(t(locale, 'alert', { drill, code: incident.code, kind: t(locale, `kind_${incident.kind}`), place }));
    case 'update':
      return fewestSegments(t(locale, 'update', { drill, code: incident.code, text: updateText }));
    default:
      return fewestSegments(t(locale, kind, { drill, code: incident.code, place }));
  }
}

/**
 * Fitted to two segments, and without accents whenever they alone would cost a segment more (UCS-2 holds 67
 * characters a part, GSM-7 153): a broadcast goes to thousands, and a place name's "Á" must not double the bill.
 */
function fewestSegments(text: string): string {
  const fitted = fitSms(text);
  const plain = toGsm7(fitted);
  return plain !== null && plain !== fitted && segmentsOf(plain).segments < segmentsOf(fitted).segments ? plain : fitted;
}

/**
 * Where the incident is, as the public may be told. A home is named by its block, never its house number:
 * "1234 Mission St" becomes "1200 block of Mission St".
 */
export function publicPlace(incident: Pick<AlertSubject, 'kind' | 'label'>): string {
  const label = (incident.label ?? '').trim() || '?';
  if (incident.kind !== 'home') return label;
  const match = /^(\d+)[A-Za-z]?\s+(.+)$/.exec(label);
  if (!match?.[1] || !match[2]) return label;
  const block = Math.floor(Number(match[1]) / 100) * 100;
  return `${block} block of ${match[2]}`;
}
