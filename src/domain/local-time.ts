// Calendar and wall-clock helpers shared by the rules. Calendar arithmetic on a
// LocalDate is zone-free (a date is a label), so it runs in UTC; only turning a
// date and a time into an instant needs the office's zone.
import { DateTime } from 'luxon';
import type { LocalDate, LocalTime } from './schedule-types.ts';

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

function calendarDate(date: string): DateTime | null {
  const match = LOCAL_DATE.exec(date);
  if (!match) return null;
  const parsed = DateTime.utc(Number(match[1]), Number(match[2]), Number(match[3]));
  // Luxon rejects 2023-02-29 and 2024-13-01 as invalid rather than rolling them over.
  return parsed.isValid ? parsed : null;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A real 'yyyy-MM-dd' calendar date (no 2023-02-29, no 2024-13-01). Plain arithmetic: it runs on every booking. */
export function isLocalDate(value: string): boolean {
  const match = LOCAL_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!);
}

export function isLocalTime(value: string): boolean {
  return LOCAL_TIME.test(value);
}

function requireDate(date: LocalDate): DateTime {
  const parsed = calendarDate(date);
  if (!parsed) throw new RangeError(`not a calendar date (yyyy-MM-dd): ${JSON.stringify(date)}`);
  return parsed;
}

/** Minutes since local midnight of an 'HH:mm' label. */
export function minutesOfDay(time: LocalTime): number {
  const match = LOCAL_TIME.exec(time);
  if (!match) throw new RangeError(`not a time of day (HH:mm): ${JSON.stringify(time)}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

export function formatMinutes(minutes: number): LocalTime {
  const hours = Math.floor(minutes / 60);
  return `${String(hours).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return requireDate(date).plus({ days }).toISODate()!;
}

export function addMonths(date: LocalDate, months: number): LocalDate {
  return requireDate(date).plus({ months }).toISODate()!;
}

/** ISO weekday of a calendar date: 1 = Monday .. 7 = Sunday. */
export function isoWeekday(date: LocalDate): number {
  return requireDate(date).weekday;
}

export function assertZone(zone: string): void {
  // Any fixed instant will do: only the zone's validity is asked.
  if (!DateTime.fromMillis(0, { zone }).isValid)
    throw new RangeError(`unknown time zone: ${JSON.stringify(zone)}`);
}

function zoned(date: LocalDate, time: LocalTime, zone: string): DateTime {
  const day = requireDate(date);
  const minutes = minutesOfDay(time);
  const result = DateTime.fromObject(
    { year: day.year, month: day.month, day: day.day, hour: Math.floor(minutes / 60), minute: minutes % 60 },
    { zone },
  );
  if (!result.isValid) throw new RangeError(`unknown time zone: ${JSON.stringify(zone)}`);
  return result;
}

/**
 * The instant a wall-clock time happens on a date in a zone. A time skipped by a
 * daylight-saving jump is read with the offset in force before the jump (Luxon's rule);
 * a repeated time takes the offset Luxon picks. Use `wallTimeExists` to tell.
 */
export function zonedInstant(date: LocalDate, time: LocalTime, zone: string): Date {
  return zoned(date, time, zone).toJSDate();
}

/** False for wall times that a daylight-saving jump skips (e.g. 02:30 on a spring-forward day). */
export function wallTimeExists(date: LocalDate, time: LocalTime, zone: string): boolean {
  const result = zoned(date, time, zone);
  return result.toFormat('HH:mm') === time && result.toISODate() === date;
}

function inZone(instant: Date | string, zone: string): DateTime {
  const result = DateTime.fromJSDate(new Date(instant), { zone });
  if (!result.isValid) throw new RangeError(`unknown time zone: ${JSON.stringify(zone)}`);
  return result;
}

/** The office-local calendar date of an instant ("today" when given the clock's now). */
export function localDateOf(instant: Date | string, zone: string): LocalDate {
  return inZone(instant, zone).toISODate()!;
}

/** The office-local wall-clock time of an instant ('HH:mm'). */
export function localTimeOf(instant: Date | string, zone: string): LocalTime {
  return inZone(instant, zone).toFormat('HH:mm');
}

/** An instant as 'yyyy-MM-dd HH:mm' in the office's zone: a moment a message names. */
export function localDateTimeOf(instant: Date | string, zone: string): string {
  return inZone(instant, zone).toFormat('yyyy-MM-dd HH:mm');
}

const DATE_TIME_INPUT = /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/;

/** Whether a value is what a datetime-local field sends ('yyyy-MM-ddTHH:mm'). */
export function isDateTimeInput(value: string): boolean {
  return DATE_TIME_INPUT.test(value);
}

/** What a datetime-local field shows for an instant ('yyyy-MM-ddTHH:mm', office zone). */
export function dateTimeInputOf(instant: Date | string, zone: string): string {
  return inZone(instant, zone).toFormat("yyyy-MM-dd'T'HH:mm");
}

/** A datetime-local field's value read as a moment in the office's zone; null when it is none. */
export function parseDateTimeInput(value: string | undefined, zone: string): Date | null {
  if (!value || !DATE_TIME_INPUT.test(value)) return null;
  const at = DateTime.fromISO(value, { zone });
  return at.isValid ? at.toJSDate() : null;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
