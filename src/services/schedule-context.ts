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
import type { Clock } from '../lib/clock.ts';
import { ttlCache } from '../lib/ttl-cache.ts';
import type { Office } from '../models/office.model.ts';
import type { Slot } from '../models/slot.model.ts';

export type OfficeRecord = Office & { _id: Types.ObjectId };
export type SlotRecord = Slot & { _id: Types.ObjectId };

/**
 * What is kept in memory between reads: offices and day plans for `cacheMs` (SCHEDULE_CACHE_MS;
 * 0 reads the database every time), slot counters' ids and times for an hour (they never
 * change), and each day's booking window bounds (they follow from the office and the plan, both
 * cached objects replaced, never changed, so their identity keys the bounds). Built by the
 * composition root; counters' counts are never cached.
 */
export function createScheduleCache(cacheMs = 0) {
  return {
    offices: ttlCache<OfficeRecord | null>(cacheMs),
    plans: ttlCache<DaySchedule>(cacheMs),
    slotIds: ttlCache<Map<string, SlotRecord>>(cacheMs > 0 ? 60 * 60_000 : 0),
    bounds: new WeakMap<OfficeRecord, WeakMap<DaySchedule, BookingWindowBounds>>(),
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
