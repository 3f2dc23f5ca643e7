// Dates and times in messages: always in the office's zone, never the server's.
import { DateTime } from 'luxon';
import type { Locale } from '../i18n/locales.ts';
import { translate } from '../i18n/translate.ts';

/** A local date (yyyy-MM-dd) as people write it: 2026年8月19日 周三 / Wed 19 Aug 2026. */
export function formatDay(date: string, locale: Locale): string {
  const d = DateTime.fromISO(date, { zone: 'utc' });
  if (!d.isValid) return date;
  return locale === 'en'
    ? d.setLocale('en-GB').toFormat('ccc d LLL yyyy')
    : `${d.toFormat('yyyy年M月d日')} ${translate(locale, `weekday.${d.weekday}`)}`;
}

export function localDate(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toISODate()!;
}

export function localClock(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('HH:mm');
}

/** An instant in the office's zone: 2026年8月18日 周二 18:00. */
export function formatInstant(at: Date, zone: string, locale: Locale): string {
  return `${formatDay(localDate(at, zone), locale)} ${localClock(at, zone)}`;
}
