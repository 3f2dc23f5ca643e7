// A slot found full is answered "full" for a moment without asking its counter again; what
// frees a place in this process makes it bookable at once.
import assert from 'node:assert/strict';
import type { Types } from 'mongoose';
import { createSystemRandom } from '../../src/lib/clock.ts';
import { SlotModel } from '../../src/models/slot.model.ts';
import { createAuditService } from '../../src/services/audit-service.ts';
import { createBookingService } from '../../src/services/booking/booking-service.ts';
import { createEventBus } from '../../src/services/events.ts';
import { createScheduleService } from '../../src/services/schedule-service.ts';
import { couple } from '../helpers/ids.ts';
import { createOffice, resetDatabase, TEST_SECRET, testClock } from '../helpers/test-app.ts';

const NOW = '2026-08-03T02:00:00.000Z'; // Mon 10:00 in Chengdu
const DAY = '2026-08-10';

function bookingService() {
  const clock = testClock(NOW);
  const schedule = createScheduleService({ clock });
  const events = createEventBus(() => undefined);
  const audit = createAuditService({ clock });
  return createBookingService({
    clock,
    random: createSystemRandom(),
    secret: TEST_SECRET,
    events,
    schedule,
    audit,
  });
}

describe('slots remembered full', () => {
  let officeId: Types.ObjectId;
  let booking: ReturnType<typeof bookingService>;
  const ask = () =>
    booking.book({ officeId: officeId.toString(), date: DAY, start: '09:00', ...couple(), channel: 'api' });
  const refusal = async (p: Promise<unknown>) =>
    (
      (await p.then(
        () => null,
        (e) => e,
      )) as { code?: string }
    )?.code;

  beforeEach(async () => {
    await resetDatabase();
    officeId = (await createOffice())._id;
    booking = bookingService();
  });

  it('answers "full" from memory after the counter said so, and books again once a cancellation here frees the place', async () => {
    const first = await ask();
    // The 09:00 slot of the test office holds a few couples: take the rest.
    const slot = await SlotModel.findOne({ office: officeId, date: DAY, start: '09:00' }).lean();
    await SlotModel.updateOne({ _id: slot!._id }, { $set: { remaining: 0, booked: slot!.capacity } });
    assert.equal(await refusal(ask()), 'slot_full');
    // A place freed behind this process's back is not seen during the moment...
    await SlotModel.updateOne({ _id: slot!._id }, { $inc: { remaining: 1, booked: -1 } });
    assert.equal(await refusal(ask()), 'slot_full', 'served from memory');
    assert.equal((await SlotModel.findById(slot!._id).lean())!.remaining, 1, 'the counter was not asked');
    // ...but a cancellation in this process makes the slot bookable at once.
    await booking.cancel(first.appointment._id, 'couple');
    const again = await ask();
    assert.equal(again.created, true);
    const after = await SlotModel.findById(slot!._id).lean();
    assert.equal(after!.remaining, 1, 'one place freed elsewhere, one by the cancellation, one taken');
  });
});
