// Fixtures of a peak day that asks for a verified phone (as the demo's Qixi does), and of a
// slot of it already full, for the tests of codes at booking.
import type { Types } from 'mongoose';
import { DayPlanModel } from '../../src/models/day-plan.model.ts';
import { SlotModel } from '../../src/models/slot.model.ts';

type Id = Types.ObjectId | string;

/** Plans `date` as a peak day that asks for a verified phone. */
export async function verifiedDay(office: Id, date: string): Promise<void> {
  await DayPlanModel.create({
    office,
    date,
    kind: 'peak',
    label: { zh: '七夕', en: 'Qixi' },
    requireVerifiedPhone: true,
  });
}

/** The 09:00–09:30 slot of `date` (an office in Chengdu), every place taken. */
export async function fullNineOClock(office: Id, date: string): Promise<Types.ObjectId> {
  const slot = await SlotModel.create({
    office,
    date,
    start: '09:00',
    end: '09:30',
    startsAt: new Date(`${date}T01:00:00Z`),
    endsAt: new Date(`${date}T01:30:00Z`),
    capacity: 12,
    booked: 12,
    remaining: 0,
  });
  return slot._id;
}
