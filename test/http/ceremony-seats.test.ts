import assert from 'node:assert/strict';
import type { Types } from 'mongoose';
import { CeremonyModel } from '../../src/models/ceremony.model.ts';
import { CeremonySeatModel } from '../../src/models/ceremony-seat.model.ts';
import type { DomainEvent } from '../../src/services/events.ts';
import { buildTestApp, createOffice, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { book, bookMany, ceremonyInput, NOW, openCeremony } from './ceremony-fixtures.ts';

describe('ceremony seats and waitlist (service, real database)', () => {
  let t: TestApp;
  let officeId: string;
  let events: DomainEvent[];
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    officeId = (await createOffice())._id.toString();
    events = [];
    t.container.events.subscribe((e) => {
      if (e.type.startsWith('ceremony.')) events.push(e);
    });
  });
  const svc = () => t.container.services.ceremonies;
  const seatOf = (appointmentId: Types.ObjectId) =>
    CeremonySeatModel.findOne({ appointment: appointmentId }).lean();

  it('100 concurrent joins for 7 seats: exactly 7 seated, 93 waitlisted in order 1..93', async function () {
    this.timeout(60_000);
    const ceremony = await openCeremony(t, officeId, { start: '17:30', seats: 7 });
    const couples = await bookMany(t, officeId, 100);
    const results = await Promise.all(
      couples.map((b) => svc().join(ceremony._id.toString(), b.appointment, { channel: 'online' })),
    );
    const seated = results.filter((r) => r.status === 'seated');
    const waiting = results.filter((r) => r.status === 'waitlisted');
    assert.equal(seated.length, 7);
    assert.equal(waiting.length, 93);
    assert.deepEqual(
      waiting.map((r) => r.position).sort((a, b) => a! - b!),
      Array.from({ length: 93 }, (_, i) => i + 1),
    );

    const stored = await CeremonyModel.findById(ceremony._id).lean();
    assert.equal(stored!.seatsTaken, 7);
    assert.equal(stored!.waitlist.length, 93);
    const seats = await CeremonySeatModel.find({ ceremony: ceremony._id }).lean();
    assert.equal(seats.filter((s) => s.state === 'seated').length, 7);
    assert.equal(seats.filter((s) => s.state === 'waitlisted').length, 93);
    assert.deepEqual(
      seats
        .filter((s) => s.state === 'seated')
        .map((s) => s.order)
        .sort((a, b) => a! - b!),
      [1, 2, 3, 4, 5, 6, 7],
    );
    // The position each couple was told is its place in the stored waitlist.
    const byAppointment = new Map(couples.map((b, i) => [b.appointment._id.toString(), results[i]!]));
    stored!.waitlist.forEach((entry, i) => {
      assert.deepEqual(byAppointment.get(entry.appointment.toString()), {
        ceremonyId: ceremony._id.toString(),
        status: 'waitlisted',
        position: i + 1,
      });
    });
    assert.equal(events.filter((e) => e.type === 'ceremony.seated').length, 7);
    assert.equal(events.filter((e) => e.type === 'ceremony.waitlisted').length, 93);

    // Joining again answers the standing and changes nothing.
    const again = await svc().join(ceremony._id.toString(), couples[0]!.appointment, { channel: 'online' });
    assert.deepEqual(again, results[0]);
    assert.equal(await CeremonySeatModel.countDocuments({ ceremony: ceremony._id }), 100);
  });

  it('keeps seats, offers and the waitlist consistent under concurrent joins, leaves and expiries', async function () {
    this.timeout(60_000);
    const ceremony = await openCeremony(t, officeId, { start: '17:30', seats: 5, offerHours: 1 });
    const id = ceremony._id.toString();
    const couples = await bookMany(t, officeId, 40);
    await Promise.all(couples.slice(0, 20).map((b) => svc().join(id, b.appointment, { channel: 'online' })));
    // Everything at once: half of the first twenty leave, twenty newcomers join, offers expire.
    t.clock.set('2026-08-03T03:00:00.000Z');
    await Promise.all([
      ...couples
        .slice(0, 20)
        .filter((_, i) => i % 2 === 0)
        .map((b) => svc().leave(b.appointment)),
      ...couples.slice(20).map((b) => svc().join(id, b.appointment, { channel: 'online' })),
      svc().expireOffers(new Date('2026-08-03T03:00:00.000Z')),
      svc().expireOffers(new Date('2026-08-03T03:00:00.000Z')),
    ]);
    await svc().whenIdle();
    const stored = (await CeremonyModel.findById(id).lean())!;
    const seats = await CeremonySeatModel.find({ ceremony: id }).lean();
    const holding = seats.filter((s) => s.state === 'seated' || s.state === 'offered');
    const waiting = seats.filter((s) => s.state === 'waitlisted');
    assert.equal(stored.seatsTaken, holding.length, 'the counter matches the seat documents');
    assert.ok(holding.length <= 5, `never more than 5 seats (${holding.length})`);
    assert.equal(holding.length, 5, 'no seat stays free while couples wait');
    assert.deepEqual(
      stored.waitlist.map((e) => e.seat.toString()).sort(),
      waiting.map((s) => s._id.toString()).sort(),
      'the waitlist lists exactly the waiting couples',
    );
    assert.equal(seats.filter((s) => s.state === 'joining').length, 0);
    assert.equal(holding.length + waiting.length, 30, 'ten left, thirty are in');
    assert.deepEqual(await svc().reconcileSeats(), { checked: 1, repaired: 0, skipped: 0 });
  });

  it('leaving promotes the first waitlisted couple with an offer it can accept', async () => {
    const ceremony = await openCeremony(t, officeId, { seats: 2 });
    const [a, b, c, d] = await Promise.all(
      ['09:00', '09:30', '10:00', '10:30'].map((s) => book(t, officeId, s)),
    );
    const id = ceremony._id.toString();
    for (const x of [a, b, c, d]) await svc().join(id, x!.appointment, { channel: 'online' });
    assert.equal((await seatOf(c!.appointment._id))!.state, 'waitlisted');

    await svc().leave(a!.appointment);
    const offered = await seatOf(c!.appointment._id);
    assert.equal(offered!.state, 'offered');
    // 24 hours from now, the ceremony's offer time.
    assert.equal(offered!.offerExpiresAt!.toISOString(), '2026-08-04T02:00:00.000Z');
    assert.equal((await seatOf(a!.appointment._id))!.state, 'left');
    assert.equal((await seatOf(d!.appointment._id))!.state, 'waitlisted');
    const stored = await CeremonyModel.findById(ceremony._id).lean();
    assert.equal(stored!.seatsTaken, 2, 'the offer holds the freed seat');
    assert.deepEqual(
      stored!.waitlist.map((e) => e.appointment.toString()),
      [d!.appointment._id.toString()],
    );
    const offer = events.find((e) => e.type === 'ceremony.offer');
    assert.ok(offer && offer.type === 'ceremony.offer');
    assert.equal(offer.appointmentId, c!.appointment._id.toString());
    assert.equal(offer.ceremony.hallName.en, 'Certificate Hall');
    assert.equal(offer.ceremony.startsAt.toISOString(), '2026-08-10T08:00:00.000Z');
    const left = events.find((e) => e.type === 'ceremony.left');
    assert.ok(left && left.type === 'ceremony.left' && left.reason === 'left');

    // A newcomer cannot jump the queue while the offer is open.
    const e = await book(t, officeId, '11:00');
    assert.equal((await svc().join(id, e.appointment, { channel: 'online' })).status, 'waitlisted');

    assert.deepEqual(await svc().accept(c!.appointment), { ceremonyId: id, status: 'seated' });
    assert.equal((await seatOf(c!.appointment._id))!.state, 'seated');
    assert.equal((await svc().standing(d!.appointment))!.position, 1);
  });

  it('an expired offer passes on to the next couple', async () => {
    const ceremony = await openCeremony(t, officeId, { seats: 1, offerHours: 2 });
    const id = ceremony._id.toString();
    const [a, b, c] = await Promise.all(['09:00', '09:30', '10:00'].map((s) => book(t, officeId, s)));
    for (const x of [a, b, c]) await svc().join(id, x!.appointment, { channel: 'online' });
    await svc().leave(a!.appointment);
    assert.equal((await seatOf(b!.appointment._id))!.state, 'offered');

    // One millisecond before the end of the offer nothing expires.
    assert.equal(await svc().expireOffers(new Date('2026-08-03T03:59:59.999Z')), 0);
    t.clock.set('2026-08-03T04:00:00.000Z');
    assert.equal(await svc().expireOffers(new Date('2026-08-03T04:00:00.000Z')), 1);
    const expired = await seatOf(b!.appointment._id);
    assert.equal(expired!.state, 'left');
    assert.equal(expired!.leftReason, 'offer_expired');
    const next = await seatOf(c!.appointment._id);
    assert.equal(next!.state, 'offered');
    assert.equal(next!.offerExpiresAt!.toISOString(), '2026-08-03T06:00:00.000Z');
    await assert.rejects(svc().accept(b!.appointment), {
      code: 'conflict',
      messageKey: 'ceremony.error.offer_gone',
    });
    assert.equal((await CeremonyModel.findById(id).lean())!.seatsTaken, 1);
    assert.ok(events.some((e) => e.type === 'ceremony.left' && e.reason === 'offer_expired'));
    // Running it again expires nothing more.
    assert.equal(await svc().expireOffers(new Date('2026-08-03T04:00:00.000Z')), 0);
  });

  it('cancelling the appointment releases the seat and says why', async () => {
    const ceremony = await openCeremony(t, officeId, { seats: 1 });
    const id = ceremony._id.toString();
    const a = await book(t, officeId, '09:00');
    const b = await book(t, officeId, '09:30');
    await svc().join(id, a.appointment, { channel: 'online' });
    await svc().join(id, b.appointment, { channel: 'online' });
    await t.container.services.booking.cancel(a.appointment._id, 'couple');
    await svc().whenIdle();
    const gone = await seatOf(a.appointment._id);
    assert.equal(gone!.state, 'left');
    assert.equal(gone!.leftReason, 'appointment_cancelled');
    assert.equal(gone!.activeAppointment, undefined);
    assert.equal((await seatOf(b.appointment._id))!.state, 'offered');
    const left = events.find((e) => e.type === 'ceremony.left');
    assert.ok(left && left.type === 'ceremony.left' && left.reason === 'appointment_cancelled');
    assert.equal(left.appointmentId, a.appointment._id.toString());
  });

  it('moving the appointment out of the rule takes the couple out; a move that keeps it does not', async () => {
    const ceremony = await openCeremony(t, officeId, { seats: 3 });
    const id = ceremony._id.toString();
    const a = await book(t, officeId, '09:00');
    await svc().join(id, a.appointment, { channel: 'online' });
    await t.container.services.booking.move(a.appointment._id, { date: '2026-08-10', start: '15:00' });
    await svc().whenIdle();
    assert.equal((await seatOf(a.appointment._id))!.state, 'seated', '15:00-15:30 still ends by 15:30');
    await t.container.services.booking.move(a.appointment._id, { date: '2026-08-10', start: '15:30' });
    await svc().whenIdle();
    const out = await seatOf(a.appointment._id);
    assert.equal(out!.state, 'left');
    assert.equal(out!.leftReason, 'appointment_moved');
    assert.equal((await CeremonyModel.findById(id).lean())!.seatsTaken, 0);
  });

  it('refuses a couple of another day or too late a slot with 422, a closed session with 409', async () => {
    const ceremony = await openCeremony(t, officeId);
    const id = ceremony._id.toString();
    const late = await book(t, officeId, '15:30');
    await assert.rejects(
      svc().join(id, late.appointment, { channel: 'online' }),
      (err: Error & { code?: string; params?: Record<string, unknown> }) => {
        assert.equal(err.code, 'not_eligible');
        assert.deepEqual(err.params, { latest: '15:30', start: '16:00', buffer: 30 });
        return true;
      },
    );
    const otherDay = await book(t, officeId, '09:00', '2026-08-11');
    await assert.rejects(svc().join(id, otherDay.appointment, { channel: 'online' }), {
      code: 'not_eligible',
      messageKey: 'ceremony.error.other_date',
    });
    await svc().setStatus(id, 'closed');
    const fine = await book(t, officeId, '09:00');
    await assert.rejects(svc().join(id, fine.appointment, { channel: 'online' }), {
      code: 'conflict',
      messageKey: 'ceremony.error.not_open',
    });
    assert.equal(await CeremonySeatModel.countDocuments(), 0, 'a refusal changes nothing');
  });

  it('a couple sits in one ceremony at a time', async () => {
    const morning = await openCeremony(t, officeId, { start: '12:30' });
    const afternoon = await openCeremony(t, officeId, { start: '17:30' });
    const a = await book(t, officeId, '09:00');
    await svc().join(morning._id.toString(), a.appointment, { channel: 'online' });
    await assert.rejects(svc().join(afternoon._id.toString(), a.appointment, { channel: 'online' }), {
      code: 'conflict',
      messageKey: 'ceremony.error.in_other',
    });
    await svc().leave(a.appointment);
    assert.equal(
      (await svc().join(afternoon._id.toString(), a.appointment, { channel: 'online' })).status,
      'seated',
    );
    // Coming back to the first one later revives its place document.
    await svc().leave(a.appointment);
    assert.equal(
      (await svc().join(morning._id.toString(), a.appointment, { channel: 'online' })).status,
      'seated',
    );
    assert.equal(await CeremonySeatModel.countDocuments({ appointment: a.appointment._id }), 2);
  });

  it('cancelling a ceremony tells every couple and frees every seat', async () => {
    const ceremony = await openCeremony(t, officeId, { seats: 1 });
    const id = ceremony._id.toString();
    const a = await book(t, officeId, '09:00');
    const b = await book(t, officeId, '09:30');
    await svc().join(id, a.appointment, { channel: 'online' });
    await svc().join(id, b.appointment, { channel: 'online' });
    await svc().cancel(id, 'staff-1');
    const stored = await CeremonyModel.findById(id).lean();
    assert.equal(stored!.status, 'cancelled');
    assert.equal(stored!.seatsTaken, 0);
    assert.equal(stored!.waitlist.length, 0);
    const seats = await CeremonySeatModel.find({ ceremony: id }).lean();
    assert.deepEqual(
      seats.map((s) => [s.state, s.leftReason]),
      [
        ['left', 'ceremony_cancelled'],
        ['left', 'ceremony_cancelled'],
      ],
    );
    const told = events.find((e) => e.type === 'ceremony.cancelled');
    assert.ok(told && told.type === 'ceremony.cancelled');
    assert.equal(told.reason, 'cancelled');
    assert.deepEqual(
      told.appointmentIds.sort(),
      [a.appointment._id.toString(), b.appointment._id.toString()].sort(),
    );
    await assert.rejects(svc().cancel(id), { code: 'conflict' });
  });

  it('at the deadline a ceremony below its minimum is cancelled, the others close', async () => {
    const small = await openCeremony(t, officeId, { minCouples: 2, start: '12:30' });
    const enough = await openCeremony(t, officeId, { minCouples: 1, start: '17:30' });
    const a = await book(t, officeId, '09:00');
    const b = await book(t, officeId, '09:30');
    await svc().join(small._id.toString(), a.appointment, { channel: 'online' });
    await svc().join(enough._id.toString(), b.appointment, { channel: 'online' });
    // Deadline: 9 August 17:00 in Chengdu = 09:00 UTC.
    assert.deepEqual(await svc().closeDueCeremonies(new Date('2026-08-09T08:59:59.999Z')), {
      closed: 0,
      cancelled: 0,
    });
    assert.deepEqual(await svc().closeDueCeremonies(new Date('2026-08-09T09:00:00.000Z')), {
      closed: 1,
      cancelled: 1,
    });
    assert.equal((await CeremonyModel.findById(small._id).lean())!.cancelReason, 'below_minimum');
    assert.equal((await CeremonyModel.findById(enough._id).lean())!.status, 'closed');
    const told = events.find((e) => e.type === 'ceremony.cancelled');
    assert.ok(told && told.type === 'ceremony.cancelled' && told.reason === 'below_minimum');
    assert.deepEqual(told.appointmentIds, [a.appointment._id.toString()]);
    assert.equal((await seatOf(a.appointment._id))!.leftReason, 'below_minimum');
    assert.deepEqual(await svc().closeDueCeremonies(new Date('2026-08-09T10:00:00.000Z')), {
      closed: 0,
      cancelled: 0,
    });
  });

  it('reconcileSeats repairs a drifted counter and a stray waitlist entry, then fills free seats', async () => {
    const ceremony = await openCeremony(t, officeId, { seats: 2 });
    const id = ceremony._id.toString();
    const [a, b, c] = await Promise.all(['09:00', '09:30', '10:00'].map((s) => book(t, officeId, s)));
    for (const x of [a, b, c]) await svc().join(id, x!.appointment, { channel: 'online' });
    // A crash between two steps: the counter says 5, and a waitlist entry points nowhere.
    await CeremonyModel.updateOne(
      { _id: id },
      {
        $set: { seatsTaken: 5 },
        $push: { waitlist: { appointment: a!.appointment._id, seat: a!.appointment._id, at: new Date() } },
      },
    );
    assert.deepEqual(await svc().reconcileSeats(), { checked: 1, repaired: 1, skipped: 0 });
    const stored = await CeremonyModel.findById(id).lean();
    assert.equal(stored!.seatsTaken, 2);
    assert.deepEqual(
      stored!.waitlist.map((e) => e.appointment.toString()),
      [c!.appointment._id.toString()],
    );
    // Lost counts the other way round: the freed seat goes to the waitlist's head as an offer.
    await CeremonyModel.updateOne({ _id: id }, { $set: { seatsTaken: 1 } });
    assert.deepEqual(await svc().reconcileSeats(), { checked: 1, repaired: 1, skipped: 0 });
    assert.equal((await CeremonyModel.findById(id).lean())!.seatsTaken, 2);
    assert.equal((await seatOf(c!.appointment._id))!.state, 'waitlisted', 'nothing was really free');
    assert.deepEqual(await svc().reconcileSeats(), { checked: 1, repaired: 0, skipped: 0 });
  });

  it('raising the seats offers them to the waitlist; lowering below the seated is refused', async () => {
    const ceremony = await openCeremony(t, officeId, { seats: 1, minCouples: 1 });
    const id = ceremony._id.toString();
    const [a, b] = await Promise.all(['09:00', '09:30'].map((s) => book(t, officeId, s)));
    for (const x of [a, b]) await svc().join(id, x!.appointment, { channel: 'online' });
    await svc().update(id, ceremonyInput({ seats: 2, minCouples: 1 }));
    assert.equal((await seatOf(b!.appointment._id))!.state, 'offered');
    await assert.rejects(
      svc().update(id, ceremonyInput({ seats: 1, minCouples: 1 })),
      (err: Error & { code?: string; fields?: Record<string, unknown> }) => {
        assert.equal(err.code, 'invalid');
        assert.deepEqual(err.fields, {
          seats: { key: 'ceremony.error.seats_below_taken', params: { taken: 2 } },
        });
        return true;
      },
    );
    await assert.rejects(svc().update(id, ceremonyInput({ seats: 2, minCouples: 1, start: '09:15' })), {
      code: 'conflict',
      messageKey: 'ceremony.error.time_breaks',
    });
  });
});
