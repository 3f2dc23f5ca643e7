import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import { SlotModel } from '../../src/models/slot.model.ts';
import {
  releasePlace,
  repairCounter,
  setCapacity,
  takePlace,
} from '../../src/services/booking/slot-counter.ts';
import { resetDatabase } from '../helpers/test-app.ts';

async function slot(capacity: number, booked = 0) {
  return SlotModel.create({
    office: new Types.ObjectId(),
    date: '2026-08-19',
    start: '09:00',
    end: '09:30',
    startsAt: new Date('2026-08-19T01:00:00Z'),
    endsAt: new Date('2026-08-19T01:30:00Z'),
    capacity,
    booked,
    remaining: capacity - booked,
  });
}

describe('slot counters', () => {
  beforeEach(resetDatabase);

  it('never gives more places than remain, however many ask at once', async () => {
    const s = await slot(5);
    const taken = await Promise.all(Array.from({ length: 40 }, () => takePlace(s._id)));
    assert.equal(taken.filter(Boolean).length, 5);
    const after = await SlotModel.findById(s._id).lean();
    assert.deepEqual([after!.booked, after!.remaining], [5, 0]);
    await releasePlace(s._id);
    assert.equal((await SlotModel.findById(s._id).lean())!.remaining, 1);
  });

  it('sets a capacity once when two planners apply the same plan at the same moment', async () => {
    const s = await slot(12, 3);
    await Promise.all([setCapacity(s._id, 18), setCapacity(s._id, 18), setCapacity(s._id, 18)]);
    const after = await SlotModel.findById(s._id).lean();
    assert.deepEqual([after!.capacity, after!.booked, after!.remaining, after!.flagged], [18, 3, 15, false]);
  });

  it('flags a slot lowered below its bookings and keeps them; raising it again clears the flag', async () => {
    const s = await slot(12, 8);
    await setCapacity(s._id, 6);
    let after = await SlotModel.findById(s._id).lean();
    assert.deepEqual([after!.capacity, after!.booked, after!.remaining, after!.flagged], [6, 8, -2, true]);
    assert.equal(await takePlace(s._id), false);
    await setCapacity(s._id, 10);
    after = await SlotModel.findById(s._id).lean();
    assert.deepEqual([after!.remaining, after!.flagged], [2, false]);
  });

  it('repairs a drifted counter only if it still holds the values observed', async () => {
    const s = await slot(10, 4);
    const observed = (await SlotModel.findById(s._id).lean())!;
    assert.equal(await takePlace(s._id), true, 'a booking in flight changes the counter');
    assert.equal(await repairCounter(observed, 2), false, 'so the repair steps aside');
    const now = (await SlotModel.findById(s._id).lean())!;
    assert.equal(await repairCounter(now, 3), true);
    const after = await SlotModel.findById(s._id).lean();
    assert.deepEqual([after!.booked, after!.remaining], [3, 7]);
  });
});
