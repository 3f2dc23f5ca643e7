// Staff cancelling or moving a booking for a couple who phones. The same use cases as the
// couple's own (booking/change-appointment.ts: single-document conditional updates of the slot
// counters, the holds and the appointment; the same events, so the couple is told once by the
// usual notices and the ceremony seat follows the usual rule), with a reason, which is kept in
// the booking's history and in the audit log. A move that would give up a ceremony seat is
// made only once the member of staff confirms that the couple knows.
import type { AppointmentRecord, BookingService } from '../booking/booking-service.ts';
import type { CeremonyService, SeatOnMove } from '../ceremony/ceremony-service.ts';
import { AppError, invalid } from '../errors.ts';
import type { StaffContext } from './staff-context.ts';

export interface DeskContext extends StaffContext {
  booking: BookingService;
  ceremonies: CeremonyService;
}

export interface DeskCancel {
  reason: string;
  actor: string;
}

export interface DeskMove extends DeskCancel {
  date: string;
  start: string;
  /** The member of staff confirmed that the couple gives up its ceremony seat. */
  giveUpSeat: boolean;
}

/** A slot the booking may move to, and what the move does to a ceremony seat (null: no seat). */
export interface MoveOption {
  start: string;
  end: string;
  remaining: number;
  keepsSeat: boolean | null;
}

export interface MovePlan {
  date: string;
  options: MoveOption[];
  seat: SeatOnMove | null;
}

function target(a: AppointmentRecord) {
  return { kind: 'appointment', id: a._id.toString(), label: a.reference };
}

export async function cancelForCouple(
  deps: DeskContext,
  appointment: AppointmentRecord,
  req: DeskCancel,
): Promise<AppointmentRecord> {
  const cancelled = await deps.booking.cancel(appointment._id, 'staff', {
    reason: req.reason,
    actor: req.actor,
  });
  await deps.audit.record({
    actor: req.actor,
    action: 'appointment.staff_cancel',
    target: target(cancelled),
    before: { status: appointment.status, date: appointment.date, start: appointment.start },
    after: { status: cancelled.status, reason: req.reason },
    officeId: cancelled.office,
  });
  return cancelled;
}

/**
 * The open slots of a day a booking may move to (offered, ahead, with a place), each with
 * whether the couple's ceremony seat stays.
 */
export async function movePlan(
  deps: DeskContext,
  appointment: AppointmentRecord,
  date: string,
): Promise<MovePlan> {
  const { schedule, clock } = deps;
  const office = await schedule.getOffice(appointment.office.toString());
  const [day] = await schedule.availability(office, date, date);
  const now = clock().getTime();
  const slots = (day?.schedule.open ? day.slots : []).filter(
    (s) =>
      s.remaining > 0 &&
      s.startsAt.getTime() > now &&
      !(date === appointment.date && s.start === appointment.start),
  );
  const seat = await deps.ceremonies.seatOnMove(
    appointment,
    slots.map((s) => ({ date, endsAt: s.endsAt })),
  );
  const options = slots.map((s, i) => ({
    start: s.start,
    end: s.end,
    remaining: s.remaining,
    keepsSeat: seat ? (seat.keeps[i] ?? false) : null,
  }));
  return { date, options, seat };
}

export async function moveForCouple(
  deps: DeskContext,
  appointment: AppointmentRecord,
  req: DeskMove,
): Promise<AppointmentRecord> {
  const { schedule } = deps;
  const office = await schedule.getOffice(appointment.office.toString());
  const day = await schedule.daySchedule(office, req.date);
  const slot = day.open ? day.slots.find((s) => s.start === req.start) : undefined;
  if (!slot) throw invalid({ start: { key: 'booking.slot_not_offered' } }, 'booking.slot_not_offered');
  const seat = await deps.ceremonies.seatOnMove(appointment, [{ date: req.date, endsAt: slot.endsAt }]);
  const losesSeat = seat !== null && seat.keeps[0] === false;
  if (losesSeat && !req.giveUpSeat) {
    const params = { start: req.start };
    throw new AppError('conflict', 'staff.desk.seat_would_go', params, {
      giveUpSeat: { key: 'staff.desk.seat_would_go', params },
    });
  }
  const moved = await deps.booking.move(
    appointment._id,
    { date: req.date, start: req.start },
    { channel: 'staff', actor: req.actor, reason: req.reason },
  );
  await deps.audit.record({
    actor: req.actor,
    action: 'appointment.staff_move',
    target: target(moved),
    before: { date: appointment.date, start: appointment.start },
    after: {
      date: moved.date,
      start: moved.start,
      reason: req.reason,
      ...(losesSeat ? { seatGivenUp: 'yes' } : {}),
    },
    officeId: moved.office,
  });
  return moved;
}
