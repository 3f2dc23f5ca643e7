// The ceremony place a booking holds, as the booking's own pages and changes need it: a move
// keeps the place when the new slot still fits the ceremony's rule, and must say so before
// when it does not; the calendar file lists a seated couple's ceremony. Reads only: the seat
// documents stay the record, changed by participation.ts alone.
import type { Types } from 'mongoose';
import { CeremonyModel } from '../../models/ceremony.model.ts';
import { ACTIVE_SEAT_STATES, CeremonySeatModel, type SeatState } from '../../models/ceremony-seat.model.ts';
import { ceremonyFacts } from './ceremony-context.ts';
import type { CeremonyRecord, SeatRecord } from './ceremony-records.ts';
import { keepProblem } from './join-rules.ts';

/** Ceremonies still to be held, whose places a change of the booking could give up. */
const UPCOMING = ['draft', 'open', 'closed'];

export interface HeldSeat {
  state: SeatState;
  ceremony: CeremonyRecord;
}

/** The place (seat, offer or waitlist) a booking holds in an upcoming ceremony, or null. */
export async function heldSeat(appointmentId: Types.ObjectId): Promise<HeldSeat | null> {
  const seat = await CeremonySeatModel.findOne({
    appointment: appointmentId,
    state: { $in: ACTIVE_SEAT_STATES.filter((s) => s !== 'joining') },
  }).lean<SeatRecord>();
  if (!seat) return null;
  const ceremony = await CeremonyModel.findById(seat.ceremony).lean<CeremonyRecord>();
  if (ceremony && !UPCOMING.includes(ceremony.status)) return null;
  return ceremony ? { state: seat.state, ceremony } : null;
}

/** Whether the place is kept when the booking is at this office, date and slot end instead. */
export function keepsSeat(
  held: HeldSeat,
  target: { office: string; date: string; endsAt: Date },
  bufferMinutes: number,
): boolean {
  return (
    keepProblem({
      ceremony: ceremonyFacts(held.ceremony),
      appointment: { ...target, status: 'booked' },
      bufferMinutes,
    }) === null
  );
}
