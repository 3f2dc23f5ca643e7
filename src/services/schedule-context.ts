// What the schedule's parts share: the records they read, what they keep in memory, and the
// two things every day's page and booking asks (today at an office, a day's booking window).

import type { Types } from 'mongoose';
import {
  type BookingWindowBounds,
  type BookingWindowState,
  bookingWindowBounds,
  windowState,
} from '../domain/booking-rules.ts';
import { localDateOf } from '../domain/local-time.ts';
import type { DaySchedule } from '../domain/schedule-types.ts';
import type { SlotAlternative } from '../domain/slot-alternatives.ts';
import type { Clock } from '../lib/clock.ts';
import { ttlCache } from '../lib/ttl-cache.ts';
import type { DayPlanRecord } from '../models/day-plan.model.ts';
import type { Office } from '../models/office.model.ts';
import type { Slot } from '../models/slot.model.ts';

export type OfficeRecord = Office & { _id: Types.ObjectId };
export type SlotRecord = Slot & { _id: Types.ObjectId };

/** A range of an office's days as planned (template and day plans), kept like a day plan. */
export interface PlannedRange {
  plans: Map<string, DayPlanRecord>;
  days: { date: string; weekday: number; schedule: DaySchedule }[];
}

/** A peak day's plan and, for a first-come day, its schedule as planned (its booking window's key). */
export interface PlannedPeakDay {
  plan: DayPlanRecord;
  schedule?: DaySchedule;
}

/**
 * What is kept in memory between reads: offices and day plans for `cacheMs` (SCHEDULE_CACHE_MS;
 * 0 reads the database every time), slot counters' ids and times for an hour (they never
 * change), and each day's booking window bounds (they follow from the office and the plan, both
 * cached objects replaced, never changed, so their identity keys the bounds). Ranges of days
 * as planned (the day and month pages) are kept as day plans are, under the office's prefix, so
 * any change of the office or of one of its days forgets them. Built by the composition root;
 * counters' counts are never cached: a read of a range's counters already under way is shared
 * by the requests that ask for the same range meanwhile (`countersReading`), nothing more.
 */
export function createScheduleCache(cacheMs = 0) {
  return {
    offices: ttlCache<OfficeRecord | null>(cacheMs),
    plans: ttlCache<DaySchedule>(cacheMs),
    slotIds: ttlCache<Map<string, SlotRecord>>(cacheMs > 0 ? 60 * 60_000 : 0),
    bounds: new WeakMap<OfficeRecord, WeakMap<DaySchedule, BookingWindowBounds>>(),
    ranges: ttlCache<PlannedRange>(cacheMs),
    /** The peak days planned from a date on (the office page's list), kept as day plans are. */
    peakDays: ttlCache<PlannedPeakDay[]>(cacheMs),
    countersReading: new Map<string, Promise<SlotRecord[]>>(),
    // The slots offered instead of a full one, for a second at most: on a peak morning most
    // answers are "full", and a suggestion a second old is still a good one (taking it is
    // checked against the counter like any booking).
    alternatives: ttlCache<SlotAlternative[]>(Math.min(cacheMs, 1_000)),
  };
}

export type ScheduleCache = ReturnType<typeof createScheduleCache>;

export interface ScheduleContext {
  clock: Clock;
  cache: ScheduleCache;
}

export function today(ctx: ScheduleContext, office: OfficeRecord): string {
  return localDateOf(ctx.clock(), office.timezone);
}

export function windowFor(
  ctx: ScheduleContext,
  office: OfficeRecord,
  schedule: DaySchedule,
  now: Date,
): BookingWindowState {
  let perDay = ctx.cache.bounds.get(office);
  if (!perDay) {
    perDay = new WeakMap();
    ctx.cache.bounds.set(office, perDay);
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
