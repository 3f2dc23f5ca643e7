// The seats of a ceremony: a couple placed (seated, or offered a freed seat, or on the
// waitlist) by claiming its seat document first, so one couple can never be placed twice;
// freed seats filled from the waitlist; offers not accepted in time passed on. Seats move only
// through the ledger (seat-ledger.ts).
import type { QueryFilter, Types } from 'mongoose';
import { isDuplicate } from '../../lib/duplicate-key.ts';
import type { CeremonyStatus } from '../../models/ceremony.model.ts';
import {
  ACTIVE_SEAT_STATES,
  type CeremonySeat,
  CeremonySeatModel,
  HOLDING_SEAT_STATES,
} from '../../models/ceremony-seat.model.ts';
import type { AppointmentRecord } from '../booking/booking-service.ts';
import { AppError } from '../errors.ts';
import type { CeremonyContext, LeftEventReason } from './ceremony-context.ts';
import { type CeremonyRecord, ceremonyInfo, loadCeremony, type SeatRecord } from './ceremony-records.ts';
import { offerExpiry } from './join-rules.ts';
import {
  joinWaitlist,
  leaveWaitlist,
  MAX_WAITLIST,
  promoteHead,
  releaseSeat,
  takeSeat,
  waitlistPosition,
} from './seat-ledger.ts';

export interface JoinResult {
  ceremonyId: string;
  status: 'seated' | 'waitlisted' | 'offered';
  position?: number;
  offerExpiresAt?: Date;
}

export type Channel = 'online' | 'api' | 'staff';

/** Statuses in which a couple may still get a seat: coordinators fill drafts, freed seats pass on after sign-up closes. */
export const PLACING_STATUSES: CeremonyStatus[] = ['draft', 'open', 'closed'];

export function emitSeated(deps: CeremonyContext, c: CeremonyRecord, seat: SeatRecord): void {
  const { events } = deps;
  events.emit({
    type: 'ceremony.seated',
    ceremonyId: c._id.toString(),
    appointmentId: seat.appointment.toString(),
    ceremony: ceremonyInfo(c),
  });
}

export async function resultOf(seat: SeatRecord): Promise<JoinResult> {
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

export async function seatById(id: Types.ObjectId): Promise<SeatRecord> {
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
export async function fillSeats(
  deps: CeremonyContext,
  ceremonyId: Types.ObjectId,
  direct?: Types.ObjectId,
): Promise<void> {
  const { clock, events } = deps;
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
      emitSeated(deps, c, seatedNow);
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
export async function claim(
  deps: CeremonyContext,
  c: CeremonyRecord,
  a: AppointmentRecord,
  previous: SeatRecord | null,
  opts: { channel: Channel; actor?: string },
): Promise<Types.ObjectId> {
  const { clock } = deps;
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
export async function place(
  deps: CeremonyContext,
  c: CeremonyRecord,
  seatId: Types.ObjectId,
  statuses: CeremonyStatus[],
) {
  const { clock, events } = deps;
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
      await fillSeats(deps, c._id);
      return resultOf(await seatById(seatId));
    }
    emitSeated(deps, c, seated);
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
  await fillSeats(deps, c._id, seatId);
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
 * Takes a couple out (the filter picks the seat document); frees its seat for the next on
 * the waitlist, or its place on the waitlist. Only the request whose update changed the
 * state does this, so a seat is never freed twice. Returns the place as it was, or null.
 */
export async function leaveSeat(
  deps: CeremonyContext,
  filter: QueryFilter<CeremonySeat>,
  reason: LeftEventReason,
): Promise<SeatRecord | null> {
  const { clock, events } = deps;
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
    await fillSeats(deps, before.ceremony);
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

/** Offers not accepted in time pass on to the next couple on the waitlist. Returns how many expired. */
export async function expireOffers(deps: CeremonyContext, now: Date = deps.clock()): Promise<number> {
  const due = await CeremonySeatModel.find(
    { state: 'offered', offerExpiresAt: { $lte: now } },
    { _id: 1 },
  ).lean();
  let expired = 0;
  for (const seat of due) {
    const left = await leaveSeat(
      deps,
      { _id: seat._id, state: 'offered', offerExpiresAt: { $lte: now } },
      'offer_expired',
    );
    if (left) expired++;
  }
  return expired;
}
