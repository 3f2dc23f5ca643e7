import { DateTime } from 'luxon';
import type { DayAvailability } from '../../services/schedule-service.ts';

export interface CalendarCell {
  date: string;
  day: number;
  inMonth: boolean;
  info?: DayAvailability;
}

const DAY_MS = 86_400_000;

/**
 * A month as weeks of seven cells, Monday first, padded with the neighbouring months' days.
 * Its cells are calendar dates, the same in every zone: they are counted in UTC, where a day
 * is always 24 hours, with plain date arithmetic (in the office's zone, Luxon's offsets were
 * most of a month page's time; Luxon in UTC was still a seventh of it once pages were kept,
 * since the grid's first and last days key the kept page). `month` is a valid 'yyyy-MM'.
 */
export function monthGrid(
  month: string,
  days: DayAvailability[],
): { weeks: CalendarCell[][]; first: string; last: string } {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const first = utcDay(year, monthNumber - 1, 1);
  const last = utcDay(year, monthNumber, 0);
  const byDate = new Map(days.map((d) => [d.date, d]));
  const weeks: CalendarCell[][] = [];
  // getUTCDay: 0 is Sunday; the week starts on Monday.
  let cursor = first - ((new Date(first).getUTCDay() + 6) % 7) * DAY_MS;
  while (cursor <= last) {
    const week: CalendarCell[] = [];
    for (let i = 0; i < 7; i++, cursor += DAY_MS) {
      const at = new Date(cursor);
      const date = isoDate(at);
      const info = byDate.get(date);
      week.push({
        date,
        day: at.getUTCDate(),
        inMonth: at.getUTCMonth() === monthNumber - 1,
        ...(info ? { info } : {}),
      });
    }
    weeks.push(week);
  }
  return { weeks, first: isoDate(new Date(first)), last: isoDate(new Date(last)) };
}

/** Date.UTC without its reading of years 0 to 99 as 1900 to 1999. */
function utcDay(year: number, monthIndex: number, day: number): number {
  const at = new Date(0);
  at.setUTCFullYear(year, monthIndex, day);
  return at.getTime();
}

function isoDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function shiftMonth(month: string, by: number): string {
  return DateTime.fromISO(`${month}-01`).plus({ months: by }).toFormat('yyyy-MM');
}

/**
 * What a phone-sized calendar cell shows of a day's label: the words before a parenthesis
 * ("521（我爱你）" and '521 ("I love you")' become "521"); the full label is read out with the
 * cell and shown on the day's page and in the list of peak days.
 */
export function cellLabel(label: string): string {
  return label.split(/\s*[（(]/)[0]?.trim() || label;
}

/** Ceremonies grouped by their date, in the order given. */
export function ceremoniesByDate<T extends { date: string }>(ceremonies: T[]): Record<string, T[]> {
  const byDate: Record<string, T[]> = {};
  for (const c of ceremonies) {
    const list = byDate[c.date] ?? [];
    list.push(c);
    byDate[c.date] = list;
  }
  return byDate;
}
