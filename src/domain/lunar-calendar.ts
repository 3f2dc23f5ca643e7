// Reads the Chinese lunisolar calendar through Intl (ICU), which Node ships with.
// ICU computes new moons with an approximate model; where that puts a new moon on the
// wrong side of midnight in China, the published date is kept in a correction table.
import type { LocalDate } from './schedule-types.ts';

export interface LunarDate {
  /** Gregorian year the lunar year mostly overlaps (ICU's "related year"). */
  relatedYear: number;
  month: number;
  leapMonth: boolean;
  day: number;
}

// The Chinese calendar is reckoned in China Standard Time (UTC+8); reading noon UTC
// (20:00 in China) of a Gregorian date asks about that same calendar day there.
const FORMAT = new Intl.DateTimeFormat('en-u-ca-chinese', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
});

export function lunarDateOf(date: LocalDate): LunarDate {
  const parts = FORMAT.formatToParts(new Date(`${date}T12:00:00Z`));
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  const month = part('month');
  return {
    relatedYear: Number(part('relatedYear') || part('year')),
    // ICU marks a leap month by a suffix ('7bis' in English); the digits are the month it repeats.
    month: Number.parseInt(month, 10),
    leapMonth: !/^\d+$/.test(month),
    day: Number(part('day')),
  };
}
