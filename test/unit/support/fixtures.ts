// Shared fixtures for the domain tests: a Chengdu-like office week and helpers that
// keep assertions on exact ISO strings.
import type { PlannedSlot, WeekdayTemplate } from '../../../src/domain/schedule-types.ts';

export const OFFICE_ZONE = 'Asia/Shanghai';

/** Monday to Friday, 09:00-12:00 and 13:30-17:00, 30-minute slots, 4 windows x 3 couples. */
export const WEEKDAYS: WeekdayTemplate[] = [1, 2, 3, 4, 5].map((weekday) => ({
  weekday,
  sessions: [
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '17:00' },
  ],
  slotMinutes: 30,
  windowsOpen: 4,
  couplesPerWindow: 3,
}));

export function iso(date: Date): string {
  return date.toISOString();
}

/** A slot as plain strings, so one deepEqual shows every field that differs. */
export function slotView(slot: PlannedSlot): Record<string, string | number> {
  return {
    date: slot.date,
    start: slot.start,
    end: slot.end,
    startsAt: iso(slot.startsAt),
    endsAt: iso(slot.endsAt),
    capacity: slot.capacity,
  };
}

/** Runs `work` with another process time zone, to prove results do not depend on it. */
export function withProcessTz<T>(zone: string, work: () => T): T {
  const saved = process.env.TZ;
  process.env.TZ = zone;
  try {
    return work();
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
}
