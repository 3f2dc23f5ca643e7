import assert from 'node:assert/strict';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { PersonHoldModel } from '../../src/models/person-hold.model.ts';
import { SlotModel } from '../../src/models/slot.model.ts';
import { browser, formFields } from '../helpers/forms.ts';
import { couple, residentId } from '../helpers/ids.ts';
import { buildTestApp, createOffice, resetDatabase, type TestApp } from '../helpers/test-app.ts';

// Monday 3 August 2026, 10:00 in Chengdu (02:00 UTC). The test process runs in another TZ.
const NOW = '2026-08-03T02:00:00.000Z';
const DAY = '2026-08-10';
const BOOK_PATH = `/offices/jinjiang/days/${DAY}/book`;

async function bookViaForm(t: TestApp, c = couple(), start = '09:00', lang?: string) {
  const b = browser(t.app);
  const path = `${BOOK_PATH}?start=${start}${lang ? `&lang=${lang}` : ''}`;
  const { $ } = await b.get(path);
  const form = {
    _csrf: $('input[name=_csrf]').val(),
    idempotencyKey: $('input[name=idempotencyKey]').val(),
    start,
    ...formFields({ partners: c.partners }),
    email: c.email,
    language: c.language,
  };
  const posted = await b.post(`${BOOK_PATH}`, form);
  return { b, form, posted };
}

