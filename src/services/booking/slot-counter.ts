// The only code that moves a slot's counters. Every change is one conditional
// single-document update, so concurrent requests can never oversell a slot.
import type { Types } from 'mongoose';
import { perDocumentErrors, WriteOutcomeUnknownError } from '../../lib/database-errors.ts';
import { isDuplicate } from '../../lib/duplicate-key.ts';
import { SlotModel } from '../../models/slot.model.ts';

/** Takes one place if any is left; returns false when the slot is full. */
export function takePlace(slotId: Types.ObjectId): Promise<boolean> {
  return takePlaces(slotId, 1);
}

/**
 * Takes `n` places at once if at least `n` are left, or none: how a rush of couples asking
 * for the same slot at the same moment is served with one update. Returns whether they were taken.
 */
export async function takePlaces(slotId: Types.ObjectId, n: number): Promise<boolean> {
  // The hottest write of a peak-day rush: straight to the driver, without Mongoose's query casting.
  const res = await SlotModel.collection.updateOne(
    { _id: slotId, remaining: { $gte: n } },
    { $inc: { remaining: -n, booked: n } },
  );
  return res.modifiedCount === 1;
}

/** True when the slot as stored has no place left to take (what takePlaces would find). */
export async function noPlaceLeft(slotId: Types.ObjectId): Promise<boolean> {
  const slot = await SlotModel.findById(slotId, { remaining: 1 }).lean();
  return slot !== null && slot.remaining < 1;
}

export interface PlacesWanted {
  slotId: Types.ObjectId;
  n: number;
}

/**
 * Takes places in several slots with one command: in each slot `n` places if at least `n` are
 * left, or none. Answers, per entry, true (taken), false (too few left) or the error that
 * entry met.
 *
 * An update command reports how many statements matched, not which. So each statement is an
 * upsert on the slot's _id: when a slot has too few places its filter matches nothing, the
 * server then tries to insert a document with that _id, and the unique _id index refuses it
 * with a duplicate key error that names the statement. Counters are never deleted, so no such
 * insert can succeed; should one ever be made for a missing slot, it is removed at once and
 * counted as not taken.
 *
 * Any other failure (the command failed as a whole, a write-concern error, a reply that does
 * not account for every statement) throws: whether the places were taken is then unknown, so
 * no couple may be told they were. Places taken by such a write come back at the next recount
 * of the counters (maintenance.slot-counters).
 */
export async function takePlacesInSlots(
  wants: PlacesWanted[],
  slots: Pick<typeof SlotModel.collection, 'bulkWrite' | 'deleteMany'> = SlotModel.collection,
): Promise<(boolean | Error)[]> {
  const answers: (boolean | Error)[] = wants.map(() => true);
  let upserted: Record<number, unknown> = {};
  let accounted: number | undefined;
  try {
    const res = await slots.bulkWrite(
      wants.map((w) => ({
        updateOne: {
          filter: { _id: w.slotId, remaining: { $gte: w.n } },
          update: { $inc: { remaining: -w.n, booked: w.n } },
          upsert: true,
        },
      })),
      { ordered: false },
    );
    upserted = res.upsertedIds ?? {};
    accounted = res.matchedCount + res.upsertedCount;
  } catch (err) {
    const errors = perDocumentErrors(err);
    if (!errors) throw err;
    for (const w of errors)
      answers[w.index] = isDuplicate(w) ? false : new Error(w.errmsg ?? 'slot counter write failed');
    const result = (
      err as {
        result?: { upsertedIds?: Record<number, unknown>; matchedCount?: number; upsertedCount?: number };
      }
    ).result;
    upserted = result?.upsertedIds ?? {};
    if (typeof result?.matchedCount === 'number' && typeof result.upsertedCount === 'number')
      accounted = result.matchedCount + result.upsertedCount + errors.length;
  }
  if (accounted !== undefined && accounted !== wants.length)
    throw new WriteOutcomeUnknownError(`taking places in ${wants.length} slots (${accounted} answered)`);
  const made = Object.entries(upserted);
  if (made.length > 0) {
    await slots.deleteMany({ _id: { $in: made.map(([, id]) => id) } } as never);
    for (const [index] of made) answers[Number(index)] = false;
  }
  return answers;
}

/** Takes a place past the capacity (staff, with explicit confirmation); the slot is flagged when overbooked. */
export async function forcePlace(slotId: Types.ObjectId): Promise<void> {
  await SlotModel.updateOne({ _id: slotId }, { $inc: { remaining: -1, booked: 1 } });
  await SlotModel.updateOne({ _id: slotId, remaining: { $lt: 0 } }, { $set: { flagged: true } });
}

