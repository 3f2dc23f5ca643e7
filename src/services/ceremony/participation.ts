// A couple's part in a ceremony: join (seat or waitlist), accept an offered seat, leave, and
// being taken out when its appointment no longer fits. Seats move only through the ledger;
// the seat document records where the couple stands and is claimed first, so one couple
// can never be placed twice.
import type { QueryFilter, Types } from 'mongoose';
import { isDuplicate } from '../../lib/duplicate-key.ts';
import { type Appointment, AppointmentModel } from '../../models/appointment.model.ts';
import type { CeremonyStatus } from '../../models/ceremony.model.ts';
import {
  ACTIVE_SEAT_STATES,
  type CeremonySeat,
  CeremonySeatModel,
  HOLDING_SEAT_STATES,
} from '../../models/ceremony-seat.model.ts';
import type { AppointmentRecord } from '../booking/booking-service.ts';
import { AppError, notFound } from '../errors.ts';
import type { OfficeRecord } from '../schedule-service.ts';
import {
  appointmentFacts,
  type CeremonyContext,
  ceremonyFacts,
  type LeftEventReason,
} from './ceremony-context.ts';
import { type CeremonyRecord, ceremonyInfo, loadCeremony, type SeatRecord } from './ceremony-records.ts';
import { type JoinProblem, joinProblem, keepProblem, latestSlotEnd, offerExpiry } from './join-rules.ts';
import {
  joinWaitlist,
  leaveWaitlist,
  MAX_WAITLIST,
  promoteHead,
  releaseSeat,
  takeSeat,
  waitlistPosition,
} from './seat-ledger.ts';

export type Channel = 'online' | 'api' | 'staff';

export interface JoinResult {
  ceremonyId: string;
  status: 'seated' | 'waitlisted' | 'offered';
  position?: number;
  offerExpiresAt?: Date;
}

/** Statuses in which a couple may still get a seat: coordinators fill drafts, freed seats pass on after sign-up closes. */
const PLACING_STATUSES: CeremonyStatus[] = ['draft', 'open', 'closed'];

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

