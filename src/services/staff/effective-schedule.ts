// A day's schedule as the slot counters should hold it: the domain's planDay (weekly
// template + day plan) plus the temporary windows open that day. Pure, like the domain:
// it lives here only because temporary windows are a staff-console notion the booking
// side never reads (their places are in the counters, see capacity-sync.ts).
import { baseTemplate, planDay } from '../../domain/day-schedule.ts';
import { isoWeekday } from '../../domain/local-time.ts';
import type { DayPlan, DaySchedule, LocalDate, WeekdayTemplate } from '../../domain/schedule-types.ts';

export interface WindowLike {
  id: string;
  name: string;
  open: boolean;
  from?: string | undefined;
  to?: string | undefined;
  position: number;
}

export const isTemporary = (w: WindowLike) => Boolean(w.from && w.to);
const activeOn = (w: WindowLike, date: LocalDate) =>
  w.open && isTemporary(w) && w.from! <= date && date <= w.to!;

/** The template entry a day's capacity comes from (a plan borrows one, see baseTemplate). */
function baseFor(date: LocalDate, template: WeekdayTemplate[], plan: DayPlan | undefined) {
  return plan ? baseTemplate(date, template) : template.find((e) => e.weekday === isoWeekday(date));
}

export function couplesPerWindowOn(date: LocalDate, template: WeekdayTemplate[], plan?: DayPlan): number {
  return plan?.couplesPerWindow ?? baseFor(date, template, plan)?.couplesPerWindow ?? 0;
}

export function effectiveSchedule(
  date: LocalDate,
  zone: string,
  template: WeekdayTemplate[],
  plan: DayPlan | undefined,
  windows: WindowLike[],
): DaySchedule {
  const schedule = planDay(date, zone, template, plan);
  // A directly set quota is the whole capacity of the day: windows do not add to it.
  if (!schedule.open || plan?.quotaPerSlot !== undefined) return schedule;
  const extra = windows.filter((w) => activeOn(w, date)).length * couplesPerWindowOn(date, template, plan);
  if (extra === 0) return schedule;
  return { ...schedule, slots: schedule.slots.map((s) => ({ ...s, capacity: s.capacity + extra })) };
}

export interface DayWindow {
  /** The window's id, or '' for a peak day's extra window that has no counter of its own. */
  id: string;
  name: string;
  temporary: boolean;
  /** Extra windows of a plan beyond the office's counters are numbered, not named. */
  extraNumber?: number;
}

/**
 * The windows that work on a day, in order: as many of the open permanent windows as the
 * template (or plan) has open, then a plan's extra windows, then temporary windows.
 */
export function windowsOnDay(
  date: LocalDate,
  template: WeekdayTemplate[],
  plan: DayPlan | undefined,
  windows: WindowLike[],
): DayWindow[] {
  if (plan?.kind === 'closed') return [];
  const base = baseFor(date, template, plan);
  const count = (plan?.windowsOpen ?? base?.windowsOpen ?? 0) + (plan?.extraWindows ?? 0);
  const permanent = windows
    .filter((w) => w.open && !isTemporary(w))
    .sort((a, b) => a.position - b.position)
    .slice(0, count)
    .map((w): DayWindow => ({ id: w.id, name: w.name, temporary: false }));
  const extras = Array.from(
    { length: Math.max(0, count - permanent.length) },
    (_, i): DayWindow => ({ id: '', name: '', temporary: true, extraNumber: i + 1 }),
  );
  const temporary = windows
    .filter((w) => activeOn(w, date))
    .sort((a, b) => a.position - b.position)
    .map((w): DayWindow => ({ id: w.id, name: w.name, temporary: true }));
  return [...permanent, ...extras, ...temporary];
}

/**
 * Spreads a slot's couples over the day's windows in booking order (round robin), so a
 * registrar sees who to expect at their counter. Cancelled bookings take no turn.
 */
export function assignWindows<T>(
  appointments: T[],
  windows: DayWindow[],
): { appointment: T; window: number }[] {
  if (windows.length === 0) return appointments.map((appointment) => ({ appointment, window: -1 }));
  return appointments.map((appointment, i) => ({ appointment, window: i % windows.length }));
}
