// A couple's part in a ceremony: join (seat or waitlist), accept an offered seat, leave, and
// being taken out when its appointment no longer fits. Seats move only through the ledger;
// the seat document records where the couple stands and is claimed first, so one couple
// can never be placed twice.
import type { Types } from 'mongoose';
import { type Appointment, AppointmentModel } from '../../models/appointment.model.ts';
import { ACTIVE_SEAT_STATES, CeremonySeatModel } from '../../models/ceremony-seat.model.ts';
import type { AppointmentRecord } from '../booking/booking-service.ts';
import { AppError, notFound } from '../errors.ts';
import type { OfficeRecord } from '../schedule-service.ts';
import { appointmentFacts, type CeremonyContext, ceremonyFacts } from './ceremony-context.ts';
import { type CeremonyRecord, loadCeremony, type SeatRecord } from './ceremony-records.ts';
import { type JoinProblem, joinProblem, keepProblem, latestSlotEnd } from './join-rules.ts';
import {
  type Channel,
  claim,
  emitSeated,
  type JoinResult,
  leaveSeat,
  PLACING_STATUSES,
  place,
  resultOf,
} from './seat-filling.ts';

export type { Channel, JoinResult } from './seat-filling.ts';

export function problemError(problem: JoinProblem, c: CeremonyRecord, office: OfficeRecord): AppError {
  switch (problem) {
    case 'appointment_inactive':
      return new AppError('not_eligible', 'ceremony.error.appointment_inactive');
    case 'other_office':
      return new AppError('not_eligible', 'ceremony.error.other_office');
    case 'other_date':
      return new AppError('not_eligible', 'ceremony.error.other_date', { date: c.date });
    case 'too_late':
      return new AppError('not_eligible', 'ceremony.error.too_late', {
        latest: latestSlotEnd(c.startsAt, office.ceremonyBufferMinutes, office.timezone),
        start: c.start,
        buffer: office.ceremonyBufferMinutes,
      });
    case 'ceremony_not_open':
      return new AppError('conflict', 'ceremony.error.not_open');
    case 'ceremony_started':
      return new AppError('conflict', 'ceremony.error.started');
    case 'signup_closed':
      return new AppError('conflict', 'ceremony.error.signup_closed');
  }
}

/**
 * Joins a ceremony: seated when a seat is free, else waitlisted with its position. Joining
 * again answers the current standing; joining while a seat is offered accepts it. A
 * coordinator (channel 'staff') may add to a draft or closed ceremony past the deadline.
 */
export async function join(
  deps: CeremonyContext,
  ceremonyId: string,
  appointment: AppointmentRecord,
  opts: { channel: Channel; actor?: string },
): Promise<JoinResult> {
  const { clock } = deps;
  const byStaff = opts.channel === 'staff';
  const c = await loadCeremony(ceremonyId);
  const previous = await CeremonySeatModel.findOne({
    ceremony: c._id,
    appointment: appointment._id,
  }).lean<SeatRecord>();
  if (previous?.state === 'offered') return accept(deps, appointment);
  if (previous && previous.state !== 'left') return resultOf(previous);
  const office = await deps.schedule.getOffice(c.office.toString());
  const problem = joinProblem({
    ceremony: ceremonyFacts(c),
    appointment: appointmentFacts(appointment),
    bufferMinutes: office.ceremonyBufferMinutes,
    now: clock(),
    byStaff,
  });
  if (problem) throw problemError(problem, c, office);
  const seatId = await claim(deps, c, appointment, previous, opts);
  return place(deps, c, seatId, byStaff ? PLACING_STATUSES : ['open']);
}

/** Accepts the seat offered to the couple, while the offer holds. */
export async function accept(
  deps: CeremonyContext,
  appointment: Pick<AppointmentRecord, '_id'>,
): Promise<JoinResult> {
  const { clock } = deps;
  const now = clock();
  const seat = await CeremonySeatModel.findOneAndUpdate(
    { appointment: appointment._id, state: 'offered', offerExpiresAt: { $gt: now } },
    { $set: { state: 'seated', seatedAt: now }, $unset: { offerExpiresAt: 1 } },
    { returnDocument: 'after' },
  ).lean<SeatRecord>();
  if (!seat) throw new AppError('conflict', 'ceremony.error.offer_gone');
  emitSeated(deps, await loadCeremony(seat.ceremony), seat);
  return { ceremonyId: seat.ceremony.toString(), status: 'seated' };
}

/** The couple leaves the ceremony it is in (seated, offered or waitlisted). */
export async function leave(
  deps: CeremonyContext,
  appointment: Pick<AppointmentRecord, '_id'>,
): Promise<{ ceremonyId: string }> {
  const left = await leaveSeat(deps, { activeAppointment: appointment._id }, 'left');
  if (!left) throw notFound('ceremony.error.not_joined');
  return { ceremonyId: left.ceremony.toString() };
}

/**
 * Re-checks every place an appointment holds against the rule, and takes the couple out of
 * those it no longer meets (cancelled, or moved to a time, date or office that breaks it).
 */
export async function recheckAppointment(
  deps: CeremonyContext,
  appointment: Pick<Appointment, 'office' | 'date' | 'endsAt' | 'status'> & { _id: Types.ObjectId },
  /** Its seats, when the caller has just read them all (the active ones are rechecked). */
  read?: SeatRecord[],
): Promise<boolean> {
  const seats = read
    ? read.filter((s) => ACTIVE_SEAT_STATES.includes(s.state))
    : await CeremonySeatModel.find({
        appointment: appointment._id,
        state: { $in: ACTIVE_SEAT_STATES },
      }).lean<SeatRecord[]>();
  let left = false;
  for (const seat of seats) {
    const c = await loadCeremony(seat.ceremony);
    const office = await deps.schedule.getOffice(c.office.toString());
    const problem = keepProblem({
      ceremony: ceremonyFacts(c),
      appointment: appointmentFacts(appointment),
      bufferMinutes: office.ceremonyBufferMinutes,
    });
    if (!problem) continue;
    const reason = problem === 'appointment_inactive' ? 'appointment_cancelled' : 'appointment_moved';
    await leaveSeat(deps, { _id: seat._id }, reason);
    left = true;
  }
  return left;
}

export async function recheckAppointmentById(deps: CeremonyContext, appointmentId: string): Promise<void> {
  const seats = await CeremonySeatModel.countDocuments({
    appointment: appointmentId,
    state: { $in: ACTIVE_SEAT_STATES },
  });
  if (seats === 0) return;
  const appointment = await AppointmentModel.findById(appointmentId, {
    office: 1,
    date: 1,
    endsAt: 1,
    status: 1,
  }).lean();
  if (appointment) {
    await recheckAppointment(deps, appointment);
    return;
  }
  // The appointment is gone altogether: nothing can keep the place.
  const left = await CeremonySeatModel.find({
    appointment: appointmentId,
    state: { $in: ACTIVE_SEAT_STATES },
  }).lean<SeatRecord[]>();
  for (const seat of left) await leaveSeat(deps, { _id: seat._id }, 'appointment_cancelled');
}
