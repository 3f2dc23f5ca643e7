// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright locators, not DOM nodes: innerText is the text a person sees.
// Journeys on a phone with texts: a couple books Qixi, a day that asks for a verified phone,
// with the code texted to the contact phone (with JavaScript: the "send code" button asks the
// API); then, without JavaScript, finds its booking by ID number, phone and a code on the
// look-up page. The codes are read from the development outbox, where texts go without a
// provider. Each step is photographed at phone size.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { DayPlanModel } from '../../src/models/day-plan.model.ts';
import { launchBrowser, overflowsHorizontally, shot, watchProblems } from '../helpers/browser.ts';
import { couple } from '../helpers/ids.ts';
import { type RunningServer, startTestServer } from '../helpers/server.ts';
import { resetDatabase } from '../helpers/test-app.ts';
import { codeTextedTo } from '../helpers/texted-code.ts';
import { NOW, officeWithQixi, QIXI } from './fixtures.ts';

describe('browser: a verified phone on Qixi', function () {
  this.timeout(90_000);
  let server: RunningServer;

  beforeEach(async () => {
    await resetDatabase();
    server = await startTestServer({ now: NOW });
    const office = await officeWithQixi();
    await DayPlanModel.updateOne(
      { office: office._id, date: QIXI },
      { $set: { requireVerifiedPhone: true } },
    );
  });
  afterEach(async () => {
    await server?.close();
  });

  async function snap(page: Page, journey: string, label: string) {
    await shot(page, journey, label);
    assert.equal(await overflowsHorizontally(page), false, `${label}: the page scrolls sideways on a phone`);
  }

  it('books Qixi with the code texted to the contact phone (JavaScript on)', async () => {
    const phone = await launchBrowser({ baseURL: server.url, locale: 'zh-CN', javaScriptEnabled: true });
    const { page } = phone;
    const problems = watchProblems(page);
    const c = couple();
    try {
      await page.goto(`/offices/jinjiang/days/${QIXI}/book?start=09:00`);
      for (const [i, p] of c.partners.entries()) {
        await page.fill(`#p${i}-name`, p.name);
        await page.fill(`#p${i}-idNumber`, p.idNumber);
        await page.fill(`#p${i}-phone`, p.phone);
      }
      await page.check('input[name=contactPartner][value="1"]');
      await snap(page, 'verified-booking', '01-form-filled');
      await page.locator('button[data-send-code]').click();
      await page.locator('[data-send-code-status]:not([hidden])').waitFor();
      assert.match(await page.locator('[data-send-code-status]').innerText(), /验证码已发出/);
      await snap(page, 'verified-booking', '02-code-sent');
      const code = await codeTextedTo(c.partners[1]!.phone, 5_000);
      await page.fill('#verificationCode', code);
      await Promise.all([
        page.waitForURL('**/confirmation'),
        page.locator('button[type=submit].primary').click(),
      ]);
      const stored = await AppointmentModel.findOne().lean();
      assert.equal(stored?.date, QIXI);
      assert.equal(stored?.email, '', 'booked without an e-mail');
      assert.equal(stored?.contactPartner, 1);
      await snap(page, 'verified-booking', '03-confirmation');
      assert.deepEqual(problems, []);
    } finally {
      await phone.close();
    }
  });

  it('finds the booking by ID number, phone and a code (JavaScript off)', async () => {
    const c = couple();
    const made = await server.container.services.booking.book({
      officeId: (await AppointmentModel.db.collection('offices').findOne({}))!._id.toString(),
      date: QIXI,
      start: '10:00',
      partners: c.partners,
      language: 'zh-CN',
      channel: 'staff',
    });
    const phone = await launchBrowser({ baseURL: server.url, locale: 'zh-CN', javaScriptEnabled: false });
    const { page } = phone;
    try {
      await page.goto('/lookup');
      await page.fill('#lp-who', c.partners[0]!.idNumber);
      await page.fill('#lp-phone', c.partners[0]!.phone);
      await snap(page, 'lookup-by-phone', '01-step1');
      await page.locator('#lookup-phone-form button.primary').click();
      await page.locator('#lp-code').waitFor();
      await snap(page, 'lookup-by-phone', '02-step2');
      await page.fill('#lp-code', await codeTextedTo(c.partners[0]!.phone, 5_000));
      await page.locator('#lookup-phone-form button.primary').click();
      const item = page.locator(`#found-bookings [data-reference="${made.appointment.reference}"]`);
      await item.waitFor();
      await snap(page, 'lookup-by-phone', '03-found');
      await Promise.all([page.waitForURL('**/booking/r'), item.locator('a').click()]);
      assert.match(await page.locator('body').innerText(), new RegExp(made.appointment.reference));
      await snap(page, 'lookup-by-phone', '04-manage');
    } finally {
      await phone.close();
    }
  });
});
