// Verification codes over HTTP: the API's answer, what is stored, the attempt and resend
// rules, expiry with a moved clock, the booking and lottery refusals on a day that asks for a
// verified phone, e-mail left out, and finding one's bookings by phone on the look-up page.
// Codes are read where a person would read them: the development outbox.
import assert from 'node:assert/strict';
import request from 'supertest';
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { DayPlanModel } from '../../src/models/day-plan.model.ts';
import { SlotModel } from '../../src/models/slot.model.ts';
import { VerificationModel } from '../../src/models/verification-code.model.ts';
import { browser, formFields } from '../helpers/forms.ts';
import { couple } from '../helpers/ids.ts';
import { buildTestApp, createOffice, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { codeTextedTo } from '../helpers/texted-code.ts';
import { fullNineOClock, verifiedDay } from '../helpers/verified-day.ts';

const NOW = '2026-08-03T02:00:00.000Z'; // Mon 10:00 in Chengdu
const DAY = '2026-08-10';

describe('verification codes (HTTP)', () => {
  let t: TestApp;
  let officeId: string;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    officeId = (await createOffice())._id.toString();
    await verifiedDay(officeId, DAY);
  });

  const ask = (phone: string, purpose = 'booking') =>
    request(t.app).post('/api/v1/verification-codes').send({ phone, purpose });
  const book = (body: object) => request(t.app).post('/api/v1/appointments').send(body);

  it('answers 202 the same whether or not the phone is known, and stores only a hash', async () => {
    const c = couple();
    await book({ officeId, date: '2026-08-11', start: '09:00', ...c }).expect(201);
    const known = await ask(c.partners[0]!.phone).expect(202);
    const unknown = await ask('13700000001').expect(202);
    assert.deepEqual(known.body, unknown.body);
    assert.deepEqual(known.body, { status: 'accepted', expiresInSeconds: 300, resendAfterSeconds: 60 });
    const code = await codeTextedTo(c.partners[0]!.phone);
    const stored = await VerificationModel.findById(`phone:${c.partners[0]!.phone}`).lean();
    assert.ok(stored?.codes?.booking?.hash);
    assert.match(stored.codes.booking.hash, /^[0-9a-f]{64}$/);
    assert.ok(!JSON.stringify(stored).includes(code), 'the code itself is stored');
  });

  it('refuses a badly formed request with 422 naming the field', async () => {
    const res = await ask('12345').expect(422);
    assert.ok(res.body.error.fields.phone);
    const purpose = await request(t.app)
      .post('/api/v1/verification-codes')
      .send({ phone: '13800000000', purpose: 'other' })
      .expect(422);
    assert.ok(purpose.body.error.fields.purpose);
  });

  it('sends a new code to a phone only after 60 seconds', async () => {
    await ask('13700000002').expect(202);
    const again = await ask('13700000002').expect(429);
    assert.equal(again.body.error.code, 'rate_limited');
    assert.equal(again.headers['retry-after'], '60');
    t.clock.advance(61_000);
    await ask('13700000002').expect(202);
  });

  it('refuses a booking on a verified day without a code, or with a wrong one (422, verificationCode)', async () => {
    const c = couple();
    const missing = await book({ officeId, date: DAY, start: '09:00', ...c }).expect(422);
    assert.ok(missing.body.error.fields.verificationCode);
    assert.match(missing.body.error.message, /验证码/);
    await ask(c.partners[0]!.phone).expect(202);
    const right = await codeTextedTo(c.partners[0]!.phone);
    const wrong = right === '000000' ? '000001' : '000000';
    const refused = await book({ officeId, date: DAY, start: '09:00', ...c, verificationCode: wrong }).expect(
      422,
    );
    assert.equal(refused.body.error.fields.verificationCode, '验证码不正确，请核对后重新输入。');
    const english = await request(t.app)
      .post('/api/v1/appointments')
      .set('Accept-Language', 'en')
      .send({ officeId, date: DAY, start: '09:00', ...c, verificationCode: wrong })
      .expect(422);
    assert.match(english.body.error.fields.verificationCode, /not right/);
    assert.equal(await AppointmentModel.countDocuments(), 0);
    await book({ officeId, date: DAY, start: '09:00', ...c, verificationCode: right }).expect(201);
  });

  it('keeps the code of a booking that found its slot full, for the slot the couple picks next', async () => {
    await fullNineOClock(officeId, DAY);
    const c = couple();
    await ask(c.partners[0]!.phone).expect(202);
    const code = await codeTextedTo(c.partners[0]!.phone);
    const full = await book({ officeId, date: DAY, start: '09:00', ...c, verificationCode: code }).expect(
      409,
    );
    assert.equal(full.body.error.code, 'slot_full');
    assert.ok(full.body.error.alternatives?.length, 'other slots are offered');
    // Answered from the memory of full slots this time: the same code is still given back.
    await book({ officeId, date: DAY, start: '09:00', ...c, verificationCode: code }).expect(409);
    await book({ officeId, date: DAY, start: '09:30', ...c, verificationCode: code }).expect(201);
    const spent = await book({ officeId, date: DAY, start: '10:00', ...couple(), verificationCode: code });
    assert.equal(spent.status, 422, 'a code books once');
  });

  it('spends a code on one booking only, however many couples send it at once, and keeps no place for the others', async () => {
    const phone = couple().partners[0]!.phone;
    // Several couples giving the same contact phone, all sending its one code at the same moment.
    const couples = Array.from({ length: 4 }, () => {
      const c = couple();
      c.partners[0]!.phone = phone;
      return c;
    });
    await ask(phone).expect(202);
    const code = await codeTextedTo(phone);
    const answers = await Promise.all(
      couples.map((c, i) =>
        book({ officeId, date: DAY, start: i % 2 ? '09:00' : '09:30', ...c, verificationCode: code }),
      ),
    );
    assert.deepEqual(answers.map((a) => a.status).sort(), [201, 422, 422, 422]);
    for (const refused of answers.filter((a) => a.status === 422))
      assert.ok(refused.body.error.fields.verificationCode, 'refused for its code');
    const slots = await SlotModel.find({ office: officeId, date: DAY }).lean();
    const booked = await AppointmentModel.countDocuments({ office: officeId, date: DAY, status: 'booked' });
    assert.equal(booked, 1);
    assert.equal(
      slots.reduce((n, s) => n + s.booked, 0),
      1,
      'the places taken by the refused bookings were given back',
    );
  });

  it('allows five attempts at a code, then asks for a new one', async () => {
    const c = couple();
    await ask(c.partners[0]!.phone).expect(202);
    const right = await codeTextedTo(c.partners[0]!.phone);
    const wrong = right === '000000' ? '000001' : '000000';
    for (let i = 0; i < 5; i++)
      await book({ officeId, date: DAY, start: '09:00', ...c, verificationCode: wrong }).expect(422);
    const spent = await book({ officeId, date: DAY, start: '09:00', ...c, verificationCode: right }).expect(
      422,
    );
    assert.match(spent.body.error.fields.verificationCode, /失效/);
    const stored = await VerificationModel.findById(`phone:${c.partners[0]!.phone}`).lean();
    assert.equal(stored?.codes?.booking?.attempts, 5);
  });

  it('lets a code expire after five minutes', async () => {
    const c = couple();
    await ask(c.partners[0]!.phone).expect(202);
    const code = await codeTextedTo(c.partners[0]!.phone);
    t.clock.advance(5 * 60_000 + 1_000);
    const res = await book({ officeId, date: DAY, start: '09:00', ...c, verificationCode: code }).expect(422);
    assert.match(res.body.error.fields.verificationCode, /失效/);
  });

  it("checks the second partner's phone when the couple chose it, and books without an e-mail", async () => {
    const { email: _e, ...c } = couple();
    const second = c.partners[1]!.phone;
    await ask(second).expect(202);
    const code = await codeTextedTo(second);
    const res = await book({
      officeId,
      date: DAY,
      start: '09:00',
      ...c,
      contactPartner: 1,
      verificationCode: code,
    }).expect(201);
    const stored = await AppointmentModel.findOne({ reference: res.body.reference }).lean();
    assert.equal(stored?.email, '');
    assert.equal(stored?.contactPartner, 1);
  });

  it('asks no code on a day that does not require one, nor when the day turns it off', async () => {
    await book({ officeId, date: '2026-08-11', start: '09:00', ...couple() }).expect(201);
    await DayPlanModel.updateOne({ office: officeId, date: DAY }, { $set: { requireVerifiedPhone: false } });
    await book({ officeId, date: DAY, start: '09:00', ...couple() }).expect(201);
  });

  it('the booking form sends a code without JavaScript and books with it', async () => {
    const c = couple();
    const b = browser(t.app);
    const path = `/offices/jinjiang/days/${DAY}/book`;
    const { $ } = await b.get(`${path}?start=09:00`);
    assert.equal($('input[name=verificationCode]').length, 1);
    assert.equal($('button[data-send-code]').attr('name'), 'sendCode');
    const form = {
      _csrf: $('input[name=_csrf]').val(),
      idempotencyKey: $('input[name=idempotencyKey]').val(),
      start: '09:00',
      ...formFields({ partners: c.partners }),
      language: 'zh-CN',
      contactPartner: '0',
    };
    const sent = await b.post(path, { ...form, sendCode: '1' });
    assert.equal(sent.res.status, 200);
    assert.equal(sent.$('[data-code-sent]').length, 1);
    assert.equal(sent.$('input[name="partners[0][name]"]').val(), c.partners[0]!.name);
    assert.equal(await AppointmentModel.countDocuments(), 0);
    const refused = await b.post(path, form);
    assert.equal(refused.res.status, 422);
    assert.ok(refused.$('#verificationCode-error').text());
    const code = await codeTextedTo(c.partners[0]!.phone);
    const booked = await b.post(path, { ...form, verificationCode: code });
    assert.equal(booked.res.status, 303);
    assert.equal(await AppointmentModel.countDocuments(), 1);
  });

  it('finds a person’s active bookings by ID number, phone and a code on the look-up page', async () => {
    const c = couple();
    const made = await book({ officeId, date: '2026-08-11', start: '09:00', ...c }).expect(201);
    const b = browser(t.app);
    const token = await b.csrfFrom('/lookup');
    const who = c.partners[1]!.idNumber;
    const phone = c.partners[1]!.phone;
    const step1 = await b.post('/lookup/phone/code', { _csrf: token, who, phone });
    assert.equal(step1.res.status, 200);
    assert.equal(step1.$('#lp-code').length, 1);
    const wrong = await b.post('/lookup/phone', { _csrf: token, who, phone, code: '000000' });
    assert.equal(wrong.res.status, 404);
    assert.equal(wrong.$('#found-bookings').length, 0);
    await b.post('/lookup/phone/code', { _csrf: token, who, phone }); // too soon: the old code stays
    t.clock.advance(61_000);
    await b.post('/lookup/phone/code', { _csrf: token, who, phone });
    const code = await codeTextedTo(phone);
    const found = await b.post('/lookup/phone', { _csrf: token, who, phone, code });
    assert.equal(found.res.status, 200);
    const item = found.$(`#found-bookings [data-reference="${made.body.reference}"]`);
    assert.equal(item.length, 1);
    const link = item.find('a').attr('href')!;
    assert.match(link, /^\/m\/[A-Za-z0-9_-]{12}$/);
    const opened = await b.agent.get(link).expect(303);
    assert.equal(opened.headers.location, '/booking/r');
    const manage = await b.agent.get('/booking/r').expect(200);
    assert.ok(manage.text.includes(made.body.reference));
  });

  it('a short link that is not one opens nothing', async () => {
    await request(t.app).get('/m/AAAAAAAAAAAA').expect(404);
    await request(t.app).get('/m/short').expect(404);
  });
});
