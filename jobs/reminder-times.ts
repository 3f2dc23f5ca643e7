// When a reminder is due, computed in the office's zone (never the server's): "the day before
// at 18:00" is 18:00 on the office's wall clock, whatever TZ the process runs in.
import { DateTime } from 'luxon';
import { boundedMemo } from '../src/lib/bounded-memo.ts';
import type { ReminderRule } from './settings.ts';

export interface Timed {
  /** The office's local date of the appointment (yyyy-MM-dd). */
  date: string;
  startsAt: Date;
}

/** Instants worked out already: every booking of a rush asks for the same few days' reminders. */
const wallClocks = boundedMemo<number>(5_000);

/** A clock time some days before a local date, in the zone. */
export function wallClockBefore(date: string, daysBefore: number, at: string, zone: string): Date {
  // Luxon's zone arithmetic was most of what scheduling a booking's reminders cost.
  const key = `${date}|${daysBefore}|${at}|${zone}`;
  return new Date(wallClocks.get(key) ?? wallClocks.keep(key, wallClockIn(date, daysBefore, at, zone)));
}

function wallClockIn(date: string, daysBefore: number, at: string, zone: string): number {
  const [hour, minute] = at.split(':').map(Number) as [number, number];
  return DateTime.fromISO(date, { zone })
    .minus({ days: daysBefore })
    .set({ hour, minute, second: 0, millisecond: 0 })
    .toMillis();
}

export function reminderDue(rule: ReminderRule, appointment: Timed, zone: string): Date {
  if ('minutesBefore' in rule) return new Date(appointment.startsAt.getTime() - rule.minutesBefore * 60_000);
  return wallClockBefore(appointment.date, rule.daysBefore, rule.at, zone);
}

/**
 * The reminders worth scheduling for an appointment now: due in the future, and before the
 * appointment starts (an 07:30 reminder is pointless for a 07:00 slot). Sorted by due time.
 */
export function upcomingReminders(
  rules: ReminderRule[],
  appointment: Timed,
  zone: string,
  now: Date,
): { rule: ReminderRule; dueAt: Date }[] {
  return rules
    .map((rule) => ({ rule, dueAt: reminderDue(rule, appointment, zone) }))
    .filter((r) => r.dueAt > now && r.dueAt < appointment.startsAt)
    .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

/**
 * A reminder that comes due late (the process was down) is not sent when a later reminder is
 * also due already: the couple gets the later one only, not two at once.
 */
export function supersededBy(
  rules: ReminderRule[],
  rule: ReminderRule,
  appointment: Timed,
  zone: string,
  now: Date,
): ReminderRule | undefined {
  const due = reminderDue(rule, appointment, zone);
  return rules.find((other) => {
    if (other.id === rule.id) return false;
    const otherDue = reminderDue(other, appointment, zone);
    return otherDue > due && otherDue <= now && otherDue < appointment.startsAt;
  });
}