export function createParticipation(ctx: CeremonyContext) {
  const { clock, events, schedule } = ctx;

  const officeOf = (c: CeremonyRecord) => schedule.getOffice(c.office.toString());

  function emitSeated(c: CeremonyRecord, seat: SeatRecord): void {
    events.emit({
      type: 'ceremony.seated',
      ceremonyId: c._id.toString(),
      appointmentId: seat.appointment.toString(),
      ceremony: ceremonyInfo(c),
    });
  }

  async function resultOf(seat: SeatRecord): Promise<JoinResult> {
    const ceremonyId = seat.ceremony.toString();
    switch (seat.state) {
      case 'seated':
        return { ceremonyId, status: 'seated' };
      case 'offered':
        return {
          ceremonyId,
          status: 'offered',
          ...(seat.offerExpiresAt ? { offerExpiresAt: seat.offerExpiresAt } : {}),
        };
      case 'waitlisted':
      case 'joining': {
        const position = await waitlistPosition(seat.ceremony, seat._id);
        return { ceremonyId, status: 'waitlisted', ...(position ? { position } : {}) };
      }
      default:
        throw new AppError('conflict', 'ceremony.error.taken_out');
    }
  }

  async function seatById(id: Types.ObjectId): Promise<SeatRecord> {
    const seat = await CeremonySeatModel.findById(id).lean<SeatRecord>();
    if (!seat) throw new AppError('conflict', 'ceremony.error.taken_out');
    return seat;
  }

  /**
   * Gives free seats to the head of the waitlist, one at a time, until no seat is free or
   * nobody waits. A couple still in the middle of joining (or `direct`, the couple this
   * request serves) is seated at once; anyone else gets an offer to accept in time. A couple
   * that left meanwhile hands the seat straight back, and the loop goes on to the next.
   */
  async function fillSeats(ceremonyId: Types.ObjectId, direct?: Types.ObjectId): Promise<void> {
    for (let round = 0; round < MAX_WAITLIST + 10; round++) {
      const now = clock();
      const promoted = await promoteHead(ceremonyId, PLACING_STATUSES, now);
      if (!promoted) return;
      const seatId = promoted.entry.seat;
      const c = await loadCeremony(ceremonyId);
      const seatedNow = await CeremonySeatModel.findOneAndUpdate(
        { _id: seatId, state: direct?.equals(seatId) ? { $in: ['joining', 'waitlisted'] } : 'joining' },
        { $set: { state: 'seated', seatedAt: now, order: promoted.order } },
        { returnDocument: 'after' },
      ).lean<SeatRecord>();
      if (seatedNow) {
        emitSeated(c, seatedNow);
        continue;
      }
      const expiresAt = offerExpiry(now, c.offerHours, c.startsAt);
      const offered =
        expiresAt &&
        (await CeremonySeatModel.findOneAndUpdate(
          { _id: seatId, state: 'waitlisted' },
          { $set: { state: 'offered', offeredAt: now, offerExpiresAt: expiresAt, order: promoted.order } },
          { returnDocument: 'after' },
        ).lean<SeatRecord>());
      if (offered) {
        events.emit({
          type: 'ceremony.offer',
          ceremonyId: c._id.toString(),
          appointmentId: offered.appointment.toString(),
          expiresAt: expiresAt,
          ceremony: ceremonyInfo(c),
        });
        continue;
      }
      // The couple left while it was being promoted: the seat passes on.
      await releaseSeat(ceremonyId);
      if (!expiresAt) return;
    }
  }

  /** Claims the couple's one place in the ceremony (new, or reviving the one it left). */
  async function claim(
    c: CeremonyRecord,
    a: AppointmentRecord,
    previous: SeatRecord | null,
    opts: { channel: Channel; actor?: string },
  ): Promise<Types.ObjectId> {
    const fields = {
      state: 'joining' as const,
      activeAppointment: a._id,
      channel: opts.channel,
      joinedAt: clock(),
      confirmed: opts.channel === 'staff',
      ...(opts.actor ? { addedBy: opts.actor } : {}),
    };
    try {
      if (previous) {
        const revived = await CeremonySeatModel.updateOne(
          { _id: previous._id, state: 'left' },
          {
            $set: fields,
            $unset: {
              leftAt: 1,
              leftReason: 1,
              order: 1,
              seatedAt: 1,
              offeredAt: 1,
              offerExpiresAt: 1,
              attended: 1,
              attendanceAt: 1,
              confirmedAt: 1,
            },
          },
        );
        if (revived.modifiedCount !== 1) throw new AppError('conflict', 'ceremony.error.in_progress');
        return previous._id;
      }
      const created = await CeremonySeatModel.create({
        ceremony: c._id,
        appointment: a._id,
        office: c.office,
        date: c.date,
        ...fields,
      });
      return created._id;
    } catch (err) {
      if (isDuplicate(err, 'activeAppointment')) throw new AppError('conflict', 'ceremony.error.in_other');
      if (isDuplicate(err)) throw new AppError('conflict', 'ceremony.error.in_progress');
      throw err;
    }
  }

  /** Seats the claimed couple if a seat is free and nobody waits, else puts it on the waitlist. */
  async function place(c: CeremonyRecord, seatId: Types.ObjectId, statuses: CeremonyStatus[]) {
    const took = await takeSeat(c._id, statuses);
    if (took) {
      const seated = await CeremonySeatModel.findOneAndUpdate(
        { _id: seatId, state: 'joining' },
        { $set: { state: 'seated', seatedAt: clock(), order: took.order } },
        { returnDocument: 'after' },
      ).lean<SeatRecord>();
      if (!seated) {
        // Taken out while joining (its appointment was cancelled): the seat goes back.
        await releaseSeat(c._id);
        await fillSeats(c._id);
        return resultOf(await seatById(seatId));
      }
      emitSeated(c, seated);
      return { ceremonyId: c._id.toString(), status: 'seated' as const };
    }

    const seat = await seatById(seatId);
    const position = await joinWaitlist(
      c._id,
      { appointment: seat.appointment, seat: seatId, at: clock() },
      statuses,
    );
    if (position === null) {
      await CeremonySeatModel.deleteOne({ _id: seatId, state: 'joining' });
      const now = await loadCeremony(c._id);
      if (now.waitlist.length >= MAX_WAITLIST) throw new AppError('conflict', 'ceremony.error.waitlist_full');
      throw new AppError('conflict', 'ceremony.error.not_open');
    }
    const waiting = await CeremonySeatModel.updateOne(
      { _id: seatId, state: 'joining' },
      { $set: { state: 'waitlisted' } },
    );
    if (waiting.modifiedCount !== 1) {
      const current = await seatById(seatId);
      if (current.state === 'left') await leaveWaitlist(c._id, seatId);
      return resultOf(current);
    }
    // A seat may have been freed between the full seat counter and the waitlist.
    await fillSeats(c._id, seatId);
    const after = await seatById(seatId);
    if (after.state !== 'waitlisted') return resultOf(after);
    const now = (await waitlistPosition(c._id, seatId)) ?? position;
    events.emit({
      type: 'ceremony.waitlisted',
      ceremonyId: c._id.toString(),
      appointmentId: after.appointment.toString(),
      position: now,
      ceremony: ceremonyInfo(c),
    });
    return { ceremonyId: c._id.toString(), status: 'waitlisted' as const, position: now };
  }

  /**
   * Joins a ceremony: seated when a seat is free, else waitlisted with its position. Joining
   * again answers the current standing; joining while a seat is offered accepts it. A
   * coordinator (channel 'staff') may add to a draft or closed ceremony past the deadline.
   */
  async function join(
    ceremonyId: string,
    appointment: AppointmentRecord,
    opts: { channel: Channel; actor?: string },
  ): Promise<JoinResult> {
    const byStaff = opts.channel === 'staff';
    const c = await loadCeremony(ceremonyId);
    const previous = await CeremonySeatModel.findOne({
      ceremony: c._id,
      appointment: appointment._id,
    }).lean<SeatRecord>();
    if (previous?.state === 'offered') return accept(appointment);
    if (previous && previous.state !== 'left') return resultOf(previous);
    const office = await officeOf(c);
    const problem = joinProblem({
      ceremony: ceremonyFacts(c),
      appointment: appointmentFacts(appointment),
      bufferMinutes: office.ceremonyBufferMinutes,
      now: clock(),
      byStaff,
    });
    if (problem) throw problemError(problem, c, office);
    const seatId = await claim(c, appointment, previous, opts);
    return place(c, seatId, byStaff ? PLACING_STATUSES : ['open']);
  }

  /** Accepts the seat offered to the couple, while the offer holds. */
  async function accept(appointment: Pick<AppointmentRecord, '_id'>): Promise<JoinResult> {
    const now = clock();
    const seat = await CeremonySeatModel.findOneAndUpdate(
      { appointment: appointment._id, state: 'offered', offerExpiresAt: { $gt: now } },
      { $set: { state: 'seated', seatedAt: now }, $unset: { offerExpiresAt: 1 } },
      { returnDocument: 'after' },
    ).lean<SeatRecord>();
    if (!seat) throw new AppError('conflict', 'ceremony.error.offer_gone');
    emitSeated(await loadCeremony(seat.ceremony), seat);
    return { ceremonyId: seat.ceremony.toString(), status: 'seated' };
  }

  /**
   * Takes a couple out (the filter picks the seat document); frees its seat for the next on
   * the waitlist, or its place on the waitlist. Only the request whose update changed the
   * state does this, so a seat is never freed twice. Returns the place as it was, or null.
   */
  async function leaveSeat(
    filter: QueryFilter<CeremonySeat>,
    reason: LeftEventReason,
  ): Promise<SeatRecord | null> {
    const before = await CeremonySeatModel.findOneAndUpdate(
      { state: { $in: ACTIVE_SEAT_STATES }, ...filter },
      {
        $set: { state: 'left', leftAt: clock(), leftReason: reason },
        $unset: { activeAppointment: 1, offerExpiresAt: 1 },
      },
      { returnDocument: 'before' },
    ).lean<SeatRecord>();
    if (!before) return null;
    if (HOLDING_SEAT_STATES.includes(before.state)) {
      await releaseSeat(before.ceremony);
      await fillSeats(before.ceremony);
    } else {
      await leaveWaitlist(before.ceremony, before._id);
    }
    const c = await loadCeremony(before.ceremony);
    events.emit({
      type: 'ceremony.left',
      ceremonyId: c._id.toString(),
      appointmentId: before.appointment.toString(),
      reason,
      ceremony: ceremonyInfo(c),
    });
    return before;
  }

  /** The couple leaves the ceremony it is in (seated, offered or waitlisted). */
  async function leave(appointment: Pick<AppointmentRecord, '_id'>): Promise<{ ceremonyId: string }> {
    const left = await leaveSeat({ activeAppointment: appointment._id }, 'left');
    if (!left) throw notFound('ceremony.error.not_joined');
    return { ceremonyId: left.ceremony.toString() };
  }

  /**
   * Re-checks every place an appointment holds against the rule, and takes the couple out of
   * those it no longer meets (cancelled, or moved to a time, date or office that breaks it).
   */
  async function recheckAppointment(
    appointment: Pick<Appointment, 'office' | 'date' | 'endsAt' | 'status'> & { _id: Types.ObjectId },
  ): Promise<void> {
    const seats = await CeremonySeatModel.find({
      appointment: appointment._id,
      state: { $in: ACTIVE_SEAT_STATES },
    }).lean<SeatRecord[]>();
    for (const seat of seats) {
      const c = await loadCeremony(seat.ceremony);
      const office = await officeOf(c);
      const problem = keepProblem({
        ceremony: ceremonyFacts(c),
        appointment: appointmentFacts(appointment),
        bufferMinutes: office.ceremonyBufferMinutes,
      });
      if (!problem) continue;
      const reason = problem === 'appointment_inactive' ? 'appointment_cancelled' : 'appointment_moved';
      await leaveSeat({ _id: seat._id }, reason);
    }
  }

  async function recheckAppointmentById(appointmentId: string): Promise<void> {
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
      await recheckAppointment(appointment);
      return;
    }
    // The appointment is gone altogether: nothing can keep the place.
    const left = await CeremonySeatModel.find({
      appointment: appointmentId,
      state: { $in: ACTIVE_SEAT_STATES },
    }).lean<SeatRecord[]>();
    for (const seat of left) await leaveSeat({ _id: seat._id }, 'appointment_cancelled');
  }

  /** Offers not accepted in time pass on to the next couple on the waitlist. Returns how many expired. */
  async function expireOffers(now: Date = clock()): Promise<number> {
    const due = await CeremonySeatModel.find(
      { state: 'offered', offerExpiresAt: { $lte: now } },
      { _id: 1 },
    ).lean();
    let expired = 0;
    for (const seat of due) {
      const left = await leaveSeat(
        { _id: seat._id, state: 'offered', offerExpiresAt: { $lte: now } },
        'offer_expired',
      );
      if (left) expired++;
    }
    return expired;
  }

  return {
    join,
    accept,
    leave,
    leaveSeat,
    fillSeats,
    resultOf,
    recheckAppointment,
    recheckAppointmentById,
    expireOffers,
  };
}

export type Participation = ReturnType<typeof createParticipation>;
