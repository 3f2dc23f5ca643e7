// The statutory public holidays (全体公民放假的节日) as the holiday import reads them
// (`date,kind,label_zh,label_en`; domain/holiday-csv.ts). Where the State Council's notice of
// a year's arrangement is known, it is used whole, make-up working days (调休上班) included;
// for any other year only what the law fixes is computed: New Year's Day, the Spring Festival
// from its eve to the third day of the first lunar month, and the National Day week. Staff
// import each year's notice when it is published (it cannot be computed); this is what the
// demo starts from.

import { addDays } from './local-time.ts';
import { lunarDateOf } from './lunar-calendar.ts';
import type { LocalDate } from './schedule-types.ts';

const LABELS = {
  newYear: ['元旦', 'New Year’s Day'],
  spring: ['春节', 'Spring Festival'],
  qingming: ['清明节', 'Qingming Festival'],
  labour: ['劳动节', 'Labour Day'],
  dragonBoat: ['端午节', 'Dragon Boat Festival'],
  midAutumn: ['中秋节', 'Mid-Autumn Festival'],
  national: ['国庆节', 'National Day'],
  workday: ['调休上班', 'Make-up working day'],
} as const;
type Holiday = keyof typeof LABELS;

/**
 * Published arrangements: [first day, last day, holiday] closed, and make-up working days.
 * 2026: the State Council General Office's notice of 4 November 2025 (国务院办公厅关于2026年部分节假日安排的通知).
 */
const NOTICES: Record<number, { closed: [LocalDate, LocalDate, Holiday][]; workdays: LocalDate[] }> = {
  2026: {
    closed: [
      ['2026-01-01', '2026-01-03', 'newYear'],
      ['2026-02-15', '2026-02-23', 'spring'],
      ['2026-04-04', '2026-04-06', 'qingming'],
      ['2026-05-01', '2026-05-05', 'labour'],
      ['2026-06-19', '2026-06-21', 'dragonBoat'],
      ['2026-09-25', '2026-09-27', 'midAutumn'],
      ['2026-10-01', '2026-10-07', 'national'],
    ],
    workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
};

// ICU's approximate new moons put the one of February 2027 (23:56 in Beijing on the 6th) on
// the 7th; the published date wins, as for Qixi in peak-days.ts.
const SPRING_CORRECTIONS = new Map<number, LocalDate>([[2027, '2027-02-06']]);

/** The first day of the first lunar month (正月初一) of a Gregorian year: between 21 Jan and 20 Feb. */
export function springFestivalDate(year: number): LocalDate {
  const corrected = SPRING_CORRECTIONS.get(year);
  if (corrected) return corrected;
  const from = `${year}-01-21`;
  for (let offset = 0; offset <= 31; offset++) {
    const date = addDays(from, offset);
    const lunar = lunarDateOf(date);
    if (lunar.month === 1 && lunar.day === 1 && !lunar.leapMonth) return date;
  }
  throw new RangeError(`no Spring Festival found in ${year}`);
}

function range(first: LocalDate, last: LocalDate): LocalDate[] {
  const days: LocalDate[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) days.push(d);
  return days;
}

function line(date: LocalDate, kind: 'closed' | 'special', holiday: Holiday): string {
  const [zh, en] = LABELS[holiday];
  return `${date},${kind},${zh},${en}`;
}

/** A year's holidays as the import's CSV, header first. */
export function statutoryHolidayCsv(year: number): string {
  const notice = NOTICES[year];
  const lines = ['date,kind,label_zh,label_en'];
  if (notice) {
    for (const [first, last, holiday] of notice.closed) {
      for (const date of range(first, last)) lines.push(line(date, 'closed', holiday));
    }
    for (const date of notice.workdays) lines.push(line(date, 'special', 'workday'));
    return `${lines.join('\n')}\n`;
  }
  const spring = springFestivalDate(year);
  lines.push(line(`${year}-01-01`, 'closed', 'newYear'));
  for (const date of range(addDays(spring, -1), addDays(spring, 3)))
    lines.push(line(date, 'closed', 'spring'));
  for (const date of range(`${year}-10-01`, `${year}-10-07`)) lines.push(line(date, 'closed', 'national'));
  return `${lines.join('\n')}\n`;
}
