// Reads an office's schedule for a day (template + day plan, computed by the pure domain)
// and keeps the slot counters that booking takes places from; a range of days' availability
// is schedule-availability.ts's, what the parts share schedule-context.ts's.
import type { Types } from 'mongoose';
import { planDay } from '../domain/day-schedule.ts';
import type { DaySchedule, PlannedSlot } from '../domain/schedule-types.ts';
import type { Clock } from '../lib/clock.ts';
import { perDocumentErrors } from '../lib/database-errors.ts';
import { isDuplicate } from '../lib/duplicate-key.ts';
import { type AllocationMode, DayPlanModel, type DayPlanRecord } from '../models/day-plan.model.ts';
import { OfficeModel } from '../models/office.model.ts';
import { SlotModel } from '../models/slot.model.ts';
import { bound } from './context.ts';
import { AppError, notFound } from './errors.ts';
import {
  alternatives,
  availability,
  keptAlternatives,
  keptPlannedRange,
  plannedRange,
} from './schedule-availability.ts';
import {
  createScheduleCache,
  type OfficeRecord,
  type ScheduleCache,
  type ScheduleContext,
  type SlotRecord,
  today,
  windowFor,
} from './schedule-context.ts';
import { peakDaysAhead } from './schedule-peak-days.ts';

export interface ScheduleServiceDeps {
  clock: Clock;
  /** What is kept in memory; by default nothing is (every read goes to the database). */
  cache?: ScheduleCache;
}

export function createScheduleService(deps: ScheduleServiceDeps) {
  const ctx: ScheduleContext = { clock: deps.clock, cache: deps.cache ?? createScheduleCache(0) };
  return {
    listOffices,
    getOffice: bound(ctx, getOffice),
    keptOffice: bound(ctx, keptOffice),
    zoneOf,
    today: bound(ctx, today),
    daySchedule: bound(ctx, daySchedule),
    ensureSlots,
    slotCounter: bound(ctx, slotCounter),
    keptSlot: bound(ctx, keptSlot),
    windowFor: bound(ctx, windowFor),
    availability: bound(ctx, availability),
    plannedRange: bound(ctx, plannedRange),
    keptPlannedRange: bound(ctx, keptPlannedRange),
    alternatives: bound(ctx, alternatives),
    keptAlternatives: bound(ctx, keptAlternatives),
    peakDaysAhead: bound(ctx, peakDaysAhead),
    allocationOf,
    invalidate: bound(ctx, invalidate),
  };
}

export type ScheduleService = ReturnType<typeof createScheduleService>;
export type { DayAvailability, LotteryDayInfo, SlotAvailability } from './schedule-availability.ts';
export type { OfficeRecord, ScheduleCache, SlotRecord } from './schedule-context.ts';
export { createScheduleCache } from './schedule-context.ts';
export type { PeakDayAhead } from './schedule-peak-days.ts';

/** The key of an office's day in the caches of day plans and of slot counters. */
const dayKey = (officeId: { toString(): string }, date: string) => `${officeId.toString()}|${date}`;

/** Whether the day takes bookings and plans a slot starting at `start`. */
const offers = (day: DaySchedule, start: string) => day.open && day.slots.some((s) => s.start === start);

/** Forgets what is cached for an office (or one of its days) after staff change it. */
export function invalidate(ctx: ScheduleContext, officeId: string, date?: string): void {
  // The ranges of days that may hold the date are all forgotten: a change is rare, a range cheap.
  ctx.cache.ranges.deletePrefix(`${officeId}|`);
  ctx.cache.peakDays.deletePrefix(`${officeId}|`);
  ctx.cache.alternatives.deletePrefix(`${officeId}|`);
  if (date) {
    ctx.cache.plans.delete(dayKey(officeId, date));
    ctx.cache.slotIds.delete(dayKey(officeId, date));
  } else {
    ctx.cache.plans.deletePrefix(`${officeId}|`);
    ctx.cache.slotIds.deletePrefix(`${officeId}|`);
    ctx.cache.offices.clear();
  }
}

export async function listOffices(): Promise<OfficeRecord[]> {
  return OfficeModel.find({ active: true }).sort({ slug: 1 }).lean<OfficeRecord[]>();
}

export async function getOffice(ctx: ScheduleContext, idOrSlug: string): Promise<OfficeRecord> {
  const office = await ctx.cache.offices.get(idOrSlug, () => {
    const filter = /^[a-f0-9]{24}$/i.test(idOrSlug) ? { _id: idOrSlug } : { slug: idOrSlug };
    return OfficeModel.findOne({ ...filter, active: true })
      .lean<OfficeRecord>()
      .then((o) => o ?? null);
  });
  if (!office) throw notFound('booking.office_not_found');
  return office;
}

