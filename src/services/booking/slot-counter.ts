// The only code that moves a slot's counters. Every change is one conditional
// single-document update, so concurrent requests can never oversell a slot.
import type { Types } from 'mongoose';
import { SlotModel } from '../../models/slot.model.ts';

/** Takes one place if any is left; returns false when the slot is full. */
export async function takePlace(slotId: Types.ObjectId): Promise<boolean> {
  const res = await SlotModel.updateOne(
    { _id: slotId, remaining: { $gt: 0 } },
    { $inc: { remaining: -1, booked: 1 } },
  );
  return res.modifiedCount === 1;
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
 * Changes a slot's capacity by delta, keeping every booking: remaining moves with it, and a
 * slot whose remaining goes below zero is flagged for staff instead of cancelling anyone.
 */
export async function adjustCapacity(slotId: Types.ObjectId, delta: number): Promise<void> {
  if (delta === 0) return;
  await SlotModel.updateOne({ _id: slotId }, { $inc: { capacity: delta, remaining: delta } });
  await SlotModel.updateOne({ _id: slotId, remaining: { $lt: 0 } }, { $set: { flagged: true } });
  await SlotModel.updateOne(
    { _id: slotId, flagged: true, remaining: { $gte: 0 } },
    { $set: { flagged: false } },
  );
}