/** Gives a place back, and clears the flag once the slot is no longer over its capacity. */
export async function releasePlace(slotId: Types.ObjectId): Promise<void> {
  await SlotModel.updateOne({ _id: slotId, booked: { $gt: 0 } }, { $inc: { remaining: 1, booked: -1 } });
  await SlotModel.updateOne(
    { _id: slotId, flagged: true, remaining: { $gte: 0 } },
    { $set: { flagged: false } },
  );
}

/**
 * Sets a slot's capacity to `target`, keeping every booking: remaining moves by the same
 * amount, and a slot whose remaining goes below zero is flagged for staff instead of
 * cancelling anyone. The change is conditional on the capacity just read, and the target is
 * absolute, so two processes applying the same plan at once add the places once, not twice.
 */
export async function setCapacity(slotId: Types.ObjectId, target: number): Promise<void> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const slot = await SlotModel.findById(slotId, { capacity: 1 }).lean();
    if (!slot) return;
    const delta = target - slot.capacity;
    if (delta === 0) return;
    const res = await SlotModel.updateOne(
      { _id: slotId, capacity: slot.capacity },
      { $inc: { capacity: delta, remaining: delta } },
    );
    if (res.modifiedCount !== 1) continue;
    await SlotModel.updateOne({ _id: slotId, remaining: { $lt: 0 } }, { $set: { flagged: true } });
    await SlotModel.updateOne(
      { _id: slotId, flagged: true, remaining: { $gte: 0 } },
      { $set: { flagged: false } },
    );
    return;
  }
  throw new Error(`the capacity of slot ${slotId} kept changing; try again`);
}

// Reserved pools: places moved between `remaining` (what online booking takes
// from) and `reserved` (walk-ins and the priority channel). Each move is one conditional
// update on the value just read; a concurrent change makes it miss and it reads again.
const RESERVE_ATTEMPTS = 8;

async function moveBetween(
  slotId: Types.ObjectId,
  from: 'remaining' | 'reserved',
  to: 'remaining' | 'reserved',
  wanted: number,
): Promise<number> {
  for (let attempt = 0; attempt < RESERVE_ATTEMPTS; attempt++) {
    const slot = await SlotModel.findById(slotId, { remaining: 1, reserved: 1 }).lean();
    if (!slot) return 0;
    const n = Math.min(Math.floor(wanted), Math.max(0, slot[from] ?? 0));
    if (n <= 0) return 0;
    const res = await SlotModel.updateOne(
      { _id: slotId, [from]: { $gte: n } },
      { $inc: { [from]: -n, [to]: n } },
    );
    if (res.modifiedCount === 1) return n;
  }
  return 0;
}

/** Holds back up to `n` places not yet booked; returns how many were held back. */
export function holdBackPlaces(slotId: Types.ObjectId, n: number): Promise<number> {
  return moveBetween(slotId, 'remaining', 'reserved', n);
}

/** Gives up to `n` held-back places to online booking; returns how many were released. */
export function releaseReservedPlaces(slotId: Types.ObjectId, n = Number.MAX_SAFE_INTEGER): Promise<number> {
  return moveBetween(slotId, 'reserved', 'remaining', n);
}

/** Takes one held-back place (priority channel); false when the reserve is empty. */
export async function takeReservedPlace(slotId: Types.ObjectId): Promise<boolean> {
  const res = await SlotModel.updateOne(
    { _id: slotId, reserved: { $gt: 0 } },
    { $inc: { reserved: -1, booked: 1 } },
  );
  return res.modifiedCount === 1;
}

/**
 * Sets a drifted counter to what its bookings say (`holders` places held), but only if the
 * counter still holds exactly the values observed: a booking in flight changes them and the
 * repair is then skipped, never fought. Returns whether the repair was applied.
 */
export async function repairCounter(
  observed: { _id: Types.ObjectId; booked: number; remaining: number; capacity: number; reserved?: number },
  holders: number,
): Promise<boolean> {
  const reserved = observed.reserved ?? 0;
  const remaining = observed.capacity - holders - reserved;
  const res = await SlotModel.updateOne(
    {
      _id: observed._id,
      booked: observed.booked,
      remaining: observed.remaining,
      capacity: observed.capacity,
      ...(observed.reserved === undefined
        ? { reserved: { $exists: false } }
        : { reserved: observed.reserved }),
    },
    { $set: { booked: holders, remaining, flagged: remaining < 0 } },
  );
  return res.modifiedCount === 1;
}
