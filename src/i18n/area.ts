import type { Locale } from './locales.ts';

/** One area's messages (booking, staff, ceremony, mail...): the same keys in every locale. */
export type AreaMessages = Record<Locale, Record<string, string>>;

export function defineMessages<const T extends Record<string, string>>(messages: {
  'zh-CN': T;
  en: { [K in keyof T]: string };
}): AreaMessages {
  return messages;
}
