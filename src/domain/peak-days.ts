// Dates couples want on their certificate. The system suggests them ahead of time;
// staff confirm each one with a day plan (extra windows, hours, quota).
import { addDays, addMonths, isLeapYear, isLocalDate, isoWeekday } from './local-time.ts';
import { lunarDateOf } from './lunar-calendar.ts';
import type { Bilingual, LocalDate } from './schedule-types.ts';

export interface PeakSuggestion {
  date: LocalDate;
  key: 'qixi' | '520' | '521' | 'valentines' | 'custom';
  label: Bilingual;
  weekday: number;
}

export const PEAK_LABELS: Record<Exclude<PeakSuggestion['key'], 'custom'>, Bilingual> = {
  qixi: { zh: '七夕', en: 'Qixi (Chinese Valentine’s Day)' },
  '520': { zh: '520（我爱你）', en: '520 (“I love you”)' },
  '521': { zh: '521（我爱你）', en: '521 (“I love you”)' },
  valentines: { zh: '情人节', en: 'Valentine’s Day' },
};

/**
 * Published dates where ICU's approximate new moon lands on the wrong side of
 * midnight in China. 2012: the new moon of the 7th month fell at 23:54 CST on
 * 17 August, so the month began that day and Qixi was 23 August; ICU says the 24th.
 * Cross-checked against an independent new-moon computation (Meeus, ch. 49) for
 * 1990-2100: this is the only Qixi that differs.
 */
const QIXI_CORRECTIONS: ReadonlyMap<number, LocalDate> = new Map([[2012, '2012-08-23']]);

// Qixi falls between 31 July and 30 August (1901-2100); the scan leaves a week each side.
const SCAN_FROM = '-07-24';
const SCAN_DAYS = 45;

function isQixi(date: LocalDate, year: number): boolean {
  const lunar = lunarDateOf(date);
  return lunar.month === 7 && lunar.day === 7 && !lunar.leapMonth && lunar.relatedYear === year;
}

/** 7th day of the 7th lunar month; a leap 7th month (闰七月) never holds a second Qixi. */
export function qixiDate(gregorianYear: number): LocalDate {
  const corrected = QIXI_CORRECTIONS.get(gregorianYear);
  if (corrected) return corrected;
  const first = `${String(gregorianYear).padStart(4, '0')}${SCAN_FROM}`;
  const candidates =
    Number.isInteger(gregorianYear) && isLocalDate(first)
      ? Array.from({ length: SCAN_DAYS + 1 }, (_, offset) => addDays(first, offset))
      : [];
  const found = candidates.find((date) => isQixi(date, gregorianYear));
  if (!found) throw new RangeError(`no Qixi for year ${gregorianYear}`);
  return found;
}

export interface CustomPeakDay {
  month: number;
  day: number;
  label: Bilingual;
}

function monthDay(year: number, month: number, day: number): LocalDate | null {
  const date = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  // A custom 29 February simply has no date in a common year.
  if (month === 2 && day === 29 && !isLeapYear(year)) return null;
  return isLocalDate(date) ? date : null;
}

function fixedPeakDays(year: number): Omit<PeakSuggestion, 'weekday'>[] {
  return [
    { date: `${year}-02-14`, key: 'valentines', label: PEAK_LABELS.valentines },
    { date: `${year}-05-20`, key: '520', label: PEAK_LABELS['520'] },
    { date: `${year}-05-21`, key: '521', label: PEAK_LABELS['521'] },
    { date: qixiDate(year), key: 'qixi', label: PEAK_LABELS.qixi },
  ];
}

/**
 * Peak days in [from, from + months), sorted by date. An office's own date that
 * repeats a built-in one (or an earlier custom one) is suggested once, as the first.
 */
export function suggestPeakDays(from: LocalDate, months: number, custom: CustomPeakDay[]): PeakSuggestion[] {
  if (!(months > 0)) return [];
  const until = addMonths(from, months);
  const seen = new Set<LocalDate>();
  const suggestions: PeakSuggestion[] = [];
  const firstYear = Number(from.slice(0, 4));
  const lastYear = Number(until.slice(0, 4));
  for (let year = firstYear; year <= lastYear; year += 1) {
    const customDays = custom.flatMap((entry) => {
      const date = monthDay(year, entry.month, entry.day);
      return date ? [{ date, key: 'custom' as const, label: entry.label }] : [];
    });
    for (const candidate of [...fixedPeakDays(year), ...customDays]) {
      if (candidate.date < from || candidate.date >= until || seen.has(candidate.date)) continue;
      seen.add(candidate.date);
      suggestions.push({ ...candidate, weekday: isoWeekday(candidate.date) });
    }
  }
  return suggestions.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
