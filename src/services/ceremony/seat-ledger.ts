// The only code that changes a ceremony's seat counter and waitlist. Every change is one
// conditional single-document update of the ceremony, so no interleaving of requests can
// seat more couples than `seats` or hand one freed seat to two couples.
import type { Types } from 'mongoose';
import { CeremonyModel, type CeremonyStatus, type WaitlistEntry } from '../../models/ceremony.model.ts';

/** A waitlist longer than this says nothing useful to the couple at its end. */
export const MAX_WAITLIST = 200;

const hasFreeSeat = { $expr: { $lt: ['$seatsTaken', '$seats'] } };
const nobodyWaiting = { 'waitlist.0': { $exists: false } };

/**
 * Takes a free seat for a couple joining now. Only when nobody is waiting: a freed seat
 * belongs to the head of the waitlist, not to whoever presses "join" first. Returns the
 * procession number the seat gets, or null when there is no seat for a newcomer.
 */
export async function takeSeat(
  ceremonyId: Types.ObjectId,
  statuses: CeremonyStatus[],
): Promise<{ order: number } | null> {
  const doc = await CeremonyModel.findOneAndUpdate(
    { _id: ceremonyId, status: { $in: statuses }, ...nobodyWaiting, ...hasFreeSeat },
    { $inc: { seatsTaken: 1, orderSeq: 1 } },
    { returnDocument: 'after', projection: { orderSeq: 1 } },
  ).lean();
  return doc ? { order: doc.orderSeq } : null;
}

/** Gives a seat back (a seated couple left, an offer expired, a join was undone). */
export async function releaseSeat(ceremonyId: Types.ObjectId): Promise<void> {
  await CeremonyModel.updateOne({ _id: ceremonyId, seatsTaken: { $gt: 0 } }, { $inc: { seatsTaken: -1 } });
}

/** Appends a couple to the waitlist; returns its 1-based position, or null when closed or full. */
export async function joinWaitlist(
  ceremonyId: Types.ObjectId,
  entry: WaitlistEntry,
  statuses: CeremonyStatus[],
): Promise<number | null> {
  const doc = await CeremonyModel.findOneAndUpdate(
    {
      _id: ceremonyId,
      status: { $in: statuses },
      [`waitlist.${MAX_WAITLIST - 1}`]: { $exists: false },
    },
    { $push: { waitlist: entry } },
    { returnDocument: 'after', projection: { waitlist: 1 } },
  ).lean();
  if (!doc) return null;
  const index = doc.waitlist.findIndex((e) => e.seat.equals(entry.seat));
  return index < 0 ? null : index + 1;
}

export async function leaveWaitlist(ceremonyId: Types.ObjectId, seatId: Types.ObjectId): Promise<void> {
  await CeremonyModel.updateOne({ _id: ceremonyId }, { $pull: { waitlist: { seat: seatId } } });
}

/** 1-based position of a seat document on the waitlist, or null when it is not on it. */
export async function waitlistPosition(
  ceremonyId: Types.ObjectId,
  seatId: Types.ObjectId,
): Promise<number | null> {
  const doc = await CeremonyModel.findById(ceremonyId, { waitlist: 1 }).lean();
  const index = doc?.waitlist.findIndex((e) => e.seat.equals(seatId)) ?? -1;
  return index < 0 ? null : index + 1;
}

/**
 * Takes the head of the waitlist together with a free seat, in one update conditional on
 * that entry still being the head and a seat still being free. Returns the entry and the
 * procession number its seat gets, or null when there is nobody to promote or no seat.
 * Offers are made only before the ceremony starts (`now` < startsAt).
 */
export async function promoteHead(
  ceremonyId: Types.ObjectId,
  statuses: CeremonyStatus[],
  now: Date,
): Promise<{ entry: WaitlistEntry; order: number } | null> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await CeremonyModel.findOne(
      { _id: ceremonyId, status: { $in: statuses }, startsAt: { $gt: now } },
      { waitlist: 1, seats: 1, seatsTaken: 1 },
    ).lean();
    const head = current?.waitlist[0];
    if (!current || !head || current.seatsTaken >= current.seats) return null;
    const taken = await CeremonyModel.findOneAndUpdate(
      {
        _id: ceremonyId,
        status: { $in: statuses },
        'waitlist.0.seat': head.seat,
        ...hasFreeSeat,
      },
      { $pop: { waitlist: -1 }, $inc: { seatsTaken: 1, orderSeq: 1 } },
      { returnDocument: 'after', projection: { orderSeq: 1 } },
    ).lean();
    if (taken) return { entry: head, order: taken.orderSeq };
    // Another request promoted or joined meanwhile: look again.
  }
  return null;
}

/**
 * Sets the counter to what the seat documents say, only if nothing moved it since it was
 * read (`expected`), so a repair can never undo a concurrent join.
 */
export async function repairCounter(
  ceremonyId: Types.ObjectId,
  expected: number,
  actual: number,
): Promise<boolean> {
  const res = await CeremonyModel.updateOne(
    { _id: ceremonyId, seatsTaken: expected },
    { $set: { seatsTaken: actual } },
  );
  return res.modifiedCount === 1;
}
