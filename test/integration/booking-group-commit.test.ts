// Bookings that arrive together are written together (group commit): these tests make many
// requests meet in one batch and check that each couple still gets exactly its own answer.
import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import type { RandomBytes } from '../../src/lib/clock.ts';
import { createSystemRandom } from '../../src/lib/clock.ts';
import { AppointmentModel, newAppointmentDocument } from '../../src/models/appointment.model.ts';
import { PersonHoldModel } from '../../src/models/person-hold.model.ts';
import { SlotModel } from '../../src/models/slot.model.ts';
import { createAuditService } from '../../src/services/audit-service.ts';
import { createBookingService } from '../../src/services/booking/booking-service.ts';
import { takePlaces, takePlacesInSlots } from '../../src/services/booking/slot-counter.ts';
import { createEventBus } from '../../src/services/events.ts';
import { createScheduleService } from '../../src/services/schedule-service.ts';
import { assertBuiltAsSchemaStores, storedPartner } from '../helpers/built-documents.ts';
import { couple } from '../helpers/ids.ts';
import { createOffice, resetDatabase, TEST_SECRET, testClock } from '../helpers/test-app.ts';

const NOW = '2026-08-03T02:00:00.000Z'; // Mon 10:00 in Chengdu
const DAY = '2026-08-10';

function service(random: RandomBytes = createSystemRandom()) {
  const clock = testClock(NOW);
  const schedule = createScheduleService({ clock });
  const events = createEventBus(() => undefined);
  const audit = createAuditService({ clock });
  return createBookingService({ clock, random, secret: TEST_SECRET, events, schedule, audit });
}

type Booking = ReturnType<typeof service>;
type Couple = ReturnType<typeof couple>;

/** Many couples asking for a place at the same moment. */
function askAll(
  booking: Booking,
  officeId: Types.ObjectId,
  couples: Couple[],
  start = '09:00',
  key?: string,
) {
  return couples.map((c) =>
    booking.book({
      officeId: officeId.toString(),
      date: DAY,
      start,
      ...c,
      channel: 'api',
      ...(key ? { idempotencyKey: key } : {}),
    }),
  );
}

const crowd = (n: number) => Array.from({ length: n }, () => couple());

async function roomySlot(officeId: Types.ObjectId, start: string, capacity: number) {
  const hour = Number(start.slice(0, 2)) - 8;
  return SlotModel.create({
    office: officeId,
    date: DAY,
    start,
    end: `${start.slice(0, 3)}30`,
    startsAt: new Date(`${DAY}T0${hour}:00:00Z`),
    endsAt: new Date(`${DAY}T0${hour}:30:00Z`),
    capacity,
    booked: 0,
    remaining: capacity,
  });
}

async function assertCountersTrue() {
  for (const s of await SlotModel.find({}).lean()) {
    const active = await AppointmentModel.countDocuments({ slot: s._id, status: 'booked' });
    assert.equal(s.booked, active, `slot ${s.start}: counter ${s.booked}, bookings ${active}`);
    assert.equal(s.remaining, s.capacity - active);
  }
  const active = await AppointmentModel.countDocuments({ status: 'booked' });
  assert.equal(await PersonHoldModel.countDocuments(), active * 2, 'two holds per active booking, no strays');
}

