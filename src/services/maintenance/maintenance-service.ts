// Keeping what is stored honest: slot counters recounted against the bookings that hold their
// places, person holds against active bookings, ceremony seats against their couples; no-shows
// marked once their slot is over; bookings whose jobs were never scheduled found again. The
// job system calls these on a rhythm, and the web process before it takes its first booking.
// Each repair is logged on the caller's logger.
import type { Types } from 'mongoose';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.ts';
import { AppointmentModel } from '../../models/appointment.model.ts';
import type { AppointmentRecord } from '../booking/booking-service.ts';
import { ORPHAN_HOLD_AFTER_MS } from '../booking/person-holds.ts';
import type { CeremonyService } from '../ceremony/ceremony-service.ts';
import { bound } from '../context.ts';
import { AppError } from '../errors.ts';
import type { DayOpsService } from '../staff/index.ts';
import { reconcileHolds } from './reconcile-holds.ts';
import { reconcileSlots } from './reconcile-slots.ts';

/** How long a drift must last, unchanged, before a counter is repaired (a booking in flight settles in less). */
export const DEFAULT_SETTLE_MS = 2_000;
const NO_SHOWS_PER_RUN = 500;

export interface MaintenanceDeps {
  clock: Clock;
  ceremonies: CeremonyService;
  dayOps: DayOpsService;
}

/** The nightly reconciliation: every counter of the last week and ahead, every hold, every seat. */
export async function reconcile(
  deps: MaintenanceDeps,
  opts: {
    settleMs: number;
    holdMinAgeMs: number;
    logger: Logger;
    /** Keeps a long job's lock alive between the parts. */
    touch?: () => Promise<void>;
  },
) {
  const { clock, ceremonies } = deps;
  const { logger } = opts;
  const slots = await reconcileSlots({ now: clock(), settleMs: opts.settleMs, logger });
  await opts.touch?.();
  const holds = await reconcileHolds({ minAgeMs: opts.holdMinAgeMs, logger });
  await opts.touch?.();
  const seats = await ceremonies.reconcileSeats();
  return { slots, holds, seats };
}

/**
 * The counters of slots still to come. A process killed in a rush between taking a place
 * and writing its booking leaves a place held by nobody; on a peak day it must come back
 * within minutes, not at night.
 */
export async function reconcileUpcomingSlots(
  deps: MaintenanceDeps,
  opts: { settleMs: number; logger: Logger },
) {
  const { clock } = deps;
  const now = clock();
  return reconcileSlots({ now, settleMs: opts.settleMs, logger: opts.logger, since: now });
}

/**
 * Before the first booking is taken (at start, before the jobs run), and again after the
 * embedded engine was restarted under the running app: person holds and the counters of
 * slots still to come, so that a process killed mid-booking leaves no couple holding two
 * bookings (or held by none) and no place lost.
 *
 * `alone`: this process is the database's only client (it started the embedded engine and
 * takes no traffic yet), so nothing is in flight: drift is repaired at once, and holds with
 * no booking behind them are released whatever their age. Otherwise repairs wait as the
 * periodic jobs do, for drift seen twice and for holds old enough to be orphaned.
 */
export async function reconcileBeforeBooking(
  deps: MaintenanceDeps,
  opts: { alone: boolean; logger: Logger; settleMs?: number },
) {
  const { clock } = deps;
  const { alone, logger } = opts;
  const now = clock();
  const holds = await reconcileHolds({ minAgeMs: alone ? 0 : ORPHAN_HOLD_AFTER_MS, logger });
  const settleMs = alone ? 0 : (opts.settleMs ?? DEFAULT_SETTLE_MS);
  const slots = await reconcileSlots({ now, settleMs, logger, since: now });
  return { holds, slots };
}

/**
 * Marks as no-shows the booked appointments whose slot ended more than `graceMinutes` ago
 * without a check-in, through the day's operations (which apply the office's policy and tell
 * the couple). Days the office closed are left alone.
 */
export async function markNoShows(deps: MaintenanceDeps, opts: { graceMinutes: number }): Promise<number> {
  const { clock, dayOps } = deps;
  const cutoff = new Date(clock().getTime() - opts.graceMinutes * 60_000);
  const due = await AppointmentModel.find(
    // An erased booking has nobody left to hold to the policy or to tell.
    { status: 'booked', endsAt: { $lte: cutoff }, erasedAt: null },
    { _id: 1, date: 1, closure: 1 },
  )
    .sort({ endsAt: 1 })
    .limit(NO_SHOWS_PER_RUN)
    .lean();
  let marked = 0;
  for (const a of due) {
    if (a.closure?.date === a.date) continue;
    // Checked in (or cancelled) meanwhile: nothing to do.
    if (await dayOps.markNoShow(a._id, 'system').then(() => true, alreadySettled)) marked++;
  }
  return marked;
}

/**
 * Bookings still to come whose jobs were never scheduled (a process killed between saving
 * a booking and scheduling its reminders), one page at a time in _id order.
 */
export function unscheduledBookings(
  deps: MaintenanceDeps,
  opts: { createdBefore: Date; after?: Types.ObjectId; limit: number },
): Promise<AppointmentRecord[]> {
  const { clock } = deps;
  return AppointmentModel.find({
    status: 'booked',
    jobsScheduledAt: null,
    endsAt: { $gt: clock() },
    createdAt: { $lte: opts.createdBefore },
    ...(opts.after ? { _id: { $gt: opts.after } } : {}),
  })
    .sort({ _id: 1 })
    .limit(opts.limit)
    .lean<AppointmentRecord[]>();
}

/** A refusal of the day's operations (the couple checked in meanwhile) is not a failure of the sweep. */
function alreadySettled(err: unknown): false {
  if (err instanceof AppError) return false;
  throw err;
}

export function createMaintenanceService(deps: MaintenanceDeps) {
  return {
    reconcile: bound(deps, reconcile),
    reconcileUpcomingSlots: bound(deps, reconcileUpcomingSlots),
    reconcileBeforeBooking: bound(deps, reconcileBeforeBooking),
    markNoShows: bound(deps, markNoShows),
    unscheduledBookings: bound(deps, unscheduledBookings),
  };
}

export type MaintenanceService = ReturnType<typeof createMaintenanceService>;
