// Turns the weekly template and an optional day plan into the day's bookable slots.
// Pure: the office zone is a parameter, and every instant is computed in it, so a
// daylight-saving day gets the offset in force at each slot, not the one at midnight.
import {
  assertZone,
  formatMinutes,
  isoWeekday,
  minutesOfDay,
  wallTimeExists,
  zonedInstant,
} from './local-time.ts';
import type {
  DayPlan,
  DaySchedule,
  LocalDate,
  PlannedSlot,
  SessionSpec,
  WeekdayTemplate,
} from './schedule-types.ts';

const MONDAY = 1;

function hasSessions(entry: WeekdayTemplate | undefined): entry is WeekdayTemplate {
  return entry !== undefined && entry.sessions.length > 0;
}

/**
 * The template a special opening or peak day borrows from: its own weekday when that
 * weekday has hours, else Monday's, else the first weekday with hours. Weekend peak
 * days (Qixi 2024 was a Saturday) usually have no hours of their own.
 */
export function baseTemplate(date: LocalDate, template: WeekdayTemplate[]): WeekdayTemplate | undefined {
  const own = template.find((entry) => entry.weekday === isoWeekday(date));
  if (hasSessions(own)) return own;
  const monday = template.find((entry) => entry.weekday === MONDAY);
  if (hasSessions(monday)) return monday;
  return [...template].sort((a, b) => a.weekday - b.weekday).find(hasSessions);
}

/** Capacity of every slot of the day: the direct quota, else windows x couples (+ extra). */
export function slotCapacity(base: WeekdayTemplate | undefined, plan: DayPlan | undefined): number {
  if (plan?.quotaPerSlot !== undefined) return Math.max(0, Math.floor(plan.quotaPerSlot));
  const windows = (plan?.windowsOpen ?? base?.windowsOpen ?? 0) + (plan?.extraWindows ?? 0);
  const perWindow = plan?.couplesPerWindow ?? base?.couplesPerWindow ?? 0;
  return Math.max(0, Math.floor(windows * perWindow + (plan?.extraQuotaPerSlot ?? 0)));
}

/**
 * Tiles sessions in wall-clock time so slot labels stay unique ('HH:mm' identifies a
 * slot within a day). A slot starting at a wall time a daylight-saving jump skips
 * cannot be attended and is left out; a trailing partial slot is dropped.
 */
function tile(
  date: LocalDate,
  zone: string,
  sessions: SessionSpec[],
  slotMinutes: number,
  capacity: number,
): PlannedSlot[] {
  if (!(slotMinutes > 0)) return [];
  const byStart = new Map<string, PlannedSlot>();
  for (const session of sessions) {
    const last = minutesOfDay(session.end);
    for (let at = minutesOfDay(session.start); at + slotMinutes <= last; at += slotMinutes) {
      const start = formatMinutes(at);
      const end = formatMinutes(at + slotMinutes);
      if (byStart.has(start) || !wallTimeExists(date, start, zone)) continue;
      const startsAt = zonedInstant(date, start, zone);
      const endsAt = zonedInstant(date, end, zone);
      if (endsAt <= startsAt) continue;
      byStart.set(start, { date, start, end, startsAt, endsAt, capacity });
    }
  }
  return [...byStart.values()].sort((a, b) => (a.start < b.start ? -1 : 1));
}

export function planDay(
  date: LocalDate,
  zone: string,
  template: WeekdayTemplate[],
  plan?: DayPlan,
): DaySchedule {
  assertZone(zone);
  const weekday = isoWeekday(date);
  if (plan && plan.date !== date) {
    throw new RangeError(`plan for ${plan.date} applied to ${date}`);
  }
  if (plan?.kind === 'closed') return { date, kind: 'closed', open: false, slots: [], plan };

  const base = plan ? baseTemplate(date, template) : template.find((entry) => entry.weekday === weekday);
  // An empty session list in a plan means "not set": a special opening with no hours is a slip.
  const sessions = plan?.sessions?.length ? plan.sessions : (base?.sessions ?? []);
  const slotMinutes = plan?.slotMinutes ?? base?.slotMinutes ?? 0;
  const slots = tile(date, zone, sessions, slotMinutes, slotCapacity(base, plan));
  const open = slots.length > 0;

  if (plan) return { date, kind: plan.kind, open, slots, plan };
  // No plan and no hours in the template (a weekend): the office is simply closed.
  return { date, kind: open ? 'regular' : 'closed', open, slots };
}
