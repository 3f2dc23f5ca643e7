// The confirmation page a couple sees after booking: what it says, in both languages, and that
// pages opened at the same moment (a rush's bookings share their reads) each show their own
// booking, their own lottery application held and their own ceremony seat.
import assert from 'node:assert/strict';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { buildTestApp, createOffice, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { book, NOW, openCeremony } from './ceremony-fixtures.ts';
import { apply, lotteryOffice } from './lottery-support.ts';

const BASE_URL = 'http://localhost:3000';

async function confirmation(t: TestApp, token: string, lang?: 'en') {
  const res = await request(t.app)
    .get(`/booking/${token}/confirmation${lang ? `?lang=${lang}` : ''}`)
    .expect(200);
  return cheerio.load(res.text);
}

describe('the confirmation page', () => {
  let t: TestApp;
  let officeId: string;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    officeId = (await createOffice())._id.toString();
  });

  it('shows the reference, the time, the office and the private link, in Chinese by default', async () => {
    const booked = await book(t, officeId, '09:30');
    const $ = await confirmation(t, booked.manageToken);
    assert.equal($('html').attr('lang'), 'zh-CN');
    assert.match($('h1').text(), /预约成功/);
    assert.equal($('.big-reference').text().trim(), booked.appointment.reference);
    assert.equal($('dd.reference').text().trim(), booked.appointment.reference);
    assert.match($('.summary-list').text(), /2026年8月10日 周一 09:30–10:00/);
    assert.match($('.summary-list').text(), /锦江区婚姻登记处/);
    assert.match($('.status').text(), /已预约/);
    const manage = `/booking/${booked.manageToken}`;
    assert.equal($('a.manage-link').attr('href'), manage);
    assert.equal($('a.manage-link').text().trim(), `${BASE_URL}${manage}`);
    assert.equal($(`a[href="${manage}/calendar.ics"]`).length, 1);
    assert.match($('.card').text(), new RegExp(booked.couple.email));
    assert.match($('.summary-list').text(), new RegExp(booked.couple.partners[0]!.name));
  });

  it('shows the same in English', async () => {
    const booked = await book(t, officeId, '14:00');
    const $ = await confirmation(t, booked.manageToken, 'en');
    assert.equal($('html').attr('lang'), 'en');
    assert.match($('h1').text(), /You are booked/);
    assert.equal($('.big-reference').text().trim(), booked.appointment.reference);
    assert.match($('.summary-list').text(), /Mon 10 Aug 2026 14:00–14:30/);
    assert.match($('.summary-list').text(), /Jinjiang District Marriage Registry/);
    const manage = `/booking/${booked.manageToken}`;
    assert.equal($('a.manage-link').attr('href'), manage);
    assert.equal($('a.manage-link').text().trim(), `${BASE_URL}${manage}`);
  });

  it('pages opened together each show their own booking; a wrong link among them is not found', async () => {
    const starts = ['09:00', '09:30', '10:00', '13:30', '16:30'];
    const booked = await Promise.all(starts.map((start) => book(t, officeId, start)));
    const [pages, missing] = await Promise.all([
      Promise.all(booked.map((b, i) => confirmation(t, b.manageToken, i % 2 ? 'en' : undefined))),
      request(t.app).get(`/booking/${'x'.repeat(43)}/confirmation`),
    ]);
    assert.equal(missing.status, 404);
    pages.forEach(($, i) => {
      const b = booked[i]!;
      assert.equal($('.big-reference').text().trim(), b.appointment.reference);
      assert.equal($('a.manage-link').attr('href'), `/booking/${b.manageToken}`);
      assert.match($('.summary-list').text(), new RegExp(`${starts[i]}–`));
      assert.match($('.summary-list').text(), new RegExp(b.couple.partners[1]!.name));
    });
  });

  it('pages opened together each show their own ceremony seat', async () => {
    const ceremony = await openCeremony(t, officeId);
    const [seated, other] = await Promise.all([book(t, officeId, '09:00'), book(t, officeId, '10:00')]);
    await t.container.services.ceremonies.join(ceremony._id.toString(), seated.appointment, {
      channel: 'online',
    });
    const [$seated, $other] = await Promise.all([
      confirmation(t, seated.manageToken),
      confirmation(t, other.manageToken),
    ]);
    assert.equal($seated('#ceremony .ceremony-state').attr('data-state'), 'seated');
    assert.equal($seated('.ceremony-option').length, 0);
    assert.equal($other('#ceremony .ceremony-state').length, 0);
    assert.equal($other(`.ceremony-option[data-ceremony="${ceremony._id}"]`).length, 1);
  });
});

describe('confirmation pages opened together, a lottery application held by one couple', () => {
  it('warns the couple holding it, and only that couple', async () => {
    await resetDatabase();
    const t = await buildTestApp({ now: NOW });
    const officeId = (await lotteryOffice(t))._id.toString();
    const applied = await apply(t, officeId);
    const bookOn = (c: typeof applied.couple, start: string) =>
      t.container.services.booking.book({ officeId, date: '2026-08-12', start, ...c, channel: 'online' });
    const holder = await bookOn(applied.couple, '09:00');
    const other = await book(t, officeId, '09:30', '2026-08-12');
    const [$holder, $other] = await Promise.all([
      confirmation(t, holder.manageToken),
      confirmation(t, other.manageToken),
    ]);
    assert.match($holder('.held-lottery').text(), new RegExp(applied.application.reference));
    assert.equal($other('.held-lottery').length, 0);
  });
});
