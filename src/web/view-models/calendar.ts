import { DateTime } from 'luxon';
import type { DayAvailability } from '../../services/schedule-service.ts';

export interface CalendarCell {
  date: string;
  day: number;
  inMonth: boolean;
  info?: DayAvailability;
}

/**
 * A month as weeks of seven cells, Monday first, padded with the neighbouring months' days.
 * Its cells are calendar dates, the same in every zone: they are counted in UTC, where a day
 * is always 24 hours and Luxon needs no zone's offsets (in the office's zone, it was most of a
 * month page's time).
 */
export function monthGrid(
  month: string,
  days: DayAvailability[],
): { weeks: CalendarCell[][]; first: string; last: string } {
  const first = DateTime.fromISO(`${month}-01`, { zone: 'utc' });
  const last = first.endOf('month');
  const byDate = new Map(days.map((d) => [d.date, d]));
  const weeks: CalendarCell[][] = [];
  let cursor = first.minus({ days: first.weekday - 1 });
  while (cursor <= last) {
    const week: CalendarCell[] = [];
    for (let i = 0; i < 7; i++) {
      const date = cursor.toISODate()!;
      const info = byDate.get(date);
      week.push({ date, day: cursor.day, inMonth: cursor.month === first.month, ...(info ? { info } : {}) });
      cursor = cursor.plus({ days: 1 });
    }
    weeks.push(week);
  }
  return { weeks, first: first.toISODate()!, last: last.toISODate()! };
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
