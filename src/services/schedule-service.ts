// Reads an office's schedule for a day (template + day plan, computed by the pure domain)
// and keeps the slot counters that booking takes places from.
import { DateTime } from 'luxon';
import type { Types } from 'mongoose';
import {
  type BookingWindowBounds,
  type BookingWindowState,
  bookingWindowBounds,
  windowState,
} from '../domain/booking-rules.ts';
import { planDay } from '../domain/day-schedule.ts';
import { type DayStatus, dayStatus } from '../domain/day-status.ts';
import { type LotteryPhase, lotteryPhase } from '../domain/lottery.ts';
import type { DaySchedule, PlannedSlot } from '../domain/schedule-types.ts';
import type { Clock } from '../lib/clock.ts';
import { perDocumentErrors } from '../lib/database-errors.ts';
import { isDuplicate } from '../lib/duplicate-key.ts';
import { ttlCache } from '../lib/ttl-cache.ts';
import {
  type AllocationMode,
  DayPlanModel,
  type DayPlanRecord,
  type LotterySettings,
} from '../models/day-plan.model.ts';
import { type Office, OfficeModel } from '../models/office.model.ts';
import { type Slot, SlotModel } from '../models/slot.model.ts';
import { AppError, notFound } from './errors.ts';

export type OfficeRecord = Office & { _id: Types.ObjectId };
export type SlotRecord = Slot & { _id: Types.ObjectId };

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

/** A lottery day's public state (issue 8): window, draw time, commitment and where it stands now. */
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

export interface ScheduleServiceDeps {
  clock: Clock;
  /** How long offices and day plans may be served from memory; 0 reads the database every time. */
  cacheMs?: number;
}

