// Message catalogues and the one function services use to word an SMS.
import type { Locale } from '../domain/types.js';
import { en } from './en.js';
import { es } from './es.js';
import { tl } from './tl.js';

export type MessageKey = keyof typeof en;

export const MESSAGE_KEYS = Object.keys(en) as MessageKey[];

export const CATALOGUES: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { en, es, tl };

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Names of the {placeholders} in a template, in order of first use. */
export function placeholdersOf(template: string): string[] {
  return [...new Set(Array.from(template.matchAll(PLACEHOLDER), (m) => m[1] ?? ''))];
}

/**
 * The text for `key` in `locale`, with {name} placeholders filled from `params`.
 * Throws on a missing param: a half-filled alert is a bug we want tests to catch,
 * not something to send to someone in danger.
 */
export function t(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  // A locale read from storage may be stale; English beats no message at all.
  const catalogue = CATALOGUES[locale] ?? CATALOGUES.en;
  const template = catalogue[key];
  if (template === undefined) throw new Error(`Unknown message key "${String(key)}"`);
  // One pass with a callback: values (e.g. a coordinator's update text) are never re-scanned.
  return template.replace(PLACEHOLDER, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`Missing param "${name}" for message "${key}" (${locale})`);
    return String(value);
  });
}

const LOCALE_NAMES: Readonly<Record<Locale, string>> = { en: 'English', es: 'Español', tl: 'Tagalog' };

/** The language's own name for itself, e.g. for a console or a LANG confirmation. */
export function localeName(locale: Locale): string {
  return LOCALE_NAMES[locale] ?? locale;
}