describe('bookings written together (group commit)', () => {
  let officeId: Types.ObjectId;
  beforeEach(async () => {
    await resetDatabase();
    officeId = (await createOffice())._id;
  });

  it('books a crowd at once across slots, each couple with its own reference and holds', async () => {
    await roomySlot(officeId, '09:00', 100);
    await roomySlot(officeId, '10:00', 100);
    const booking = service();
    const results = await Promise.all([
      ...askAll(booking, officeId, crowd(30), '09:00'),
      ...askAll(booking, officeId, crowd(30), '10:00'),
    ]);
    assert.equal(new Set(results.map((r) => r.appointment.reference)).size, 60);
    assert.equal(new Set(results.map((r) => r.manageToken)).size, 60);
    for (const r of results) {
      const stored = await AppointmentModel.findById(r.appointment._id).lean();
      assert.equal(stored?.reference, r.appointment.reference);
      assert.deepEqual(
        (await PersonHoldModel.find({ appointment: r.appointment._id }).lean()).map((h) => h._id).sort(),
        r.appointment.partners.map((p) => p.idFingerprint).sort(),
      );
    }
    await assertCountersTrue();
  });

  it('gives a slot with fewer places than couples asking to exactly as many as it holds', async () => {
    await roomySlot(officeId, '09:00', 3);
    const booking = service();
    const settled = await Promise.allSettled(askAll(booking, officeId, crowd(12)));
    assert.equal(settled.filter((s) => s.status === 'fulfilled').length, 3);
    for (const s of settled.filter((x) => x.status === 'rejected'))
      assert.equal((s as PromiseRejectedResult).reason.code, 'slot_full');
    await assertCountersTrue();
  });

  it('lets one person in five simultaneous bookings win once, without failing the neighbours', async () => {
    await roomySlot(officeId, '09:00', 100);
    const booking = service();
    const shared = couple().partners[0]!;
    const contested = Array.from({ length: 5 }, () => {
      const other = couple();
      return { ...other, partners: [shared, other.partners[1]!] };
    });
    const bystanders = crowd(15);
    const settled = await Promise.allSettled(askAll(booking, officeId, [...contested, ...bystanders]));
    const contestedWins = settled.slice(0, 5).filter((s) => s.status === 'fulfilled').length;
    assert.equal(contestedWins, 1);
    for (const s of settled.slice(0, 5).filter((x) => x.status === 'rejected'))
      assert.equal((s as PromiseRejectedResult).reason.code, 'already_booked');
    assert.ok(
      settled.slice(5).every((s) => s.status === 'fulfilled'),
      'couples beside the conflict are booked',
    );
    await assertCountersTrue();
  });

  it('answers simultaneous retries with one idempotency key with one booking', async () => {
    await roomySlot(officeId, '09:00', 100);
    const booking = service();
    const c = couple();
    const key = 'same-key-0123456789abcdef';
    const results = await Promise.all(askAll(booking, officeId, Array(6).fill(c), '09:00', key));
    assert.equal(new Set(results.map((r) => r.appointment.reference)).size, 1);
    assert.equal(new Set(results.map((r) => r.manageToken)).size, 1);
    assert.equal(await AppointmentModel.countDocuments(), 1);
    await assertCountersTrue();
  });

  it('draws a reference again when it is taken, also inside a batch', async () => {
    await roomySlot(officeId, '09:00', 100);
    // The first three reference draws give the same code; later draws are random.
    let draws = 0;
    const system = createSystemRandom();
    const random: RandomBytes = (n) => {
      if (n === 8 && draws < 3) {
        draws += 1;
        return new Uint8Array(8).fill(7);
      }
      return system(n);
    };
    const booking = service(random);
    const results = await Promise.all(askAll(booking, officeId, crowd(3)));
    assert.equal(new Set(results.map((r) => r.appointment.reference)).size, 3);
    assert.equal(await AppointmentModel.countDocuments(), 3);
    await assertCountersTrue();
  });

  it('takes places for a group all together or not at all', async () => {
    const s = await roomySlot(officeId, '09:00', 5);
    assert.equal(await takePlaces(s._id, 6), false);
    assert.equal((await SlotModel.findById(s._id).lean())!.remaining, 5);
    assert.equal(await takePlaces(s._id, 5), true);
    const after = await SlotModel.findById(s._id).lean();
    assert.deepEqual([after!.booked, after!.remaining], [5, 0]);
  });

  it('takes places in several slots with one command and says which were too short', async () => {
    const roomy = await roomySlot(officeId, '09:00', 10);
    const tight = await roomySlot(officeId, '10:00', 2);
    const missing = new Types.ObjectId();
    const answers = await takePlacesInSlots([
      { slotId: roomy._id, n: 4 },
      { slotId: tight._id, n: 3 },
      { slotId: missing, n: 1 },
      { slotId: tight._id, n: 2 },
    ]);
    assert.deepEqual(answers, [true, false, false, true]);
    const after = await SlotModel.find({}).sort({ start: 1 }).lean();
    assert.deepEqual(
      after.map((s) => [s.start, s.booked, s.remaining]),
      [
        ['09:00', 4, 6],
        ['10:00', 2, 0],
      ],
      'no counter is made for a slot that does not exist',
    );
  });

  it('builds a new appointment exactly as the schema would store it', async () => {
    const fields = {
      _id: new Types.ObjectId(),
      reference: 'ABCD-EFGH',
      office: new Types.ObjectId(),
      slot: new Types.ObjectId(),
      date: DAY,
      start: '09:00',
      end: '09:30',
      startsAt: new Date('2026-08-10T01:00:00Z'),
      endsAt: new Date('2026-08-10T01:30:00Z'),
      partners: [
        storedPartner,
        {
          name: 'Anna',
          idType: 'passport' as const,
          idMasked: 'E1****78',
          idFingerprint: 'f2',
          phone: '13900000002',
          phoneLast4: '0002',
        },
      ],
      email: 'a@example.com',
      language: 'en' as const,
      channel: 'api' as const,
      manageTokenHash: 'h'.repeat(64),
      overbooked: false,
      history: [{ at: new Date(NOW), type: 'booked', by: 'api' }],
    };
    const now = new Date(NOW);
    for (const extra of [{}, { idempotencyKey: 'k'.repeat(20) }]) {
      const built = newAppointmentDocument({ ...fields, ...extra }, now);
      await assertBuiltAsSchemaStores(AppointmentModel, built, { ...fields, ...extra }, now);
    }
    assert.ok(!('idempotencyKey' in newAppointmentDocument({ ...fields, idempotencyKey: undefined }, now)));
  });
});
