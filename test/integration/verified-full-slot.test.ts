// On a day that asks for a verified phone, a slot known to be full is answered "full" before the
// couple's code is tried: a slot remembered full, and one found full by another booking while
// this one was on its way. Only a booking that goes on to the slot's counter tries its code
// (one attempt), and a wrong code is refused there before any place is taken.
import assert from 'node:assert/strict';
import type { Types } from 'mongoose';
import { createSystemRandom } from '../../src/lib/clock.ts';
import { createAuditService } from '../../src/services/audit-service.ts';
import { book } from '../../src/services/booking/book-appointment.ts';
import type { BookingContext } from '../../src/services/booking/booking-types.ts';
import { createBookingWrites } from '../../src/services/booking/booking-writes.ts';
import { createEventBus } from '../../src/services/events.ts';
import { createScheduleService } from '../../src/services/schedule-service.ts';
import type { PhoneCheckToSpend } from '../../src/services/verification/verified-phone.ts';
import { couple } from '../helpers/ids.ts';
import { createOffice, resetDatabase, TEST_SECRET, testClock } from '../helpers/test-app.ts';
import { fullNineOClock, verifiedDay } from '../helpers/verified-day.ts';

const NOW = '2026-08-03T02:00:00.000Z'; // Mon 10:00 in Chengdu
const DAY = '2026-08-10';

describe('a full slot on a day that asks for a verified phone', () => {
  let officeId: Types.ObjectId;
  let slotId: Types.ObjectId;
  let tried: string[];

  /** The booking service's context, its code check recorded; `meanwhile` runs as the no-show query answers. */
  function context(meanwhile: (writes: BookingContext['writes']) => void = () => {}): BookingContext {
    const clock = testClock(NOW);
    const writes = createBookingWrites();
    const noShowsOf = writes.noShowsOf;
    writes.noShowsOf = async (fingerprints, since) => {
      const found = await noShowsOf(fingerprints, since);
      meanwhile(writes);
      return found;
    };
    const checkPhoneToSpend: PhoneCheckToSpend = async ({ code }) => {
      tried.push(code);
      return { outcome: code === '123456' ? 'ok' : 'wrong', spend: async () => true };
    };
    return {
      clock,
      random: createSystemRandom(),
      secret: TEST_SECRET,
      events: createEventBus(() => undefined),
      schedule: createScheduleService({ clock }),
      audit: createAuditService({ clock }),
      checkPhoneToSpend,
      writes,
    };
  }

  const ask = (ctx: BookingContext, verificationCode: string) =>
    book(ctx, {
      officeId: officeId.toString(),
      date: DAY,
      start: '09:00',
      ...couple(),
      verificationCode,
      channel: 'api',
    }).then(
      () => 'booked',
      (e: { code?: string; fields?: Record<string, unknown> }) =>
        e.fields?.verificationCode ? 'code refused' : (e.code ?? String(e)),
    );

  beforeEach(async () => {
    await resetDatabase();
    tried = [];
    officeId = (await createOffice())._id;
    await verifiedDay(officeId, DAY);
    slotId = await fullNineOClock(officeId, DAY);
  });

  it('is answered "full" without trying the code once another booking found it full meanwhile', async () => {
    const ctx = context((writes) => writes.fullSlots.markFull(slotId, writes.fullSlots.generation()));
    assert.equal(await ask(ctx, '123456'), 'slot_full');
    assert.equal(await ask(ctx, '000000'), 'slot_full', 'a wrong code too: the slot is known full first');
    assert.deepEqual(tried, [], 'no attempt was counted against the code');
  });

  it('is answered "full" from memory without trying the code, a wrong one included', async () => {
    const ctx = context();
    ctx.writes.fullSlots.markFull(slotId, ctx.writes.fullSlots.generation());
    assert.equal(await ask(ctx, '000000'), 'slot_full');
    assert.deepEqual(tried, []);
  });

  it('tries the code of a booking that goes on to the counter, and refuses a wrong one there', async () => {
    const ctx = context();
    assert.equal(await ask(ctx, '000000'), 'code refused');
    assert.equal(await ask(ctx, '123456'), 'slot_full', 'the counter found it full');
    assert.deepEqual(tried, ['000000', '123456']);
    assert.equal(await ask(ctx, '000000'), 'slot_full', 'remembered full now');
    assert.equal(tried.length, 2);
  });
});
