// Dates and times as people read them, in their language: always in the office's zone, never
// the server's. Pages (res.locals.formatDate...), messages and exports all use these.
import { DateTime } from 'luxon';
import { localDateOf, localTimeOf } from '../domain/local-time.ts';
import type { Locale } from './locales.ts';
import { translate } from './translate.ts';

/** Dates written already, by locale and date: a page writes the same few days again and again. */
const dateLabels = new Map<string, string>();
/** Past this many, the written dates are forgotten and written again as asked. */
const DATE_LABELS_KEPT = 5_000;

/** A local date (yyyy-MM-dd) as people write it: 2026年8月19日 周三 / Wed 19 Aug 2026. */
export function formatDate(date: string, locale: Locale): string {
  // Luxon's parse and format were a sixteenth of a refused booking form's CPU (its alternatives).
  const key = `${locale}|${date}`;
  const known = dateLabels.get(key);
  if (known !== undefined) return known;
  if (dateLabels.size >= DATE_LABELS_KEPT) dateLabels.clear();
  const label = writeDate(date, locale);
  dateLabels.set(key, label);
  return label;
}

function writeDate(date: string, locale: Locale): string {
  const d = DateTime.fromISO(date, { zone: 'utc' });
  if (!d.isValid) return date;
  return locale === 'en'
    ? d.setLocale('en-GB').toFormat('ccc d LLL yyyy')
    : `${d.toFormat('yyyy年M月d日')} ${translate(locale, `weekday.${d.weekday}`)}`;
}

/** A month (yyyy-MM): 2026年8月 / August 2026. */
export function formatMonth(month: string, locale: Locale): string {
  const d = DateTime.fromISO(`${month}-01`, { zone: 'utc' });
  if (!d.isValid) return month;
  return locale === 'en' ? d.setLocale('en-GB').toFormat('LLLL yyyy') : d.toFormat('yyyy年M月');
}

/** A day in a calendar cell, where a phone leaves room for little: 8月12日 / 12 Aug. */
export function formatShortDate(date: string, locale: Locale): string {
  const d = DateTime.fromISO(date, { zone: 'utc' });
  if (!d.isValid) return date;
  return locale === 'en' ? d.setLocale('en-GB').toFormat('d LLL') : d.toFormat('M月d日');
}

/** An instant in the office's zone: 2026年8月18日 周二 18:00. */
export function formatInstant(at: Date | string, zone: string, locale: Locale): string {
  return `${formatDate(localDateOf(at, zone), locale)} ${localTimeOf(at, zone)}`;
}
