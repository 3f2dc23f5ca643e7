// Nothing is lost silently: a move keeps the couple's ceremony seat when the new slot still
// fits the ceremony; otherwise the move page says so before the tap and the couple ticks to
// agree (the API asks for giveUpCeremony: true). Cancelling warns about the seat; after it,
// no stale ceremony notice and a link to book again. The calendar file lists a seat.
import assert from 'node:assert/strict';
import type { Types } from 'mongoose';
import request from 'supertest';
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { CeremonySeatModel } from '../../src/models/ceremony-seat.model.ts';
import { browser } from '../helpers/forms.ts';
import { buildTestApp, createOffice, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { book, DAY, NOW, openCeremony } from './ceremony-fixtures.ts';

describe('a ceremony seat when the booking changes', () => {
  let t: TestApp;
  let officeId: string;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    officeId = (await createOffice())._id.toString();
  });

  /** A couple booked at 09:00 and seated in the 16:00 ceremony (slots must end by 15:30). */
  async function seated() {
    const ceremony = await openCeremony(t, officeId);
    const a = await book(t, officeId, '09:00');
    await t.container.services.ceremonies.join(ceremony._id.toString(), a.appointment, { channel: 'online' });
    const base = `/booking/${a.manageToken}`;
    return { ceremony, a, base, b: browser(t.app) };
  }

  const seatState = async (appointment: Types.ObjectId) =>
    (await CeremonySeatModel.findOne({ appointment }).lean())?.state;

  it('the move page says, slot by slot, which keep the seat and which give it up, before the tap', async () => {
    const { base, b } = await seated();
    const { $ } = await b.get(`${base}/move?date=${DAY}`);
    const form = (start: string) => $(`form.move-form:has(input[name=start][value="${start}"])`);
    assert.equal(form('10:00').attr('data-seat'), 'keeps');
    assert.match(form('10:00').find('.seat-kept').text(), /座位保留/);
    assert.equal(form('15:00').attr('data-seat'), 'keeps', '15:00–15:30 ends in time');
    assert.equal(form('15:30').attr('data-seat'), 'loses');
    assert.match(form('15:30').find('.seat-warning').text(), /放弃集体颁证仪式的座位/);
    const tick = form('15:30').find('input[type=checkbox][name=giveUpCeremony]');
    assert.equal(tick.attr('value'), 'yes');
    assert.notEqual(tick.attr('required'), undefined, 'the browser asks for the tick before sending');
    const en = await b.get(`${base}/move?date=${DAY}&lang=en`);
    assert.match(
      en.$('form.move-form[data-seat=loses] .seat-warning').first().text(),
      /gives up your ceremony seat/,
    );
  });

  it('a move to a slot that still fits keeps the seat', async () => {
    const { a, base, b } = await seated();
    const token = await b.csrfFrom(`${base}/move?date=${DAY}`);
    const moved = await b.post(`${base}/move`, { _csrf: token, date: DAY, start: '10:00' });
    assert.equal(moved.res.status, 303);
    await t.container.services.ceremonies.whenIdle();
    assert.equal((await AppointmentModel.findById(a.appointment._id).lean())!.start, '10:00');
    assert.equal(await seatState(a.appointment._id), 'seated');
  });

  it('a move that gives up the seat is refused without the tick, and done with it', async () => {
    const { a, base, b } = await seated();
    const token = await b.csrfFrom(`${base}/move?date=${DAY}`);
    const refused = await b.post(`${base}/move`, { _csrf: token, date: DAY, start: '15:30' });
    assert.equal(refused.res.status, 303);
    const shown = await b.get(refused.res.headers.location as string);
    assert.match(shown.$('.flash-error').text(), /请勾选确认/);
    assert.equal(
      (await AppointmentModel.findById(a.appointment._id).lean())!.start,
      '09:00',
      'nothing changed',
    );
    assert.equal(await seatState(a.appointment._id), 'seated');

    const agreed = await b.post(`${base}/move`, {
      _csrf: token,
      date: DAY,
      start: '15:30',
      giveUpCeremony: 'yes',
    });
    assert.equal(agreed.res.status, 303);
    await t.container.services.ceremonies.whenIdle();
    assert.equal((await AppointmentModel.findById(a.appointment._id).lean())!.start, '15:30');
    assert.equal(await seatState(a.appointment._id), 'left');
  });

  it('the API refuses such a move with 409 unless giveUpCeremony is true', async () => {
    const { a } = await seated();
    const path = `/api/v1/appointments/${a.appointment.reference}/move`;
    const auth = `Bearer ${a.manageToken}`;
    const refused = await request(t.app)
      .post(path)
      .set('Authorization', auth)
      .set('Accept-Language', 'en')
      .send({ date: DAY, start: '15:30' })
      .expect(409);
    assert.equal(refused.body.error.code, 'conflict');
    assert.match(refused.body.error.message, /giveUpCeremony: true/);
    await request(t.app)
      .post(path)
      .set('Authorization', auth)
      .send({ date: DAY, start: '10:00' })
      .expect(200);
    await request(t.app)
      .post(path)
      .set('Authorization', auth)
      .send({ date: DAY, start: '15:30', giveUpCeremony: true })
      .expect(200);
  });

  it('cancelling warns about the seat; afterwards no ceremony notice and a link to book again', async () => {
    const { base, b } = await seated();
    const manage = await b.get(base);
    assert.match(manage.$('.seat-cancel-warning').text(), /取消预约将同时放弃仪式座位/);
    assert.match(manage.$('form[action$="/cancel"]').attr('data-confirm') ?? '', /放弃仪式座位/);
    const token = manage.$('input[name=_csrf]').first().val() as string;
    const cancelled = await b.post(`${base}/cancel`, { _csrf: token });
    assert.equal(cancelled.res.status, 303);
    await t.container.services.ceremonies.whenIdle();
    const after = await b.get(base);
    assert.equal(
      after.$('.ceremony-section, #ceremony-heading, .ceremony-option').length,
      0,
      'no stale ceremony notice',
    );
    assert.match(after.$('.ceremony-left').text(), /因预约已取消/, 'only why the seat went');
    assert.equal(after.$('.book-again a').attr('href'), '/offices/jinjiang');
    const confirmation = await b.get(`${base}/confirmation`);
    assert.equal(confirmation.$('.ceremony-section').length, 0);
  });

  it('the booking page tells the truth before the change is handled: a cancelled booking shows its seat given up', async () => {
    const { a, base, b } = await seated();
    // Cancelled by another process: this one has not handled the event yet.
    await AppointmentModel.updateOne({ _id: a.appointment._id }, { $set: { status: 'cancelled' } });
    const page = await b.get(base);
    assert.equal(page.res.status, 200);
    assert.equal(await seatState(a.appointment._id), 'left');
    assert.match(page.$('.ceremony-left').text(), /因预约已取消/);
    assert.equal(page.$('.ceremony-section').length, 0, 'no seat shown as kept');
  });

  it('the calendar file lists the ceremony of a seated couple, and only then', async () => {
    const { a, base } = await seated();
    const ics = await request(t.app).get(`${base}/calendar.ics`).expect(200);
    const events = ics.text.split('BEGIN:VEVENT').length - 1;
    assert.equal(events, 2);
    assert.match(ics.text, /SUMMARY:集体颁证仪式/);
    assert.match(ics.text, /DTSTART:20260810T080000Z/, 'the ceremony at 16:00 in Chengdu');
    assert.match(ics.text, /LOCATION:二楼颁证大厅/);

    await t.container.services.ceremonies.leave(a.appointment);
    const without = await request(t.app).get(`${base}/calendar.ics`).expect(200);
    assert.equal(without.text.split('BEGIN:VEVENT').length - 1, 1);
  });
});
