import assert from 'node:assert/strict';
import request from 'supertest';
import { commitment } from '../../src/domain/lottery.ts';
import { LotteryApplicationModel } from '../../src/models/lottery-application.model.ts';
import { couple } from '../helpers/ids.ts';
import { buildTestApp, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { DAY, DRAW, lotteryOffice, NOW } from './lottery-support.ts';

describe('lottery JSON API', () => {
  let t: TestApp;
  let officeId: string;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    officeId = (await lotteryOffice(t))._id.toString();
  });

  const body = (c = couple(), preference: unknown = { kind: 'morning' }) => ({
    officeId,
    date: DAY,
    partners: c.partners,
    email: c.email,
    language: 'en',
    preference,
  });

  it('applies, answers a retry with the same application, and shows the status with the token', async () => {
    const payload = body();
    const key = 'lottery-api-key-0001';
    const created = await request(t.app)
      .post('/api/v1/lottery/applications')
      .set('Idempotency-Key', key)
      .send(payload)
      .expect(201);
    assert.match(created.body.reference, /^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    assert.equal(created.body.status, 'applied');
    assert.equal(created.body.phase, 'open');
    assert.deepEqual(created.body.preference, { kind: 'morning' });
    assert.match(created.body.statusToken, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(created.body.statusPath, `/lottery/a/${created.body.statusToken}`);
    assert.match(created.body.partners[0].idNumber, /^\d{4}\*+\d{3}[\dX]$/);

    const again = await request(t.app)
      .post('/api/v1/lottery/applications')
      .set('Idempotency-Key', key)
      .send(payload)
      .expect(200);
    assert.equal(again.body.reference, created.body.reference);
    assert.equal(await LotteryApplicationModel.countDocuments(), 1);

    const read = await request(t.app)
      .get(`/api/v1/lottery/applications/${created.body.reference}`)
      .set('Authorization', `Bearer ${created.body.statusToken}`)
      .expect(200);
    assert.equal(read.headers['cache-control'], 'no-store');
    assert.equal(read.body.reference, created.body.reference);
    await request(t.app)
      .get(`/api/v1/lottery/applications/${created.body.reference}`)
      .set('Authorization', `Bearer ${'x'.repeat(43)}`)
      .expect(404);
  });

  it('answers 422 with field messages in the requested language, and 409 for a second application', async () => {
    const bad = await request(t.app)
      .post('/api/v1/lottery/applications')
      .set('Accept-Language', 'en')
      .send(body(couple(), { kind: 'ranked', starts: ['10:00'] }))
      .expect(422);
    assert.equal(bad.body.error.code, 'invalid');
    assert.match(bad.body.error.fields.preference, /not a slot of this day/);
    const c = couple();
    await request(t.app).post('/api/v1/lottery/applications').send(body(c)).expect(201);
    const twice = await request(t.app).post('/api/v1/lottery/applications').send(body(c)).expect(409);
    assert.equal(twice.body.error.code, 'already_booked');
  });

  it('publishes the commitment before the draw, and seed, list and winners after it', async () => {
    const created = await request(t.app).post('/api/v1/lottery/applications').send(body()).expect(201);
    const before = await request(t.app).get(`/api/v1/offices/${officeId}/days/${DAY}/lottery`).expect(200);
    assert.equal(before.body.phase, 'open');
    assert.match(before.body.commitment, /^[0-9a-f]{64}$/);
    assert.equal(before.body.seed, undefined);
    assert.equal(before.body.applications, undefined);
    assert.equal(before.body.applicationsCloseAt, '2026-08-10T09:00:00.000Z');

    t.clock.set(DRAW);
    await t.container.services.lottery.runDueDraws(new Date(DRAW));
    const after = await request(t.app).get(`/api/v1/offices/${officeId}/days/${DAY}/lottery`).expect(200);
    assert.equal(after.body.phase, 'drawn');
    assert.equal(commitment(after.body.seed), before.body.commitment);
    assert.deepEqual(after.body.applications, [
      { reference: created.body.reference, preference: { kind: 'morning' } },
    ]);
    assert.equal(after.body.winners.length, 1);

    const won = await request(t.app)
      .get(`/api/v1/lottery/applications/${created.body.reference}`)
      .set('Authorization', `Bearer ${created.body.statusToken}`)
      .expect(200);
    assert.equal(won.body.status, 'offered');
    assert.equal(won.body.confirmBy, '2026-08-12T02:00:00.000Z');
    const confirmed = await request(t.app)
      .post(`/api/v1/lottery/applications/${created.body.reference}/confirm`)
      .set('Authorization', `Bearer ${created.body.statusToken}`)
      .expect(200);
    assert.equal(confirmed.body.status, 'confirmed');
    assert.match(confirmed.body.manageToken, /^[A-Za-z0-9_-]{43}$/);
    // The manage token opens the appointment like any booking's.
    const appointment = await request(t.app)
      .get(`/api/v1/appointments/${confirmed.body.appointmentReference}`)
      .set('Authorization', `Bearer ${confirmed.body.manageToken}`)
      .expect(200);
    assert.equal(appointment.body.date, DAY);
    assert.ok(appointment.body.start < '12:00', 'a morning slot, as preferred');
  });

  it('refuses a date that is not a lottery day', async () => {
    const res = await request(t.app).get(`/api/v1/offices/${officeId}/days/2026-08-20/lottery`).expect(404);
    assert.equal(res.body.error.code, 'not_found');
    await request(t.app)
      .post('/api/v1/lottery/applications')
      .send({ ...body(), date: '2026-08-20' })
      .expect(404);
  });
});
