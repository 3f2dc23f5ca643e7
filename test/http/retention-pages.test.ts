// What people see of a booking whose personal data the retention policy erased: the couple's
// manage page, the look-up by reference and the API say so and reveal nothing; the staff
// roster, its CSV and the appointment page still list and count it; administrators read the
// policy, the next run and what the last one erased at /staff/retention.
import assert from 'node:assert/strict';
import request from 'supertest';
import { browser } from '../helpers/forms.ts';
import { couple } from '../helpers/ids.ts';
import { buildTestApp, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { createWorld, NOW, signIn, type World } from './staff-fixtures.ts';

/** Wednesday 5 August 2026, two days after NOW. */
const DAY = '2026-08-05';
/** 181 days after DAY, 10:00 in Chengdu. */
const LATER = '2027-02-02T02:00:00.000Z';
const ERASED = '已按规定删除个人信息';

describe('pages of a booking whose personal data was erased', () => {
  let t: TestApp;
  let w: World;
  let booked: { reference: string; id: string; token: string; c: ReturnType<typeof couple> };

  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    w = await createWorld();
    const c = couple();
    const served = await t.container.services.booking.book({
      officeId: w.officeA,
      date: DAY,
      start: '09:00',
      partners: c.partners,
      email: c.email,
      language: 'zh-CN',
      channel: 'staff',
    });
    const { appointment } = served;
    booked = {
      reference: appointment.reference,
      id: appointment._id.toString(),
      token: served.manageToken,
      c,
    };
    // Served on the day: the roster's counts and the export show its status.
    t.clock.set('2026-08-05T01:05:00.000Z');
    await t.container.services.dayOps.checkIn(appointment._id, 'test');
    await t.container.services.dayOps.serve(appointment._id, 'test');
    t.clock.set(LATER);
    await t.container.services.retention.run();
  });

  const personal = () => [booked.c.email, ...booked.c.partners.flatMap((p) => [p.name, p.phone, p.idNumber])];
  // A phone's last four digits are shown as a number of their own ("尾号 1401", "****1401");
  // inside a run of letters and digits (an office's id, a CSRF token, an asset's hash) the same
  // four digits occur by chance, about once in a few hundred pages, and reveal nothing.
  const lastFourShown = (text: string, digits: string) =>
    new RegExp(`(?<![0-9A-Za-z])${digits}(?![0-9A-Za-z])`).test(text);
  const assertNothingPersonal = (text: string) => {
    for (const value of personal()) assert.ok(!text.includes(value), `reveals ${value}`);
    for (const p of booked.c.partners) {
      const digits = p.phone.slice(-4);
      assert.ok(!lastFourShown(text, digits), `reveals the phone's last four digits ${digits}`);
    }
  };

  it('the manage link says the data was erased, and shows no name, phone or e-mail', async () => {
    const res = await request(t.app).get(`/booking/${booked.token}`).expect(200);
    assert.match(res.text, new RegExp(ERASED));
    assert.match(res.text, new RegExp(booked.reference));
    assertNothingPersonal(res.text);
    const en = await request(t.app).get(`/booking/${booked.token}?lang=en`).expect(200);
    assert.match(en.text, /Personal data erased under the retention policy/);
  });

  it('the look-up by reference and phone digits no longer opens it', async () => {
    const b = browser(t.app);
    const csrf = await b.csrfFrom('/lookup');
    const found = await b.post('/lookup', {
      _csrf: csrf,
      reference: booked.reference,
      phoneLast4: booked.c.partners[0]!.phone.slice(-4),
    });
    assert.equal(found.res.status, 404);
    const cookies = ([] as string[]).concat(found.res.headers['set-cookie'] ?? []);
    assert.ok(!cookies.some((c) => c.startsWith('appt=')), 'no access cookie');
    assertNothingPersonal(found.res.text);
    const api = await request(t.app)
      .get(`/api/v1/appointments/${booked.reference}`)
      .set('Authorization', `Bearer ${booked.token}`)
      .expect(200);
    assert.equal(api.body.erasedAt, LATER);
    assert.equal(api.body.status, 'served');
    assert.deepEqual(Object.keys(api.body.partners[0]).sort(), ['idNumber', 'idType']);
    assertNothingPersonal(api.text);
  });

  it('staff still see, count and export it, marked as erased', async () => {
    const b = await signIn(t, 'registrar-a@example.com');
    const roster = await b.get(`/staff/offices/${w.officeA}/roster?date=${DAY}`);
    assert.equal(roster.res.status, 200);
    assert.match(roster.$('.entry-names').text(), new RegExp(ERASED));
    assert.match(roster.res.text, new RegExp(booked.reference));
    assert.equal(roster.$('[data-count=served] b').text(), '1', 'the roster still counts it');
    assertNothingPersonal(roster.res.text);
    const csv = await b.agent.get(`/staff/offices/${w.officeA}/roster.csv?date=${DAY}`).expect(200);
    const line = csv.text.split('\r\n').find((l) => l.includes(booked.reference));
    assert.ok(line, 'the erased booking is a row of the export');
    assert.match(line, new RegExp(`${DAY}.*09:00-09:30.*已办结.*${ERASED}.*5101\\*+\\d{3}[\\dX].*${ERASED}`));
    assertNothingPersonal(csv.text);
    const page = await b.get(`/staff/appointments/${booked.id}`);
    assert.equal(page.res.status, 200);
    assert.match(page.res.text, new RegExp(ERASED));
    assertNothingPersonal(page.res.text);
  });

  it('administrators read the policy, the next run and what the last run erased', async () => {
    const admin = await signIn(t, 'admin@example.com');
    const page = await admin.get('/staff/retention');
    assert.equal(page.res.status, 200);
    assert.match(page.$('[data-field=days]').text(), /180 天/);
    // Nightly at 04:00 Beijing time: the next after 10:00 on 2 February is 3 February.
    assert.match(page.$('[data-field=next-run]').text(), /2027年2月3日.*04:00/);
    assert.match(page.$('[data-field=last-run]').text(), /2027年2月2日.*10:00/);
    assert.equal(page.$('[data-count=appointments] td').text(), '1');
    assert.equal(page.$('[data-count=personHolds] td').text(), '0');
    assert.match(page.$('.staff-nav').text(), /个人信息保存/);
    const registrar = await signIn(t, 'registrar-a@example.com');
    assert.equal((await registrar.get('/staff/retention')).res.status, 403);
    assert.doesNotMatch((await registrar.get('/staff')).$('.staff-nav').text(), /个人信息保存/);
  });
});
