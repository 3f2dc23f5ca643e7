// What moving a booking would do to the couple's place in a ceremony, before the move: the
// place stays when the new slot still meets the rule (same office and day, ending early
// enough), and is given up otherwise (participation.ts takes the couple out after the move).
// The move pages say so before the tap.
import type { Types } from 'mongoose';
import { ACTIVE_SEAT_STATES, CeremonySeatModel, type SeatState } from '../../models/ceremony-seat.model.ts';
import type { AppointmentRecord } from '../booking/booking-service.ts';
import { type CeremonyContext, ceremonyFacts } from './ceremony-context.ts';
import { type CeremonySummary, loadCeremony, type SeatRecord, summarize } from './ceremony-records.ts';
import { keepProblem } from './join-rules.ts';

/** A slot a booking could move to. */
export interface MoveTarget {
  date: string;
  endsAt: Date;
}

export interface SeatOnMove {
  ceremony: CeremonySummary;
  state: SeatState;
  /** For each target, in order: whether the couple keeps its place there. */
  keeps: boolean[];
}

/** The couple's place in a ceremony and, for each target, whether a move there keeps it; null: none. */
export async function seatOnMove(
  deps: CeremonyContext,
  appointment: Pick<AppointmentRecord, '_id'> & { office: Types.ObjectId },
  targets: MoveTarget[],
): Promise<SeatOnMove | null> {
  const seat = await CeremonySeatModel.findOne({
    appointment: appointment._id,
    state: { $in: ACTIVE_SEAT_STATES },
  }).lean<SeatRecord>();
  if (!seat) return null;
  const c = await loadCeremony(seat.ceremony);
  const office = await deps.schedule.getOffice(c.office.toString());
  const keeps = targets.map(
    (target) =>
      keepProblem({
        ceremony: ceremonyFacts(c),
        appointment: { office: appointment.office.toString(), status: 'booked', ...target },
        bufferMinutes: office.ceremonyBufferMinutes,
      }) === null,
  );
  return { ceremony: summarize(c, office, deps.clock()), state: seat.state, keeps };
}