export function createScheduleService(deps: ScheduleServiceDeps) {
  const { clock } = deps;
  const cacheMs = deps.cacheMs ?? 0;
  const officeCache = ttlCache<OfficeRecord | null>(cacheMs);
  const planCache = ttlCache<DaySchedule>(cacheMs);
  // Slot counters, once created, keep their _id and times forever: remember them per day.
  const slotIds = ttlCache<Map<string, SlotRecord>>(cacheMs > 0 ? 60 * 60_000 : 0);

  /** Forgets what is cached for an office (or one of its days) after staff change it. */
  function invalidate(officeId: string, date?: string): void {
    if (date) {
      planCache.delete(`${officeId}|${date}`);
      slotIds.delete(`${officeId}|${date}`);
    } else {
      planCache.deletePrefix(`${officeId}|`);
      slotIds.deletePrefix(`${officeId}|`);
      officeCache.clear();
    }
  }

  async function listOffices(): Promise<OfficeRecord[]> {
    return OfficeModel.find({ active: true }).sort({ slug: 1 }).lean<OfficeRecord[]>();
  }

  async function getOffice(idOrSlug: string): Promise<OfficeRecord> {
    const office = await officeCache.get(idOrSlug, () => {
      const filter = /^[a-f0-9]{24}$/i.test(idOrSlug) ? { _id: idOrSlug } : { slug: idOrSlug };
      return OfficeModel.findOne({ ...filter, active: true })
        .lean<OfficeRecord>()
        .then((o) => o ?? null);
    });
    if (!office) throw notFound('booking.office_not_found');
    return office;
  }

  /** An office's zone, whether or not it still takes bookings; undefined for no such office. */
  async function zoneOf(officeId: Types.ObjectId | string): Promise<string | undefined> {
    return (await OfficeModel.findById(officeId, { timezone: 1 }).lean())?.timezone;
  }

  function today(office: OfficeRecord): string {
    return DateTime.fromJSDate(clock(), { zone: office.timezone }).toISODate()!;
  }

  async function plansFor(
    office: OfficeRecord,
    from: string,
    to: string,
  ): Promise<Map<string, DayPlanRecord>> {
    const plans = await DayPlanModel.find({ office: office._id, date: { $gte: from, $lte: to } }).lean<
      DayPlanRecord[]
    >();
    return new Map(plans.map((p) => [p.date, p]));
  }

  async function daySchedule(office: OfficeRecord, date: string): Promise<DaySchedule> {
    return planCache.get(`${office._id}|${date}`, async () => {
      const plan = await DayPlanModel.findOne({ office: office._id, date }).lean<DayPlanRecord>();
      return planDay(date, office.timezone, office.weeklyTemplate, plan ?? undefined);
    });
  }

  /**
   * Creates the counters of a day's slots that do not exist yet. Two requests may race to
   * create the same counter: the unique index lets one win and the other simply reads it.
   */
  async function ensureSlots(office: OfficeRecord, slots: PlannedSlot[]): Promise<void> {
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
  async function slotCounter(office: OfficeRecord, date: string, start: string): Promise<SlotRecord> {
    const schedule = await daySchedule(office, date);
    const planned = schedule.slots.find((s) => s.start === start);
    if (!schedule.open || !planned) throw new AppError('invalid', 'booking.slot_not_offered');
    const key = `${office._id}|${date}`;
    let day = await slotIds.get(key, () => loadSlots(office, schedule));
    if (!day.has(start)) {
      slotIds.delete(key);
      day = await slotIds.get(key, () => loadSlots(office, schedule));
    }
    const slot = day.get(start);
    if (!slot) throw new AppError('unavailable');
    return slot;
  }

  async function loadSlots(office: OfficeRecord, schedule: DaySchedule): Promise<Map<string, SlotRecord>> {
    await ensureSlots(office, schedule.slots);
    const slots = await SlotModel.find({ office: office._id, date: schedule.date }).lean<SlotRecord[]>();
    return new Map(slots.map((s) => [s.start, s]));
  }

  // A day's window bounds follow from the office and the plan alone. Both are cached objects
  // that are replaced, never changed, so their identity keys the bounds.
  const boundsOf = new WeakMap<OfficeRecord, WeakMap<DaySchedule, BookingWindowBounds>>();

  function windowFor(office: OfficeRecord, schedule: DaySchedule, now: Date): BookingWindowState {
    let perDay = boundsOf.get(office);
    if (!perDay) {
      perDay = new WeakMap();
      boundsOf.set(office, perDay);
    }
    let bounds = perDay.get(schedule);
    if (!bounds) {
      bounds = bookingWindowBounds(
        schedule.date,
        office.timezone,
        office.bookingRules,
        schedule.plan?.bookingOpensAt,
      );
      perDay.set(schedule, bounds);
    }
    return windowState(bounds, now);
  }

  async function availability(office: OfficeRecord, from: string, to: string): Promise<DayAvailability[]> {
    const start = DateTime.fromISO(from, { zone: office.timezone });
    const end = DateTime.fromISO(to, { zone: office.timezone });
    if (!start.isValid || !end.isValid || end < start) throw new AppError('invalid', 'booking.bad_range');
    if (end.diff(start, 'days').days > MAX_RANGE_DAYS)
      throw new AppError('invalid', 'booking.range_too_long');
    const [plans, counters] = await Promise.all([
      plansFor(office, from, to),
      SlotModel.find({ office: office._id, date: { $gte: from, $lte: to } }).lean<SlotRecord[]>(),
    ]);
    const byDay = new Map<string, Map<string, SlotRecord>>();
    for (const c of counters) {
      const m = byDay.get(c.date) ?? new Map<string, SlotRecord>();
      m.set(c.start, c);
      byDay.set(c.date, m);
    }
    const now = clock();
    const todayDate = today(office);
    const days: DayAvailability[] = [];
    for (let d = start; d <= end; d = d.plus({ days: 1 })) {
      const date = d.toISODate()!;
      const schedule = planDay(date, office.timezone, office.weeklyTemplate, plans.get(date));
      const window = windowFor(office, schedule, now);
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
      const lottery = lotteryInfo(plans.get(date), now);
      days.push({
        date,
        weekday: d.weekday,
        status: dayStatus({ schedule, window, remaining, capacity, today: todayDate }),
        schedule,
        window,
        capacity,
        remaining,
        slots,
        ...(lottery ? { lottery } : {}),
      });
    }
    return days;
  }

  /** How a day's places are given out: first come first served, or by lottery (issue 8). */
  function allocationOf(schedule: DaySchedule): AllocationMode {
    return (schedule.plan as Partial<DayPlanRecord> | undefined)?.allocation ?? 'fcfs';
  }

  function lotteryInfo(plan: DayPlanRecord | undefined, now: Date): LotteryDayInfo | undefined {
    if (plan?.allocation !== 'lottery' || !plan.lottery) return undefined;
    return { ...plan.lottery, phase: lotteryPhase(plan.lottery, now, plan.lottery.drawnAt) };
  }

  return {
    listOffices,
    getOffice,
    zoneOf,
    today,
    daySchedule,
    ensureSlots,
    slotCounter,
    windowFor,
    availability,
    allocationOf,
    invalidate,
  };
}

export type ScheduleService = ReturnType<typeof createScheduleService>;
