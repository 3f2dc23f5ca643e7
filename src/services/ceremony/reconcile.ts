// The nightly repair: the seat counter and the waitlist array are derived from the seat
// documents, which are the record of who holds what. A crash between two steps of a join or
// a leave can leave them apart; this puts them back and hands out seats that came free.
import { CeremonyModel } from '../../models/ceremony.model.ts';
import { CeremonySeatModel, HOLDING_SEAT_STATES } from '../../models/ceremony-seat.model.ts';
import type { CeremonyContext } from './ceremony-context.ts';
import type { CeremonyRecord, SeatRecord } from './ceremony-records.ts';
import { fillSeats } from './seat-filling.ts';
import { repairCounter } from './seat-ledger.ts';

/** A join takes milliseconds; a place still "joining" after this long was interrupted. */
const STALE_JOIN_MS = 10 * 60_000;

export interface ReconcileReport {
  checked: number;
  repaired: number;
  skipped: number;
}

async function reconcileOne(
  deps: CeremonyContext,
  c: CeremonyRecord,
  now: Date,
): Promise<'ok' | 'repaired' | 'skipped'> {
  const seats = await CeremonySeatModel.find({ ceremony: c._id, state: { $ne: 'left' } }).lean<
    SeatRecord[]
  >();
  // A join in flight is not drift: leave this ceremony for the next run.
  if (seats.some((s) => s.state === 'joining' && now.getTime() - s.updatedAt.getTime() < STALE_JOIN_MS))
    return 'skipped';
  let repaired = false;
  const listed = new Set(c.waitlist.map((e) => e.seat.toString()));

  // Interrupted joins: on the waitlist they wait; otherwise the couple never got an answer.
  for (const s of seats.filter((x) => x.state === 'joining')) {
    if (listed.has(s._id.toString()))
      await CeremonySeatModel.updateOne({ _id: s._id, state: 'joining' }, { $set: { state: 'waitlisted' } });
    else await CeremonySeatModel.deleteOne({ _id: s._id, state: 'joining' });
    repaired = true;
  }
  const fresh = await CeremonySeatModel.find({ ceremony: c._id, state: { $ne: 'left' } }).lean<
    SeatRecord[]
  >();
  const waiting = fresh.filter((s) => s.state === 'waitlisted');
  const waitingIds = new Set(waiting.map((s) => s._id.toString()));

  // Waitlist entries whose couple is no longer waiting, and waiting couples missing from it.
  const stray = c.waitlist.filter((e) => !waitingIds.has(e.seat.toString()));
  for (const e of stray) {
    await CeremonyModel.updateOne({ _id: c._id }, { $pull: { waitlist: { seat: e.seat } } });
    repaired = true;
  }
  const missing = waiting
    .filter((s) => !listed.has(s._id.toString()))
    .sort((a, b) => a.joinedAt.getTime() - b.joinedAt.getTime());
  for (const s of missing) {
    await CeremonyModel.updateOne(
      { _id: c._id, 'waitlist.seat': { $ne: s._id } },
      { $push: { waitlist: { appointment: s.appointment, seat: s._id, at: s.joinedAt } } },
    );
    repaired = true;
  }

  const holding = fresh.filter((s) => HOLDING_SEAT_STATES.includes(s.state)).length;
  const current = await CeremonyModel.findById(c._id, { seatsTaken: 1 }).lean();
  if (current && current.seatsTaken !== holding) {
    if (await repairCounter(c._id, current.seatsTaken, holding)) repaired = true;
  }
  await fillSeats(deps, c._id);
  return repaired ? 'repaired' : 'ok';
}

/** Recounts every ceremony still to be held; returns what it checked and repaired. */
export async function reconcileSeats(deps: CeremonyContext): Promise<ReconcileReport> {
  const { clock } = deps;
  const now = clock();
  const ceremonies = await CeremonyModel.find({
    status: { $in: ['draft', 'open', 'closed'] },
  }).lean<CeremonyRecord[]>();
  const report: ReconcileReport = { checked: 0, repaired: 0, skipped: 0 };
  for (const c of ceremonies) {
    const outcome = await reconcileOne(deps, c, now);
    report.checked++;
    if (outcome === 'repaired') report.repaired++;
    if (outcome === 'skipped') report.skipped++;
  }
  return report;
}
