// How many places a range of days offers, slot by slot, as couples and the API see it: each
// day's plan (template and day plan), its booking window, its counters and, on a lottery day,
// where the lottery stands.
import { DateTime } from 'luxon';
import type { BookingWindowState } from '../domain/booking-rules.ts';
import { planDay } from '../domain/day-schedule.ts';
import { type DayStatus, dayStatus } from '../domain/day-status.ts';
import { addDays } from '../domain/local-time.ts';
import { type LotteryPhase, lotteryPhase } from '../domain/lottery.ts';
import type { DaySchedule } from '../domain/schedule-types.ts';
import { type SlotAlternative, slotAlternatives } from '../domain/slot-alternatives.ts';
import { DayPlanModel, type DayPlanRecord, type LotterySettings } from '../models/day-plan.model.ts';
import { SlotModel } from '../models/slot.model.ts';
import { AppError } from './errors.ts';
import {
  type OfficeRecord,
  type PlannedRange,
  type ScheduleContext,
  type SlotRecord,
  today,
  windowFor,
} from './schedule-context.ts';

export interface SlotAvailability {
  start: string;
  end: string;
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  remaining: number;
  /** Places held back for walk-ins and the priority channel, not bookable online. */
  reserved: number;
}

/** A lottery day's public state: window, draw time, commitment and where it stands now. */
export type LotteryDayInfo = LotterySettings & { phase: LotteryPhase };

export interface DayAvailability {
  date: string;
  weekday: number;
  status: DayStatus;
  schedule: DaySchedule;
  window: BookingWindowState;
  capacity: number;
  remaining: number;
  slots: SlotAvailability[];
  /** Set on a day whose places are drawn by lottery rather than booked first come first served. */
  lottery?: LotteryDayInfo;
}

const MAX_RANGE_DAYS = 62;

async function plansFor(office: OfficeRecord, from: string, to: string): Promise<Map<string, DayPlanRecord>> {
  const plans = await DayPlanModel.find({ office: office._id, date: { $gte: from, $lte: to } }).lean<
    DayPlanRecord[]
  >();
  return new Map(plans.map((p) => [p.date, p]));
}

/** The key of an office's range of days in the cache of planned ranges. */
const rangeKey = (office: OfficeRecord, from: string, to: string) => `${office._id}|${from}|${to}`;

/**
 * The days from `from` to `to` as planned: read and computed once per office and range while
 * the schedule cache keeps it (SCHEDULE_CACHE_MS), and the same objects served meanwhile, so
 * the booking window computed for each day is kept too (windowFor), and a page rendered from
 * them can tell whether they are still current (web/page-cache.ts).
 */
export function plannedRange(ctx: ScheduleContext, office: OfficeRecord, from: string, to: string) {
  return ctx.cache.ranges.get(rangeKey(office, from, to), async (): Promise<PlannedRange> => {
    const start = DateTime.fromISO(from, { zone: office.timezone });
    const end = DateTime.fromISO(to, { zone: office.timezone });
    if (!start.isValid || !end.isValid || end < start) throw new AppError('invalid', 'booking.bad_range');
    if (end.diff(start, 'days').days > MAX_RANGE_DAYS)
      throw new AppError('invalid', 'booking.range_too_long');
    const plans = await plansFor(office, from, to);
    const days: PlannedRange['days'] = [];
    for (let d = start; d <= end; d = d.plus({ days: 1 })) {
      const date = d.toISODate()!;
      days.push({
        date,
        weekday: d.weekday,
        schedule: planDay(date, office.timezone, office.weeklyTemplate, plans.get(date)),
      });
    }
    return { plans, days };
  });
}

/** The days `plannedRange` would give at once, when they are kept; otherwise undefined. Reads nothing. */
export function keptPlannedRange(
  ctx: ScheduleContext,
  office: OfficeRecord,
  from: string,
  to: string,
): PlannedRange | undefined {
  return ctx.cache.ranges.peek(rangeKey(office, from, to));
}

