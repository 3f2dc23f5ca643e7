import assert from 'node:assert/strict';
import request from 'supertest';
import { CeremonySeatModel } from '../../src/models/ceremony-seat.model.ts';
import { buildTestApp, createOffice, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { book, ceremonyInput, NOW, openCeremony } from './ceremony-fixtures.ts';

describe('ceremonies in the JSON API v1', () => {
  let t: TestApp;
  let officeId: string;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    officeId = (await createOffice())._id.toString();
  });

  const join = (reference: string, token: string | null, body: object) => {
    const req = request(t.app).post(`/api/v1/appointments/${reference}/ceremony`);
    if (token) req.set('Authorization', `Bearer ${token}`);
    return req.send(body);
  };

  it('lists an office’s ceremonies in a range with seats left, drafts never', async () => {
    const open = await openCeremony(t, officeId, { seats: 7 });
    await t.container.services.ceremonies.create(officeId, ceremonyInput({ date: '2026-08-11' }), {
      status: 'draft',
    });
    const a = await book(t, officeId, '09:00');
    await t.container.services.ceremonies.join(open._id.toString(), a.appointment, { channel: 'online' });
    const res = await request(t.app)
      .get(`/api/v1/offices/${officeId}/ceremonies?from=2026-08-01&to=2026-08-31`)
      .expect(200);
    assert.equal(res.body.length, 1);
    const c = res.body[0];
    assert.deepEqual(
      { id: c.id, date: c.date, start: c.start, end: c.end, seats: c.seats, seatsLeft: c.seatsLeft },
      { id: open._id.toString(), date: '2026-08-10', start: '16:00', end: '16:45', seats: 7, seatsLeft: 6 },
    );
    assert.equal(c.startsAt, '2026-08-10T08:00:00.000Z');
    assert.equal(c.status, 'open');
    assert.equal(c.signupOpen, true);
    assert.equal(c.signupDeadline, '2026-08-09T09:00:00.000Z');
    assert.equal(c.latestSlotEnd, '15:30');
    assert.equal(c.title, '集体颁证仪式');
    assert.ok(!JSON.stringify(res.body).includes(a.couple.partners[0]!.name), 'no couple is named');
    const en = await request(t.app)
      .get(`/api/v1/offices/${officeId}/ceremonies?from=2026-08-01&to=2026-08-31`)
      .set('Accept-Language', 'en')
      .expect(200);
    assert.equal(en.body[0].hall, 'Certificate Hall');
    const none = await request(t.app)
      .get(`/api/v1/offices/${officeId}/ceremonies?from=2026-09-01&to=2026-09-30`)
      .expect(200);
    assert.deepEqual(none.body, []);
    const bad = await request(t.app)
      .get(`/api/v1/offices/${officeId}/ceremonies?from=2026-08-31&to=2026-08-01`)
      .expect(422);
    assert.equal(bad.body.error.code, 'invalid');
    await request(t.app)
      .get(`/api/v1/offices/${officeId}/ceremonies?from=2026-01-01&to=2026-12-31`)
      .expect(422);
    await request(t.app).get(`/api/v1/offices/${officeId}/ceremonies`).expect(422);
  });

  it('joins with the manage token: seated, then waitlisted with a position, then leaves', async () => {
    const ceremony = await openCeremony(t, officeId, { seats: 1 });
    const ceremonyId = ceremony._id.toString();
    const a = await book(t, officeId, '09:00');
    const b = await book(t, officeId, '09:30');
    const seated = await join(a.appointment.reference, a.manageToken, { ceremonyId }).expect(200);
    assert.deepEqual(seated.body, { ceremonyId, status: 'seated' });
    const waiting = await join(b.appointment.reference, b.manageToken, { ceremonyId }).expect(200);
    assert.deepEqual(waiting.body, { ceremonyId, status: 'waitlisted', position: 1 });
    const standing = await request(t.app)
      .get(`/api/v1/appointments/${b.appointment.reference}/ceremony`)
      .set('Authorization', `Bearer ${b.manageToken}`)
      .expect(200);
    assert.deepEqual(standing.body, { ceremonyId, status: 'waitlisted', position: 1 });

    const left = await request(t.app)
      .delete(`/api/v1/appointments/${a.appointment.reference}/ceremony`)
      .set('Authorization', `Bearer ${a.manageToken}`)
      .expect(200);
    assert.deepEqual(left.body, { ceremonyId, status: 'left' });
    const offered = await request(t.app)
      .get(`/api/v1/appointments/${b.appointment.reference}/ceremony`)
      .set('Authorization', `Bearer ${b.manageToken}`)
      .expect(200);
    assert.equal(offered.body.status, 'offered');
    assert.equal(offered.body.offerExpiresAt, '2026-08-04T02:00:00.000Z');
    // Posting again accepts the offered seat.
    const accepted = await join(b.appointment.reference, b.manageToken, { ceremonyId }).expect(200);
    assert.deepEqual(accepted.body, { ceremonyId, status: 'seated' });
    const notIn = await request(t.app)
      .delete(`/api/v1/appointments/${a.appointment.reference}/ceremony`)
      .set('Authorization', `Bearer ${a.manageToken}`)
      .expect(404);
    assert.equal(notIn.body.error.code, 'not_found');
  });

  it('answers 422 not_eligible and 409 conflict with a reason, and 404 without the token', async () => {
    const ceremony = await openCeremony(t, officeId);
    const ceremonyId = ceremony._id.toString();
    const late = await book(t, officeId, '15:30');
    const tooLate = await join(late.appointment.reference, late.manageToken, { ceremonyId }).expect(422);
    assert.equal(tooLate.body.error.code, 'not_eligible');
    assert.match(tooLate.body.error.message, /15:30/);
    const en = await join(late.appointment.reference, late.manageToken, { ceremonyId })
      .set('Accept-Language', 'en')
      .expect(422);
    assert.match(en.body.error.message, /must end by 15:30/);

    const a = await book(t, officeId, '09:00');
    await join(a.appointment.reference, null, { ceremonyId }).expect(404);
    await join(a.appointment.reference, late.manageToken, { ceremonyId }).expect(404);
    const malformed = await join(a.appointment.reference, a.manageToken, { ceremonyId: 'nope' }).expect(422);
    assert.equal(malformed.body.error.code, 'invalid');
    await join(a.appointment.reference, a.manageToken, { ceremonyId: '0123456789abcdef01234567' }).expect(
      404,
    );

    t.clock.set('2026-08-09T09:00:00.000Z');
    const closed = await join(a.appointment.reference, a.manageToken, { ceremonyId }).expect(409);
    assert.equal(closed.body.error.code, 'conflict');
    assert.equal(closed.body.error.message, '报名已截止。');
    assert.equal(await CeremonySeatModel.countDocuments(), 0);
  });
});
