// When a day can be booked: from `daysAhead` days before at `openTime` (or a peak day's
// own opening moment) until `cutoffTime` on the day `cutoffDaysBefore` days before.
// Both ends are office-local wall times turned into instants in the office's zone.
import { addDays, zonedInstant } from './local-time.ts';
import type { LocalDate, LocalTime } from './schedule-types.ts';

export interface BookingRules {
  /** e.g. 30: bookable from 30 days before the date. */
  daysAhead: number;
  /** e.g. 1: booking closes on the day before. */
  cutoffDaysBefore: number;
  /** e.g. '17:00': at this time of the cutoff day. */
  cutoffTime: LocalTime;
  /** e.g. '00:00': time of day booking opens, `daysAhead` days before. */
  openTime: LocalTime;
}

export type BookingWindowState =
  | { state: 'open'; closesAt: Date }
  | { state: 'not_yet_open'; opensAt: Date }
  | { state: 'closed'; closedAt: Date };

export function bookingOpensAt(date: LocalDate, zone: string, rules: BookingRules, planOpensAt?: Date): Date {
  return planOpensAt ?? zonedInstant(addDays(date, -rules.daysAhead), rules.openTime, zone);
}

export function bookingClosesAt(date: LocalDate, zone: string, rules: BookingRules): Date {
  return zonedInstant(addDays(date, -rules.cutoffDaysBefore), rules.cutoffTime, zone);
}

/** Half-open window [opensAt, closesAt): exactly at opening is open, exactly at the cutoff is closed. */
export function bookingWindow(
  date: LocalDate,
  zone: string,
  rules: BookingRules,
  now: Date,
  planOpensAt?: Date,
): BookingWindowState {
  return windowState(bookingWindowBounds(date, zone, rules, planOpensAt), now);
}

export interface BookingWindowBounds {
  opensAt: Date;
  closesAt: Date;
}

/** The two instants of a day's booking window, which do not depend on the time of asking. */
export function bookingWindowBounds(
  date: LocalDate,
  zone: string,
  rules: BookingRules,
  planOpensAt?: Date,
): BookingWindowBounds {
  return {
    opensAt: bookingOpensAt(date, zone, rules, planOpensAt),
    closesAt: bookingClosesAt(date, zone, rules),
  };
}

/** Where `now` stands in a booking window. */
export function windowState({ opensAt, closesAt }: BookingWindowBounds, now: Date): BookingWindowState {
  // The cutoff is checked first so a plan that opens after its own cutoff reads as closed,
  // never as "opens soon".
  if (now.getTime() >= closesAt.getTime()) return { state: 'closed', closedAt: closesAt };
  if (now.getTime() < opensAt.getTime()) return { state: 'not_yet_open', opensAt };
  return { state: 'open', closesAt };
}