/** The counters of a range, read fresh; requests asking for the same range while it is read share the read. */
function countersOf(ctx: ScheduleContext, office: OfficeRecord, from: string, to: string) {
  const key = rangeKey(office, from, to);
  const reading = ctx.cache.countersReading.get(key);
  if (reading) return reading;
  const read = SlotModel.find({ office: office._id, date: { $gte: from, $lte: to } })
    .lean<SlotRecord[]>()
    .exec()
    .finally(() => ctx.cache.countersReading.delete(key));
  ctx.cache.countersReading.set(key, read);
  return read;
}

export async function availability(
  ctx: ScheduleContext,
  office: OfficeRecord,
  from: string,
  to: string,
): Promise<DayAvailability[]> {
  const range = await plannedRange(ctx, office, from, to);
  const counters = await countersOf(ctx, office, from, to);
  const byDay = new Map<string, Map<string, SlotRecord>>();
  for (const c of counters) {
    const m = byDay.get(c.date) ?? new Map<string, SlotRecord>();
    m.set(c.start, c);
    byDay.set(c.date, m);
  }
  const now = ctx.clock();
  const todayDate = today(ctx, office);
  return range.days.map(({ date, weekday, schedule }) => {
    const window = windowFor(ctx, office, schedule, now);
    const stored = byDay.get(date);
    const slots = schedule.slots.map((p) => {
      const c = stored?.get(p.start);
      return {
        start: p.start,
        end: p.end,
        startsAt: p.startsAt,
        endsAt: p.endsAt,
        capacity: c ? c.capacity : p.capacity,
        remaining: c ? Math.max(0, c.remaining) : p.capacity,
        reserved: c?.reserved ?? 0,
      };
    });
    const capacity = slots.reduce((n, s) => n + s.capacity, 0);
    const remaining = slots.reduce((n, s) => n + s.remaining, 0);
    const lottery = lotteryInfo(range.plans.get(date), now);
    return {
      date,
      weekday,
      status: dayStatus({ schedule, window, remaining, capacity, today: todayDate }),
      schedule,
      window,
      capacity,
      remaining,
      slots,
      ...(lottery ? { lottery } : {}),
    };
  });
}

/** How a day's places are given out: first come first served, or by lottery. */
function lotteryInfo(plan: DayPlanRecord | undefined, now: Date): LotteryDayInfo | undefined {
  if (plan?.allocation !== 'lottery' || !plan.lottery) return undefined;
  return { ...plan.lottery, phase: lotteryPhase(plan.lottery, now, plan.lottery.drawnAt) };
}

/** How far ahead the next open days are looked for when a slot is full. */
const ALTERNATIVES_DAYS = 14;

/**
 * Where else the couple can go when the slot it asked for is full: the nearest open slots of
 * that day, then of the next open days (first-come days only: a lottery day is applied for).
 */
export async function alternatives(
  ctx: ScheduleContext,
  office: OfficeRecord,
  wanted: { date: string; start: string },
): Promise<SlotAlternative[]> {
  return ctx.cache.alternatives.get(alternativesKey(office, wanted), async () => {
    const days = await availability(ctx, office, wanted.date, addDays(wanted.date, ALTERNATIVES_DAYS));
    return slotAlternatives(
      days.filter((d) => !d.lottery),
      wanted,
    );
  });
}

const alternativesKey = (office: OfficeRecord, wanted: { date: string; start: string }) =>
  `${office._id.toString()}|${wanted.date}|${wanted.start}`;

/** The alternatives `alternatives` would give at once, when they are kept; else undefined. */
export function keptAlternatives(
  ctx: ScheduleContext,
  office: OfficeRecord,
  wanted: { date: string; start: string },
): SlotAlternative[] | undefined {
  return ctx.cache.alternatives.peek(alternativesKey(office, wanted));
}
