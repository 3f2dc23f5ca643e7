// What moving a booking would do to the couple's place in a ceremony, before the move: the
// place stays when the new slot still meets the rule (same office and day, ending early
// enough), and is given up otherwise (participation.ts takes the couple out after the move).
// The move pages say so before the tap. The place is read as the couple's own pages read it
// (held-seat.ts): a ceremony already held or cancelled has none to give up.
import type { Types } from 'mongoose';
import type { SeatState } from '../../models/ceremony-seat.model.ts';
import type { AppointmentRecord } from '../booking/booking-service.ts';
import type { CeremonyContext } from './ceremony-context.ts';
import { type CeremonySummary, summarize } from './ceremony-records.ts';
import { heldSeat, keepsSeat } from './held-seat.ts';

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
  const held = await heldSeat(appointment._id);
  if (!held) return null;
  const office = await deps.schedule.getOffice(held.ceremony.office.toString());
  const at = appointment.office.toString();
  const keeps = targets.map((target) =>
    keepsSeat(held, { office: at, ...target }, office.ceremonyBufferMinutes),
  );
  return { ceremony: summarize(held.ceremony, office, deps.clock()), state: held.state, keeps };
}
