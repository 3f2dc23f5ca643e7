// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright locators, not DOM nodes: innerText is the text a person sees.
// WCAG 2.2 AA, checked by axe-core on the key pages of each role, in Chinese and in English:
// the couple's pages (office and month, a day, the booking form after a failed submit, the
// confirmation, the manage page, the look-up, the lottery), the staff console (sign-in,
// dashboard, roster, a booking, outbox, ceremonies) and the administrator's pages. Any
// serious or critical violation fails, listed with the elements at fault.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { Locale } from '../../src/i18n/locales.ts';
import { DayPlanModel } from '../../src/models/day-plan.model.ts';
import { OutboxMessageModel } from '../../src/models/outbox-message.model.ts';
import { type AxeViolation, seriousViolations } from '../helpers/axe.ts';
import { launchBrowser, shot } from '../helpers/browser.ts';
import { couple } from '../helpers/ids.ts';
import { type RunningServer, startTestServer } from '../helpers/server.ts';
import { resetDatabase } from '../helpers/test-app.ts';
import { NOW, officeWithQixi, PASSWORD, QIXI, qixiCeremony, staffUser, TODAY } from './fixtures.ts';

/** A lottery day a fortnight after Qixi: applications open now, the draw a week later. */
const LOTTERY_DAY = '2026-08-26';

