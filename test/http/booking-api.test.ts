import assert from 'node:assert/strict';
import request from 'supertest';
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { DayPlanModel } from '../../src/models/day-plan.model.ts';
import { SlotModel } from '../../src/models/slot.model.ts';
import { couple } from '../helpers/ids.ts';
import { buildTestApp, createOffice, resetDatabase, type TestApp } from '../helpers/test-app.ts';

const NOW = '2026-08-03T02:00:00.000Z'; // Mon 10:00 in Chengdu
const DAY = '2026-08-10';

describe('JSON API v1', () => {
  let t: TestApp;
  let officeId: string;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    officeId = (await createOffice())._id.toString();
  });

  const book = (body: object, key?: string) => {
    const req = request(t.app).post('/api/v1/appointments');
    if (key) req.set('Idempotency-Key', key);
    return req.send(body);
  };

  it('lists offices with id, name and timezone', async () => {
    const res = await request(t.app).get('/api/v1/offices').expect(200);
    assert.equal(res.body.length, 1);
    assert.deepEqual(Object.keys(res.body[0]).slice(0, 4), ['id', 'slug', 'name', 'timezone']);
    assert.equal(res.body[0].id, officeId);
    assert.equal(res.body[0].timezone, 'Asia/Shanghai');
  });

  it('reports availability per day and slot', async () => {
    await DayPlanModel.create({
      office: officeId,
      date: '2026-08-19',
      kind: 'peak',
      label: { zh: '七夕', en: 'Qixi' },
      extraWindows: 2,
      bookingOpensAt: new Date('2026-08-12T01:00:00Z'),
    });
    const res = await request(t.app)
      .get(`/api/v1/offices/${officeId}/availability?from=2026-08-08&to=2026-08-19`)
      .expect(200);
    const days = res.body.days as {
      date: string;
      status: string;
      peak: unknown;
      bookingOpensAt?: string;
      slots: unknown[];
    }[];
    assert.equal(days.length, 12);
    assert.equal(days[0]!.status, 'closed');
    assert.deepEqual(days[0]!.slots, []);
    const monday = days.find((d) => d.date === DAY)!;
    assert.equal(monday.status, 'open');
    assert.equal(monday.peak, null);
    assert.deepEqual(monday.slots[0], { start: '09:00', end: '09:30', capacity: 12, remaining: 12 });
    const qixi = days.find((d) => d.date === '2026-08-19')!;
    assert.equal(qixi.status, 'not_yet_open');
    assert.deepEqual(qixi.peak, { label: '七夕' });
    assert.equal(qixi.bookingOpensAt, '2026-08-12T01:00:00.000Z');
    assert.equal((qixi.slots[0] as { capacity: number }).capacity, 18);
  });

  it('creates, reads and cancels an appointment with the manage token', async () => {
    const c = couple();
    const created = await book({ officeId, date: DAY, start: '09:30', ...c }).expect(201);
    assert.match(created.body.reference, /^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    assert.match(created.body.manageToken, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(created.body.startsAt, '2026-08-10T01:30:00.000Z');
    const ref = created.body.reference as string;
    const auth = `Bearer ${created.body.manageToken}`;
    await request(t.app).get(`/api/v1/appointments/${ref}`).expect(404);
    await request(t.app).get(`/api/v1/appointments/${ref}`).set('Authorization', 'Bearer nope').expect(404);
    const read = await request(t.app)
      .get(`/api/v1/appointments/${ref}`)
      .set('Authorization', auth)
      .expect(200);
    assert.equal(read.body.status, 'booked');
    assert.match(read.body.partners[0].idNumber, /^\d{4}\*{10}[\dX]{4}$/);
    const cancelled = await request(t.app)
      .post(`/api/v1/appointments/${ref}/cancel`)
      .set('Authorization', auth)
      .expect(200);
    assert.equal(cancelled.body.status, 'cancelled');
    const again = await request(t.app)
      .post(`/api/v1/appointments/${ref}/cancel`)
      .set('Authorization', auth)
      .expect(409);
    assert.equal(again.body.error.code, 'conflict');
  });

  it('answers 422 invalid with field messages, in the requested language', async () => {
    const c = couple();
    c.partners[0]!.idNumber = '123';
    const zh = await book({ officeId, date: DAY, start: '09:00', ...c }).expect(422);
    assert.equal(zh.body.error.code, 'invalid');
    assert.match(zh.body.error.fields['partners.0.idNumber'], /格式不正确|校验位/);
    const en = await request(t.app)
      .post('/api/v1/appointments')
      .set('Accept-Language', 'en')
      .send({ officeId, date: DAY, start: '09:00', ...c, partners: [c.partners[0]] })
      .expect(422);
    assert.match(en.body.error.fields.partners, /both partners/);
    // The language switch of the pages, remembered in its cookie, holds for the API too.
    const switched = await request(t.app)
      .post('/api/v1/appointments')
      .set('Cookie', 'visitor=abc; lang=en')
      .send({ officeId, date: DAY, start: '09:00', ...c, partners: [c.partners[0]] })
      .expect(422);
    assert.match(switched.body.error.fields.partners, /both partners/);
    const malformed = await request(t.app)
      .post('/api/v1/appointments')
      .set('Content-Type', 'application/json')
      .send('{"oops"')
      .expect(400);
    assert.equal(malformed.body.error.code, 'bad_request');
    assert.equal(await AppointmentModel.countDocuments(), 0);
  });

  it('answers 409 slot_full and 409 already_booked', async () => {
    await SlotModel.create({
      office: officeId,
      date: DAY,
      start: '11:00',
      end: '11:30',
      startsAt: new Date('2026-08-10T03:00:00Z'),
      endsAt: new Date('2026-08-10T03:30:00Z'),
      capacity: 1,
      booked: 0,
      remaining: 1,
    });
    const first = couple();
    await book({ officeId, date: DAY, start: '11:00', ...first }).expect(201);
    const full = await book({ officeId, date: DAY, start: '11:00', ...couple() }).expect(409);
    assert.equal(full.body.error.code, 'slot_full');
    const dup = await book({ officeId, date: DAY, start: '09:00', ...first }).expect(409);
    assert.equal(dup.body.error.code, 'already_booked');
  });

  it('enforces the booking window in the office zone, at its edges', async () => {
    // Cutoff: 17:00 the day before, Chengdu time = 09:00 UTC on 9 August.
    t.clock.set('2026-08-09T08:59:59.000Z');
    await book({ officeId, date: DAY, start: '09:00', ...couple() }).expect(201);
    t.clock.set('2026-08-09T09:00:00.000Z');
    const late = await book({ officeId, date: DAY, start: '09:00', ...couple() }).expect(422);
    assert.equal(late.body.error.code, 'booking_closed');
    // Opening: 30 days ahead at 00:00 Chengdu time. 9 Sep opens at 00:00 on 10 Aug = 16:00 UTC on 9 Aug.
    t.clock.set('2026-08-09T15:59:59.000Z');
    const early = await book({ officeId, date: '2026-09-09', start: '09:00', ...couple() }).expect(422);
    assert.equal(early.body.error.code, 'booking_not_open');
    assert.match(early.body.error.message, /2026-08-10 00:00/);
  });

  it('a retried request with the same Idempotency-Key creates one appointment', async () => {
    const c = couple();
    const key = 'retry-key-0123456789abcdef';
    const a = await book({ officeId, date: DAY, start: '09:00', ...c }, key).expect(201);
    const b = await book({ officeId, date: DAY, start: '09:00', ...c }, key).expect(200);
    assert.equal(a.body.reference, b.body.reference);
    assert.equal(a.body.manageToken, b.body.manageToken);
    assert.equal(await AppointmentModel.countDocuments(), 1);
  });

  it('300 concurrent bookings on a slot of 7 give exactly 7 bookings and 293 slot_full', async function () {
    this.timeout(120_000);
    await SlotModel.create({
      office: officeId,
      date: DAY,
      start: '14:00',
      end: '14:30',
      startsAt: new Date('2026-08-10T06:00:00Z'),
      endsAt: new Date('2026-08-10T06:30:00Z'),
      capacity: 7,
      booked: 0,
      remaining: 7,
    });
    const server = t.app.listen(0);
    try {
      const results = await Promise.all(
        Array.from({ length: 300 }, () =>
          request(server)
            .post('/api/v1/appointments')
            .send({ officeId, date: DAY, start: '14:00', ...couple() }),
        ),
      );
      const statuses = results.map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 201).length, 7);
      assert.equal(results.filter((r) => r.status === 409 && r.body.error.code === 'slot_full').length, 293);
    } finally {
      server.close();
    }
    const slot = await SlotModel.findOne({ date: DAY, start: '14:00' }).lean();
    const active = await AppointmentModel.countDocuments({ date: DAY, start: '14:00', status: 'booked' });
    assert.equal(active, 7);
    assert.equal(slot!.booked, 7);
    assert.equal(slot!.remaining, 0);
  });

  it('blocks a person after repeated no-shows; an idempotency key is still answered first', async () => {
    const c = couple();
    const created = await book({ officeId, date: DAY, start: '09:00', ...c }, 'noshow-key-000000001').expect(
      201,
    );
    const ref = created.body.reference;
    const original = await AppointmentModel.findOne({ reference: ref }).lean();
    await AppointmentModel.updateOne(
      { reference: ref },
      { $set: { status: 'no_show', noShowAt: new Date('2026-08-01T03:00:00Z') } },
    );
    const clones = [1, 2].map((i) => ({
      ...original,
      _id: undefined,
      idempotencyKey: undefined,
      reference: `NOSH-0${i}AA`,
      manageTokenHash: `hash-${i}`,
      status: 'no_show',
      noShowAt: new Date(`2026-07-2${i}T03:00:00Z`),
    }));
    await AppointmentModel.insertMany(clones);
    await (await import('../../src/models/person-hold.model.ts')).PersonHoldModel.deleteMany({});
    const blocked = await book({ officeId, date: '2026-08-11', start: '09:00', ...c }).expect(422);
    assert.equal(blocked.body.error.code, 'no_show_blocked');
    assert.match(blocked.body.error.message, /2026-08-31/);
    // The key's booking answers before the no-show refusal: its own retry gets it back; the key
    // of another couple's booking is a conflict, whatever the no-show records say.
    const retry = await book({ officeId, date: DAY, start: '09:00', ...c }, 'noshow-key-000000001').expect(
      200,
    );
    assert.equal(retry.body.reference, ref);
    await book({ officeId, date: DAY, start: '10:00', ...couple() }, 'noshow-key-000000002').expect(201);
    const other = await book({ officeId, date: '2026-08-11', start: '09:00', ...c }, 'noshow-key-000000002');
    assert.equal(other.status, 409);
    assert.equal(other.body.error.code, 'conflict');
  });
});