describe('booking journey (web pages)', () => {
  let t: TestApp;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    await createOffice();
  });

  it('lists offices in Chinese by default and in English after the switch', async () => {
    const zh = await request(t.app).get('/').expect(200);
    const $ = cheerio.load(zh.text);
    assert.equal($('html').attr('lang'), 'zh-CN');
    assert.match($('.office-card h3').text(), /锦江区婚姻登记处/);
    const agent = request.agent(t.app);
    const en = await agent.get('/?lang=en').expect(200);
    assert.equal(cheerio.load(en.text)('html').attr('lang'), 'en');
    assert.match(en.text, /Jinjiang District Marriage Registry/);
    const again = await agent.get('/').expect(200);
    assert.equal(cheerio.load(again.text)('html').attr('lang'), 'en', 'the choice is remembered');
  });

  it('shows the month calendar with open, closed and not-yet-bookable days', async () => {
    const res = await request(t.app).get('/offices/jinjiang?month=2026-09').expect(200);
    const $ = cheerio.load(res.text);
    assert.ok($('td[data-date="2026-09-01"]').hasClass('day-open'), '1 Sep (29 days ahead) is open');
    assert.ok($('td[data-date="2026-09-05"]').hasClass('day-closed'), 'Saturday is closed');
    assert.ok($('td[data-date="2026-09-07"]').hasClass('day-not_yet_open'), '7 Sep is beyond 30 days');
    assert.match($('td[data-date="2026-09-01"] .day-status').text(), /余 156/);
  });

  it('shows a day with its slots and places left', async () => {
    const res = await request(t.app).get(`/offices/jinjiang/days/${DAY}`).expect(200);
    const $ = cheerio.load(res.text);
    assert.equal($('.slot').length, 13);
    assert.match($('.slot').first().text(), /09:00–09:30/);
    assert.match($('.slot').first().text(), /剩余 12 个名额/);
  });

  it('says when booking for a day closed, in the office zone', async () => {
    // Today (3 Aug) closed the day before at the office's cut-off time, 17:00 in Chengdu.
    const zh = await request(t.app).get('/offices/jinjiang/days/2026-08-03').expect(200);
    assert.match(cheerio.load(zh.text)('.day-state').text(), /已截止 · 截止于 2026年8月2日 周日 17:00/);
    const en = await request(t.app).get('/offices/jinjiang/days/2026-08-03?lang=en').expect(200);
    assert.match(cheerio.load(en.text)('.day-state').text(), /Booking closed · since Sun 2 Aug 2026 17:00/);
    const month = await request(t.app).get('/offices/jinjiang?month=2026-08&lang=en').expect(200);
    assert.equal(cheerio.load(month.text)('td[data-date="2026-08-03"] .day-status').text(), 'Ended');
  });

  it('books both partners, confirms in Chinese, stores masked IDs and takes one place', async () => {
    const c = couple();
    const { posted } = await bookViaForm(t, c);
    assert.equal(posted.res.status, 303);
    const location = posted.res.headers.location as string;
    assert.match(location, /^\/booking\/[A-Za-z0-9_-]{43}\/confirmation$/);

    const stored = await AppointmentModel.find().lean();
    assert.equal(stored.length, 1);
    const a = stored[0]!;
    assert.equal(a.status, 'booked');
    assert.equal(a.start, '09:00');
    assert.equal(a.startsAt.toISOString(), '2026-08-10T01:00:00.000Z');
    assert.match(a.reference, /^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const id0 = c.partners[0]!.idNumber;
    assert.equal(a.partners[0]!.idMasked, `${id0.slice(0, 4)}**********${id0.slice(-4)}`);
    assert.ok(!JSON.stringify(a).includes(id0), 'the clear ID number is never stored');
    assert.equal(await PersonHoldModel.countDocuments(), 2);
    const slot = await SlotModel.findOne({ date: DAY, start: '09:00' }).lean();
    assert.equal(slot!.booked, 1);
    assert.equal(slot!.remaining, 11);

    const page = await request(t.app).get(location).expect(200);
    const $ = cheerio.load(page.text);
    assert.equal($('.big-reference').text().trim(), a.reference);
    assert.match($('h1').text(), /预约成功/);
    assert.match(page.text, /双方身份证原件/);
    assert.ok(!page.text.includes(id0));
    assert.ok($(`a[href$="/calendar.ics"]`).length > 0);
  });

  it('books in English when the couple switched language', async () => {
    const c = couple({ language: 'en' });
    const { b, posted } = await bookViaForm(t, c, '10:00', 'en');
    assert.equal(posted.res.status, 303);
    const page = await b.agent.get(posted.res.headers.location as string).expect(200);
    assert.match(cheerio.load(page.text)('h1').text(), /You are booked/);
    const a = await AppointmentModel.findOne().lean();
    assert.equal(a!.language, 'en');
  });

  it('rejects a wrong check character, an under-age partner and a bad phone, field by field, and writes nothing', async () => {
    const c = couple();
    const goodId = c.partners[0]!.idNumber;
    c.partners[0]!.idNumber = goodId.slice(0, 17) + (goodId.endsWith('1') ? '2' : '1');
    c.partners[1]!.idNumber = residentId('2007-01-01', 'female', 3);
    c.partners[1]!.phone = '12345';
    const { posted } = await bookViaForm(t, c);
    assert.equal(posted.res.status, 422);
    const $ = posted.$;
    assert.match($('#partners-0-idNumber-error').text(), /校验位不正确/);
    assert.match($('#partners-1-idNumber-error').text(), /未达法定婚龄（20 周岁）/);
    assert.match($('#partners-1-phone-error').text(), /有效的手机号码/);
    assert.equal($('input[name="partners[0][name]"]').val(), c.partners[0]!.name, 'what was typed is kept');
    assert.equal(await AppointmentModel.countDocuments(), 0);
    assert.equal(await PersonHoldModel.countDocuments(), 0);
    const slot = await SlotModel.findOne({ date: DAY, start: '09:00' }).lean();
    assert.ok(!slot || slot.booked === 0);
  });

  it('rejects the same person as both partners', async () => {
    const c = couple();
    c.partners[1]!.idNumber = c.partners[0]!.idNumber.toLowerCase();
    const { posted } = await bookViaForm(t, c);
    assert.equal(posted.res.status, 422);
    assert.match(posted.$('#partners-1-idNumber-error').text(), /双方证件号码相同/);
  });

  it('a retried submission (same idempotency key) creates one booking and shows the same confirmation', async () => {
    const c = couple();
    const { b, form, posted } = await bookViaForm(t, c);
    const again = await b.post(BOOK_PATH, form);
    assert.equal(again.res.status, 303);
    assert.equal(again.res.headers.location, posted.res.headers.location);
    assert.equal(await AppointmentModel.countDocuments(), 1);
    const slot = await SlotModel.findOne({ date: DAY, start: '09:00' }).lean();
    assert.equal(slot!.booked, 1);
  });

  it('one person cannot hold two active bookings', async () => {
    const c = couple();
    await bookViaForm(t, c, '09:00');
    const other = couple();
    other.partners[1] = c.partners[1]!;
    const { posted } = await bookViaForm(t, other, '10:00');
    assert.equal(posted.res.status, 409);
    assert.match(posted.$('.flash-error').text(), /已有一个有效预约/);
    assert.equal(await AppointmentModel.countDocuments(), 1);
    const slot = await SlotModel.findOne({ date: DAY, start: '10:00' }).lean();
    assert.equal(slot!.booked, 0, 'the place taken for the failed booking was given back');
  });

  it('refuses a form without a CSRF token', async () => {
    const c = couple();
    const res = await request(t.app)
      .post(BOOK_PATH)
      .type('form')
      .send({ start: '09:00', ...formFields({ partners: c.partners }), email: c.email, language: 'zh-CN' });
    assert.equal(res.status, 403);
    assert.match(res.text, /页面已过期/);
    assert.equal(await AppointmentModel.countDocuments(), 0);
  });

  it('manages a booking: calendar file, cancel frees the place', async () => {
    const { b, posted } = await bookViaForm(t, couple());
    const base = (posted.res.headers.location as string).replace('/confirmation', '');
    const ics = await b.agent.get(`${base}/calendar.ics`).expect(200);
    assert.match(ics.headers['content-type']!, /text\/calendar/);
    assert.match(ics.text, /BEGIN:VEVENT/);
    assert.match(ics.text, /DTSTART:20260810T010000Z/);
    const manage = await b.get(base);
    const token = manage.$('form[action$="/cancel"] input[name=_csrf]').val();
    const cancelled = await b.post(`${base}/cancel`, { _csrf: token });
    assert.equal(cancelled.res.status, 303);
    const after = await b.get(base);
    assert.match(after.$('.flash').text(), /预约已取消/);
    assert.match(after.$('.status').text(), /已取消/);
    const slot = await SlotModel.findOne({ date: DAY, start: '09:00' }).lean();
    assert.equal(slot!.booked, 0);
    assert.equal(slot!.remaining, 12);
    assert.equal(await PersonHoldModel.countDocuments(), 0, 'both partners may book again');
  });

  it('moves a booking: the new place is taken, the old one released; a full target changes nothing', async () => {
    const { b, posted } = await bookViaForm(t, couple(), '09:00');
    const base = (posted.res.headers.location as string).replace('/confirmation', '');
    const page = await b.get(`${base}/move?date=2026-08-11`);
    const form = page.$('form[action$="/move"][method=post]').first();
    assert.equal(form.find('input[name=start]').val(), '09:00');
    const moved = await b.post(`${base}/move`, {
      _csrf: form.find('input[name=_csrf]').val(),
      date: '2026-08-11',
      start: '09:00',
    });
    assert.equal(moved.res.status, 303);
    const a = await AppointmentModel.findOne().lean();
    assert.equal(a!.date, '2026-08-11');
    assert.equal((await SlotModel.findOne({ date: DAY, start: '09:00' }).lean())!.booked, 0);
    assert.equal((await SlotModel.findOne({ date: '2026-08-11', start: '09:00' }).lean())!.booked, 1);

    const officeId = (await AppointmentModel.findOne().lean())!.office;
    await SlotModel.create({
      office: officeId,
      date: '2026-08-12',
      start: '09:00',
      end: '09:30',
      startsAt: new Date('2026-08-12T01:00:00Z'),
      endsAt: new Date('2026-08-12T01:30:00Z'),
      capacity: 12,
      booked: 12,
      remaining: 0,
    });
    const fullDay = await b.get(`${base}/move?date=2026-08-12`);
    const token = fullDay.$('input[name=_csrf]').first().val();
    const refused = await b.post(`${base}/move`, { _csrf: token, date: '2026-08-12', start: '09:00' });
    assert.equal(refused.res.status, 303);
    const shown = await b.get(refused.res.headers.location as string);
    assert.match(shown.$('.flash-error').text(), /名额已满/);
    const still = await AppointmentModel.findOne().lean();
    assert.equal(still!.date, '2026-08-11', 'nothing changed');
    assert.equal((await SlotModel.findOne({ date: '2026-08-11', start: '09:00' }).lean())!.booked, 1);
  });

  it('finds a booking by reference and the last four phone digits', async () => {
    const c = couple();
    await bookViaForm(t, c);
    const a = await AppointmentModel.findOne().lean();
    const b = browser(t.app);
    const token = await b.csrfFrom('/lookup');
    const wrong = await b.post('/lookup', { _csrf: token, reference: a!.reference, phoneLast4: '0000' });
    assert.equal(wrong.res.status, 404);
    const ok = await b.post('/lookup', {
      _csrf: token,
      reference: a!.reference.replace('-', '').toLowerCase(),
      phoneLast4: c.partners[1]!.phone.slice(-4),
    });
    assert.equal(ok.res.status, 303);
    const page = await b.get(ok.res.headers.location as string);
    assert.equal(page.res.status, 200);
    assert.match(page.$('.reference').text(), new RegExp(a!.reference));
  });

  it('answers an unknown page with a localized 404', async () => {
    const res = await request(t.app).get('/no/such/page').expect(404);
    assert.match(res.text, /页面不存在/);
    const en = await request(t.app).get('/no/such/page?lang=en').expect(404);
    assert.match(en.text, /does not exist/);
  });
});
