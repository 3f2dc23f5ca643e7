// Where else a couple can go when the slot they asked for is full: the open slots of the
// same day nearest the time they wanted, then, on each of the next open days, the slot
// nearest that time. Pure: the days' availability comes in, already read.
import { minutesOfDay } from './local-time.ts';
import type { LocalDate, LocalTime } from './schedule-types.ts';

export interface DayPlaces {
  date: LocalDate;
  /** Only days a couple can book now ('open', 'few_left') are offered. */
  status: string;
  slots: { start: LocalTime; end: LocalTime; remaining: number }[];
}

export interface SlotAlternative {
  date: LocalDate;
  start: LocalTime;
  end: LocalTime;
  remaining: number;
  sameDay: boolean;
}

export const ALTERNATIVES_LIMITS = { sameDay: 3, otherDays: 3 } as const;

const BOOKABLE_DAY = new Set(['open', 'few_left']);

/** The nearest open slots of the wanted day, then the nearest slot on each next open day, in that order. */
export function slotAlternatives(
  days: DayPlaces[],
  wanted: { date: LocalDate; start: LocalTime },
  limits: { sameDay: number; otherDays: number } = ALTERNATIVES_LIMITS,
): SlotAlternative[] {
  const at = minutesOfDay(wanted.start);
  const byNearness = (slots: DayPlaces['slots']) =>
    slots
      .filter((s) => s.remaining > 0)
      .map((s) => ({ s, distance: Math.abs(minutesOfDay(s.start) - at) }))
      // Equally near: the earlier slot first, so the couple is not sent later than needed.
      .sort((a, b) => a.distance - b.distance || a.s.start.localeCompare(b.s.start))
      .map(({ s }) => s);
  const out: SlotAlternative[] = [];
  const open = days.filter((d) => BOOKABLE_DAY.has(d.status));
  const today = open.find((d) => d.date === wanted.date);
  if (today) {
    const near = byNearness(today.slots.filter((s) => s.start !== wanted.start)).slice(0, limits.sameDay);
    // Shown in the order of the day.
    near.sort((a, b) => a.start.localeCompare(b.start));
    for (const s of near) out.push({ date: today.date, ...pick(s), sameDay: true });
  }
  const later = open.filter((d) => d.date > wanted.date).slice(0, limits.otherDays);
  for (const d of later) {
    const [s] = byNearness(d.slots);
    if (s) out.push({ date: d.date, ...pick(s), sameDay: false });
  }
  return out;
}

function pick(s: DayPlaces['slots'][number]) {
  return { start: s.start, end: s.end, remaining: s.remaining };
}
