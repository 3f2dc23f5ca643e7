import type { Locale } from './locales.ts';

/**
 * One area's messages (booking, staff, ceremony, mail...): the same keys in every locale. A key
 * missing from the English messages (or one English has that Chinese has not) fails the type
 * check; the keys themselves are the type MessageKey (catalog.ts) that every translation takes.
 */
export function defineMessages<const T extends Record<string, string>>(messages: {
  'zh-CN': T;
  en: { [K in keyof T]: string };
}) {
  return messages;
}

/** Any area's messages, as translate() reads them. */
export type AreaMessages = Record<Locale, Record<string, string>>;

/** The keys an area defines. */
export type KeysOf<A> = A extends { 'zh-CN': infer T } ? keyof T & string : never;