/**
 * The office `getOffice` would give at once, when it is kept (a kept page is answered from it
 * without a promise); undefined when it is not kept, being read, or no such office.
 */
export function keptOffice(ctx: ScheduleContext, idOrSlug: string): OfficeRecord | undefined {
  return ctx.cache.offices.peek(idOrSlug) ?? undefined;
}

/** An office's zone, whether or not it still takes bookings; undefined for no such office. */
export async function zoneOf(officeId: Types.ObjectId | string): Promise<string | undefined> {
  return (await OfficeModel.findById(officeId, { timezone: 1 }).lean())?.timezone;
}

export async function daySchedule(
  ctx: ScheduleContext,
  office: OfficeRecord,
  date: string,
): Promise<DaySchedule> {
  return ctx.cache.plans.get(dayKey(office._id, date), async () => {
    const plan = await DayPlanModel.findOne({ office: office._id, date }).lean<DayPlanRecord>();
    return planDay(date, office.timezone, office.weeklyTemplate, plan ?? undefined);
  });
}

/**
 * Creates the counters of a day's slots that do not exist yet. Two requests may race to
 * create the same counter: the unique index lets one win and the other simply reads it.
 */
export async function ensureSlots(office: OfficeRecord, slots: PlannedSlot[]): Promise<void> {
  if (slots.length === 0) return;
  const date = slots[0]!.date;
  const existing = await SlotModel.find({ office: office._id, date }, { start: 1 }).lean();
  const have = new Set(existing.map((s) => s.start));
  const missing = slots.filter((s) => !have.has(s.start));
  if (missing.length === 0) return;
  await SlotModel.bulkWrite(
    missing.map((s) => ({
      updateOne: {
        filter: { office: office._id, date: s.date, start: s.start },
        update: {
          $setOnInsert: {
            end: s.end,
            startsAt: s.startsAt,
            endsAt: s.endsAt,
            capacity: s.capacity,
            booked: 0,
            remaining: s.capacity,
            flagged: false,
          },
        },
        upsert: true,
      },
    })),
    { ordered: false },
  ).catch((err: unknown) => {
    // Another request created the same counters: only duplicate keys are ignored.
    if (!perDocumentErrors(err)?.every((w) => isDuplicate(w))) throw err;
  });
}

/** The counter of a planned slot (created on first use). Its counts may be stale: only its identity and times are meant. */
export async function slotCounter(
  ctx: ScheduleContext,
  office: OfficeRecord,
  date: string,
  start: string,
): Promise<SlotRecord> {
  const schedule = await daySchedule(ctx, office, date);
  if (!offers(schedule, start)) throw new AppError('invalid', 'booking.slot_not_offered');
  const key = dayKey(office._id, date);
  let day = await ctx.cache.slotIds.get(key, () => loadSlots(office, schedule));
  if (!day.has(start)) {
    ctx.cache.slotIds.delete(key);
    day = await ctx.cache.slotIds.get(key, () => loadSlots(office, schedule));
  }
  const slot = day.get(start);
  if (!slot) throw new AppError('unavailable');
  return slot;
}

/**
 * The office, the day and the slot's counter as `getOffice`, `daySchedule` and `slotCounter`
 * would give them at once, when all three are kept and the slot is offered that day (most of a
 * rush asks for the same few slots); otherwise undefined, and the caller asks them.
 */
export function keptSlot(
  ctx: ScheduleContext,
  officeId: string,
  date: string,
  start: string,
): { office: OfficeRecord; day: DaySchedule; slot: SlotRecord } | undefined {
  const office = ctx.cache.offices.peek(officeId);
  if (!office) return undefined;
  const key = dayKey(office._id, date);
  const day = ctx.cache.plans.peek(key);
  if (!day || !offers(day, start)) return undefined;
  const slot = ctx.cache.slotIds.peek(key)?.get(start);
  return slot ? { office, day, slot } : undefined;
}

async function loadSlots(office: OfficeRecord, schedule: DaySchedule): Promise<Map<string, SlotRecord>> {
  await ensureSlots(office, schedule.slots);
  const slots = await SlotModel.find({ office: office._id, date: schedule.date }).lean<SlotRecord[]>();
  return new Map(slots.map((s) => [s.start, s]));
}

export function allocationOf(schedule: DaySchedule): AllocationMode {
  return (schedule.plan as Partial<DayPlanRecord> | undefined)?.allocation ?? 'fcfs';
}
