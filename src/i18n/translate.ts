import { catalog, type MessageKey } from './catalog.ts';
import { DEFAULT_LOCALE, type Locale } from './locales.ts';

export type MessageParams = Record<string, string | number>;
export type { MessageKey };
export type Translator = (key: MessageKey, params?: MessageParams) => string;

const merged: Record<Locale, Map<string, string>> = {
  'zh-CN': new Map(),
  en: new Map(),
};
for (const area of catalog) {
  for (const locale of Object.keys(merged) as Locale[]) {
    for (const [key, text] of Object.entries(area[locale])) merged[locale].set(key, text);
  }
}

/** Every key known in a locale: tests check both locales hold the same set. */
export function messageKeys(locale: Locale): MessageKey[] {
  return [...merged[locale].keys()] as MessageKey[];
}

/** Whether a key read at run time (a schema's error text, a key built from a value) is a message. */
export function hasMessage(key: string): key is MessageKey {
  return merged[DEFAULT_LOCALE].has(key);
}

/**
 * Looks a key up in the locale, falling back to Chinese; fills {placeholders}. A key is checked
 * by the type check; one that is not a message anyway (built from a value at run time, or a
 * view's) gives nothing rather than the key: a visitor never reads the application's insides.
 */
export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
  const text = merged[locale].get(key) ?? merged[DEFAULT_LOCALE].get(key) ?? '';
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name]),
  );
}

export function translator(locale: Locale): Translator {
  return (key, params) => translate(locale, key, params);
}

/** Picks the text of a bilingual value ({ zh, en }) in the locale, with Chinese as the fallback. */
export function pick(value: { zh: string; en?: string } | undefined, locale: Locale): string {
  if (!value) return '';
  return locale === 'en' && value.en ? value.en : value.zh;
}
