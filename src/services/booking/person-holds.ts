// What stands behind a person hold ("one person, one active booking"), and when a hold may be
// cleared. A booking takes its holds before it writes its appointment, so a booking is never
// active without them; a process killed in between leaves holds with no appointment behind
// them. Such a hold belongs to a booking still being made until it is older than any booking
// can take (a booking gives up when writing its appointment comes later than
// HOLD_WRITE_WITHIN_MS after its holds); only then is it cleared.
import type { Types } from 'mongoose';
import { ACTIVE_STATUSES, AppointmentModel } from '../../models/appointment.model.ts';
import { PersonHoldModel } from '../../models/person-hold.model.ts';

/** A booking writes its appointment within this long of taking its holds, or gives up. */
export const HOLD_WRITE_WITHIN_MS = 30_000;
/** A hold with no appointment behind it is taken as left by an interrupted booking after this long. */
export const ORPHAN_HOLD_AFTER_MS = 2 * 60_000;

export type HoldState =
  /** nobody holds the person */
  | 'free'
  /** an active booking holds the person */
  | 'active'
  /** a booking being made holds the person (its appointment is not written yet) */
  | 'in_progress'
  /** the hold's booking is over, or was never written: the hold may be cleared */
  | 'stale';

export interface HoldInspection {
  state: HoldState;
  appointment?: Types.ObjectId;
}

/** Whether `fingerprint` is held, and by what. `now` is the real time (holds are stamped with it). */
export async function inspectHold(fingerprint: string, now = Date.now()): Promise<HoldInspection> {
  const hold = await PersonHoldModel.findById(fingerprint).lean();
  if (!hold) return { state: 'free' };
  const holder = await AppointmentModel.findById(hold.appointment, { status: 1 }).lean();
  if (holder)
    return {
      state: ACTIVE_STATUSES.includes(holder.status) ? 'active' : 'stale',
      appointment: hold.appointment,
    };
  return { state: orphaned(hold.createdAt, now) ? 'stale' : 'in_progress', appointment: hold.appointment };
}

/** Whether a record with nothing written behind it (a hold, a lottery person) was left by an interrupted write. */
export function orphaned(createdAt: Date, now = Date.now()): boolean {
  return now - new Date(createdAt).getTime() > ORPHAN_HOLD_AFTER_MS;
}

/**
 * Like inspectHold, but a booking being made is given a moment (usually milliseconds) to
 * write its appointment, so that a couple asking twice at once is told "already booked".
 */
export async function settledHold(fingerprint: string, waitMs = 2_000): Promise<HoldInspection> {
  return settled(() => inspectHold(fingerprint), waitMs);
}

/** `inspect`'s answer, asked again every 50 ms while it says 'in_progress', for at most `waitMs`. */
export async function settled<T extends { state: string }>(
  inspect: () => Promise<T>,
  waitMs: number,
): Promise<T> {
  const step = 50;
  let seen = await inspect();
  for (let waited = 0; seen.state === 'in_progress' && waited < waitMs; waited += step) {
    await new Promise((resolve) => setTimeout(resolve, step));
    seen = await inspect();
  }
  return seen;
}

/** Clears a stale hold, only if it still names the appointment it was inspected with. */
export async function clearHold(fingerprint: string, appointment: Types.ObjectId): Promise<void> {
  await PersonHoldModel.deleteOne({ _id: fingerprint, appointment });
}