describe('browser: accessibility (axe-core, WCAG 2.2 AA)', function () {
  this.timeout(240_000);
  let server: RunningServer;
  let officeId: string;
  let manageToken: string;
  let appointmentId: string;
  let lotteryToken: string;
  let ceremonyId: string;
  let messageId: string;

  before(async () => {
    await resetDatabase();
    server = await startTestServer({ now: NOW });
    const office = await officeWithQixi();
    officeId = office._id.toString();
    const services = server.container.services;
    ceremonyId = String((await qixiCeremony(services, officeId))._id);
    await DayPlanModel.create({
      office: office._id,
      date: LOTTERY_DAY,
      kind: 'peak',
      label: { zh: '八月好日子', en: 'A lucky August day' },
    });
    await services.lottery.configureDay(officeId, LOTTERY_DAY, {
      mode: 'lottery',
      opensAt: '2026-08-12T09:00',
      closesAt: '2026-08-20T17:00',
      drawAt: '2026-08-21T10:00',
      confirmHours: 24,
    });
    const booked = await services.booking.book({
      officeId,
      date: QIXI,
      start: '09:00',
      ...couple(),
      channel: 'online',
    });
    manageToken = booked.manageToken;
    appointmentId = String(booked.appointment._id);
    const c = couple();
    const applied = await services.lottery.apply({
      officeId,
      date: LOTTERY_DAY,
      partners: c.partners,
      email: c.email,
      language: c.language,
      preference: { kind: 'any' },
      channel: 'online',
    });
    lotteryToken = applied.token;
    await staffUser('admin@example.com', 'admin', [officeId]);
    const message = await OutboxMessageModel.create({
      messageId: '<confirmation@registry.test>',
      from: 'registry@example.com',
      to: 'couple@example.com',
      subject: '预约成功 / Booking confirmed',
      text: 'Booking confirmed.',
      html: '<p>Booking confirmed.</p>',
      notificationKey: `appointment:${appointmentId}:confirmation`,
      office: office._id,
    });
    messageId = String(message._id);
  });
  after(async () => {
    await server?.close();
  });

  /** Checks each page; returns every serious or critical violation, by page. */
  async function audit(
    page: Page,
    locale: Locale,
    pages: { name: string; open: () => Promise<unknown> }[],
  ): Promise<string[]> {
    const found: string[] = [];
    const titles = new Map<string, string>();
    for (const p of pages) {
      await p.open();
      await page.waitForLoadState();
      await shot(page, `a11y-${locale}`, p.name);
      assert.equal(await page.getAttribute('html', 'lang'), locale, `${p.name}: the page's language`);
      const title = await page.title();
      assert.equal(
        titles.get(title),
        undefined,
        `${p.name} has the same title as ${titles.get(title)}: ${title}`,
      );
      titles.set(title, p.name);
      const text = await page.locator('body').innerText();
      assert.doesNotMatch(text, /摇号/, `${p.name}: the lottery is called 抽签 for couples and staff alike`);
      if (locale === 'zh-CN') assert.doesNotMatch(text, /^(From|Key)\b/m, `${p.name}: an untranslated label`);
      const violations: AxeViolation[] = await seriousViolations(page);
      for (const v of violations) {
        found.push(`${locale} ${p.name}: [${v.impact}] ${v.id} (${v.help})\n    ${v.targets.join('\n    ')}`);
      }
    }
    return found;
  }

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`the couple's pages in ${locale}: no serious or critical violation`, async () => {
      const phone = await launchBrowser({ baseURL: server.url, locale });
      const { page } = phone;
      try {
        await page.goto(`/?lang=${locale === 'en' ? 'en' : 'zh'}`);
        const go = (url: string) => () => page.goto(url);
        const found = await audit(page, locale, [
          { name: 'home', open: go('/') },
          { name: 'office', open: go('/offices/jinjiang') },
          { name: 'month-september', open: go('/offices/jinjiang?month=2026-09') },
          { name: 'day-qixi', open: go(`/offices/jinjiang/days/${QIXI}`) },
          { name: 'day-closed', open: go('/offices/jinjiang/days/2026-08-16') },
          {
            name: 'book-errors',
            open: async () => {
              await page.goto(`/offices/jinjiang/days/${QIXI}/book?start=10:00`);
              await Promise.all([
                page.waitForLoadState(),
                page.locator('button[type=submit].primary').click(),
              ]);
            },
          },
          { name: 'confirmation', open: go(`/booking/${manageToken}/confirmation`) },
          { name: 'manage', open: go(`/booking/${manageToken}`) },
          { name: 'move', open: go(`/booking/${manageToken}/move`) },
          { name: 'lookup', open: go('/lookup') },
          {
            name: 'lookup-errors',
            open: async () => {
              await page.goto('/lookup');
              await page.fill('#reference', 'ZZZZ99');
              await page.fill('#phoneLast4', '0000');
              await Promise.all([
                page.waitForLoadState(),
                // The look-up by reference (the first form; the second finds bookings by phone).
                page.locator('main form button[type=submit]').first().click(),
              ]);
              await page.locator('main .flash-error').waitFor();
            },
          },
          { name: 'lottery-day', open: go(`/offices/jinjiang/days/${LOTTERY_DAY}`) },
          {
            name: 'lottery-apply-errors',
            open: async () => {
              await page.goto(`/offices/jinjiang/days/${LOTTERY_DAY}/lottery/apply`);
              await Promise.all([
                page.waitForLoadState(),
                page.locator('button[type=submit].primary').click(),
              ]);
            },
          },
          { name: 'lottery-status', open: go(`/lottery/a/${lotteryToken}`) },
        ]);
        assert.deepEqual(found, [], `axe found:\n${found.join('\n')}`);
      } finally {
        await phone.close();
      }
    });

    it(`the staff and administrator pages in ${locale}: no serious or critical violation`, async () => {
      const desk = await launchBrowser({ baseURL: server.url, locale, device: 'desktop' });
      const { page } = desk;
      try {
        await page.goto(`/staff/login?lang=${locale === 'en' ? 'en' : 'zh'}`);
        const go = (url: string) => () => page.goto(url);
        const found = await audit(page, locale, [
          {
            name: 'staff-login-errors',
            open: async () => {
              await page.fill('#email', 'admin@example.com');
              await page.fill('#password', 'wrong password');
              await Promise.all([
                page.waitForLoadState(),
                page.locator('form[action="/staff/login"] button[type=submit]').click(),
              ]);
            },
          },
          {
            name: 'staff-dashboard',
            open: async () => {
              await page.fill('#email', 'admin@example.com');
              await page.fill('#password', PASSWORD);
              await Promise.all([
                page.waitForURL((u) => u.pathname === '/staff' || u.pathname === '/staff/'),
                page.locator('form[action="/staff/login"] button[type=submit]').click(),
              ]);
            },
          },
          { name: 'staff-roster', open: go(`/staff/offices/${officeId}/roster?date=${QIXI}`) },
          { name: 'staff-roster-today', open: go(`/staff/offices/${officeId}/roster?date=${TODAY}`) },
          { name: 'staff-appointment', open: go(`/staff/appointments/${appointmentId}`) },
          { name: 'staff-outbox', open: go('/staff/outbox') },
          { name: 'staff-outbox-message', open: go(`/staff/outbox/messages/${messageId}`) },
          { name: 'staff-lottery-day', open: go(`/staff/lottery/${officeId}/${LOTTERY_DAY}`) },
          { name: 'admin-plan-lottery-day', open: go(`/staff/offices/${officeId}/plans/${LOTTERY_DAY}`) },
          { name: 'staff-ceremonies', open: go('/staff/ceremonies') },
          { name: 'staff-ceremony', open: go(`/staff/ceremonies/${ceremonyId}`) },
          {
            name: 'staff-ceremony-new-errors',
            open: async () => {
              await page.goto('/staff/ceremonies/new');
              await page.fill('#seats', '');
              await Promise.all([
                page.waitForLoadState(),
                page.locator('form.ceremony-form button[type=submit]').click(),
              ]);
              // The summary lists the refused fields and takes the focus on a staff form too.
              assert.ok(
                (await page.locator('#error-summary li').count()) > 0,
                'the error summary lists the fields',
              );
              assert.equal(
                await page.evaluate('document.activeElement && document.activeElement.id'),
                'error-summary',
              );
            },
          },
          { name: 'staff-lottery', open: go('/staff/lottery') },
          { name: 'admin-offices', open: go('/staff/offices') },
          { name: 'admin-office', open: go(`/staff/offices/${officeId}`) },
          { name: 'admin-plans', open: go(`/staff/offices/${officeId}/plans`) },
          { name: 'admin-peak-days', open: go(`/staff/offices/${officeId}/peak-days`) },
          { name: 'admin-accounts', open: go('/staff/accounts') },
          { name: 'admin-account-new', open: go('/staff/accounts/new') },
          { name: 'admin-audit', open: go('/staff/audit') },
        ]);
        assert.deepEqual(found, [], `axe found:\n${found.join('\n')}`);
      } finally {
        await desk.close();
      }
    });
  }
});
