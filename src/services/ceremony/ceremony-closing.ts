// The end of a ceremony's sign-up: cancelled by its coordinator, or at the sign-up deadline
// cancelled when below its minimum number of couples, else closed. Every couple in a cancelled
// ceremony (seated, offered, waitlisted) is told, and every place in it is freed.
import { Types } from 'mongoose';
import { CeremonyModel } from '../../models/ceremony.model.ts';
import { ACTIVE_SEAT_STATES, CeremonySeatModel } from '../../models/ceremony-seat.model.ts';
import { AppError } from '../errors.ts';
import type { CeremonyContext } from './ceremony-context.ts';
import { type CeremonyRecord, ceremonyInfo, isObjectId, loadCeremony } from './ceremony-records.ts';

/**
 * Cancels a ceremony and frees every place in it, then tells every couple (seated, offered
 * and waitlisted) in one event. `when` narrows the cancellation (the deadline sweep cancels
 * only a ceremony still below its minimum). Returns null when nothing was cancelled.
 */
export async function cancel(
  deps: CeremonyContext,
  id: string | Types.ObjectId,
  reason: 'cancelled' | 'below_minimum',
  opts: { actor?: string; when?: Record<string, unknown> } = {},
): Promise<CeremonyRecord | null> {
  const { clock, events } = deps;
  if (typeof id === 'string' && !isObjectId(id)) return null;
  const now = clock();
  const c = await CeremonyModel.findOneAndUpdate(
    { _id: new Types.ObjectId(id.toString()), status: { $in: ['draft', 'open', 'closed'] }, ...opts.when },
    {
      $set: {
        status: 'cancelled',
        cancelledAt: now,
        cancelReason: reason,
        seatsTaken: 0,
        waitlist: [],
        ...(opts.actor ? { updatedBy: opts.actor } : {}),
      },
    },
    { returnDocument: 'after' },
  ).lean<CeremonyRecord>();
  if (!c) return null;
  const leftReason = reason === 'cancelled' ? 'ceremony_cancelled' : 'below_minimum';
  await CeremonySeatModel.updateMany(
    { ceremony: c._id, state: { $in: ACTIVE_SEAT_STATES } },
    {
      $set: { state: 'left', leftAt: now, leftReason },
      $unset: { activeAppointment: 1, offerExpiresAt: 1 },
    },
  );
  const told = await CeremonySeatModel.find(
    { ceremony: c._id, state: 'left', leftReason, leftAt: now },
    { appointment: 1 },
  ).lean();
  events.emit({
    type: 'ceremony.cancelled',
    ceremonyId: c._id.toString(),
    appointmentIds: told.map((s) => s.appointment.toString()),
    reason,
    ceremony: ceremonyInfo(c),
  });
  return c;
}

export async function cancelByCoordinator(
  deps: CeremonyContext,
  id: string,
  actor?: string,
): Promise<CeremonyRecord> {
  const c = await loadCeremony(id);
  const cancelled = await cancel(deps, c._id, 'cancelled', actor ? { actor } : {});
  if (!cancelled) throw new AppError('conflict', 'ceremony.error.bad_transition');
  return cancelled;
}

/**
 * At the sign-up deadline: a ceremony below its minimum number of couples is cancelled
 * (every couple told), the others close sign-up. Safe to run again: each step is
 * conditional on the ceremony still being open.
 */
export async function closeDueCeremonies(
  deps: CeremonyContext,
  now: Date = deps.clock(),
): Promise<{ closed: number; cancelled: number }> {
  const due = await CeremonyModel.find({ status: 'open', signupDeadline: { $lte: now } }, { _id: 1 }).lean();
  let closed = 0;
  let cancelled = 0;
  for (const { _id } of due) {
    const below = await cancel(deps, _id, 'below_minimum', {
      actor: 'system',
      when: { status: 'open', $expr: { $lt: ['$seatsTaken', '$minCouples'] } },
    });
    if (below) {
      cancelled++;
      continue;
    }
    const res = await CeremonyModel.updateOne(
      { _id, status: 'open', signupDeadline: { $lte: now } },
      { $set: { status: 'closed', updatedBy: 'system' } },
    );
    closed += res.modifiedCount;
  }
  return { closed, cancelled };
}
