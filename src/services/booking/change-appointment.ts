// Cancelling and moving a booking. A place moves only by conditional updates of the slot
// counters: a move takes the new place before it gives back the old one, so a full target
// changes nothing and a crash never leaves the couple without a place.
import type { Types } from 'mongoose';
import { AppointmentModel, type AppointmentStatus } from '../../models/appointment.model.ts';
import { PersonHoldModel } from '../../models/person-hold.model.ts';
import { heldSeat, keepsSeat } from '../ceremony/held-seat.ts';
import { AppError, invalid, notFound } from '../errors.ts';
import type { OfficeRecord } from '../schedule-service.ts';
import { assertBookable, assertOldEnoughOn } from './bookable.ts';
import type { AppointmentRecord, BookingContext, Channel } from './booking-types.ts';
import { releasePlace, takePlace } from './slot-counter.ts';

export async function cancel(
  ctx: BookingContext,
  appointmentId: Types.ObjectId,
  by: 'couple' | 'staff' | 'system',
  opts: { reason?: string; actor?: string } = {},
): Promise<AppointmentRecord> {
  const now = ctx.clock();
  const allowed: AppointmentStatus[] = by === 'couple' ? ['booked'] : ['booked', 'arrived'];
  const reason = opts.reason ? { cancelReason: opts.reason } : {};
  const updated = await AppointmentModel.findOneAndUpdate(
    { _id: appointmentId, status: { $in: allowed } },
    {
      $set: { status: 'cancelled', cancelledAt: now, cancelledBy: by, ...reason },
      $push: {
        history: {
          at: now,
          type: 'cancelled',
          by: opts.actor ?? by,
          ...(opts.reason ? { detail: { reason: opts.reason } } : {}),
        },
      },
    },
    { returnDocument: 'after' },
  ).lean<AppointmentRecord>();
  if (!updated) {
    const exists = await AppointmentModel.exists({ _id: appointmentId });
    throw exists ? new AppError('conflict', 'booking.cannot_cancel') : notFound('booking.not_found');
  }
  await releasePlace(updated.slot);
  ctx.writes.fullSlots.forget(updated.slot);
  await PersonHoldModel.deleteMany({ appointment: updated._id });
  ctx.events.emit({
    type: 'appointment.cancelled',
    appointmentId: updated._id.toString(),
    by,
    ...(opts.reason ? { reason: opts.reason } : {}),
  });
  return updated;
}

export async function move(
  ctx: BookingContext,
  appointmentId: Types.ObjectId,
  target: { date: string; start: string },
  opts: {
    channel?: Channel;
    actor?: string;
    reason?: string;
    /**
     * Whether the couple agreed to give up its ceremony place should the new slot not fit the
     * ceremony. false: such a move is refused (the couple is asked first). Left out (staff,
     * who tell the couple themselves): the place follows the ceremony's rule.
     */
    giveUpCeremony?: boolean;
  } = {},
): Promise<AppointmentRecord> {
  const current = await AppointmentModel.findById(appointmentId).lean<AppointmentRecord>();
  if (!current) throw notFound('booking.not_found');
  if (current.status !== 'booked') throw new AppError('conflict', 'booking.cannot_move');
  if (current.date === target.date && current.start === target.start) {
    throw invalid({ start: { key: 'booking.same_slot' } }, 'booking.same_slot');
  }
  const office = await ctx.schedule.getOffice(current.office.toString());
  assertOldEnoughOn(target.date, current.partners, office);
  const day = await ctx.schedule.daySchedule(office, target.date);
  assertBookable(ctx, office, day, target.start, opts.channel ?? 'online');
  if (opts.giveUpCeremony === false) {
    const endsAt = day.slots.find((s) => s.start === target.start)?.endsAt;
    if (endsAt) await assertKeepsCeremony(current, office, { date: target.date, endsAt }, opts.channel);
  }
  const slot = await ctx.schedule.slotCounter(office, target.date, target.start);
  if (!(await takePlace(slot._id))) throw new AppError('slot_full', 'booking.slot_full');
  const moved = await AppointmentModel.findOneAndUpdate(
    { _id: current._id, status: 'booked', slot: current.slot },
    {
      $set: {
        slot: slot._id,
        date: slot.date,
        start: slot.start,
        end: slot.end,
        startsAt: slot.startsAt,
        endsAt: slot.endsAt,
        jobsScheduledAt: null,
      },
      $push: {
        history: {
          at: ctx.clock(),
          type: 'moved',
          by: opts.actor ?? 'couple',
          detail: {
            from: { date: current.date, start: current.start },
            to: target,
            ...(opts.reason ? { reason: opts.reason } : {}),
          },
        },
      },
    },
    { returnDocument: 'after' },
  ).lean<AppointmentRecord>();
  if (!moved) {
    await releasePlace(slot._id);
    ctx.writes.fullSlots.forget(slot._id);
    throw new AppError('conflict', 'booking.cannot_move');
  }
  await releasePlace(current.slot);
  ctx.writes.fullSlots.forget(current.slot);
  const from = { date: current.date, start: current.start };
  ctx.events.emit({ type: 'appointment.moved', appointmentId: moved._id.toString(), from });
  return moved;
}

/** A move that would give up a ceremony place the couple did not agree to give up is refused. */
async function assertKeepsCeremony(
  current: AppointmentRecord,
  office: OfficeRecord,
  target: { date: string; endsAt: Date },
  channel: Channel | undefined,
): Promise<void> {
  const held = await heldSeat(current._id);
  if (!held) return;
  if (keepsSeat(held, { office: current.office.toString(), ...target }, office.ceremonyBufferMinutes)) return;
  throw new AppError('conflict', channel === 'api' ? 'seat.api_confirm_needed' : 'seat.move_confirm_needed');
}
