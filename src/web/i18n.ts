// The console's words: the browser's language unless the dispatcher picked one (remembered on this device).
import { LOCALES, type Locale } from '../domain/types.js';
import { en } from '../i18n/en.js';
import { es } from '../i18n/es.js';
import { tl } from '../i18n/tl.js';
import { CONSOLE_CATALOGUES, type ConsoleKey } from '../i18n/console.js';

const KINDS = { en, es, tl };
const STORED = 'centinela.locale';
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', es: 'Español', tl: 'Tagalog' };
export { LOCALES };
export type { Locale };

function initialLocale(): Locale {
  const stored = localStorage.getItem(STORED);
  if (stored && (LOCALES as readonly string[]).includes(stored)) return stored as Locale;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'fil') return 'tl';
    if (base && (LOCALES as readonly string[]).includes(base)) return base as Locale;
  }
  return 'en';
}

let current: Locale = initialLocale();
const listeners = new Set<() => void>();

export function locale(): Locale {
  return current;
}

export function setLocale(next: Locale): void {
  current = next;
  localStorage.setItem(STORED, next);
  document.documentElement.lang = next;
  for (const listener of listeners) listener();
}

export function onLocaleChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function t(key: ConsoleKey, params: Record<string, string | number> = {}): string {
  const template = CONSOLE_CATALOGUES[current][key] ?? CONSOLE_CATALOGUES.en[key];
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => String(params[name] ?? ''));
}

/** A catalogue text by a key built from data (an event type, a message kind), else the raw word made readable. */
export function named(prefix: 'event_' | 'mkind_', value: string): string {
  const key = `${prefix}${value}`;
  return key in CONSOLE_CATALOGUES.en ? t(key as ConsoleKey) : value.replace(/[._]/g, ' ');
}

export function kindName(kind: string): string {
  const key = `kind_${kind}` as keyof typeof en;
  return KINDS[current][key] ?? kind;
}

document.documentElement.lang = current;
