// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright locators, not DOM nodes: innerText is the text a person sees.
// Journeys 1 and 4: a couple on a phone books a place on Qixi, opens the private manage link,
// joins the group ceremony, moves the booking and cancels it; once in Chinese with
// JavaScript, once in English without.
// Each step is checked on the page and in the database, and photographed.
import assert from 'node:assert/strict';
import { formatDate } from '../../src/i18n/format.ts';
import type { Locale } from '../../src/i18n/locales.ts';
import { type MessageKey, translate } from '../../src/i18n/translate.ts';
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { CeremonySeatModel } from '../../src/models/ceremony-seat.model.ts';
import { PersonHoldModel } from '../../src/models/person-hold.model.ts';
import { SlotModel } from '../../src/models/slot.model.ts';
import { launchBrowser, overflowsHorizontally, shot, watchProblems } from '../helpers/browser.ts';
import { couple } from '../helpers/ids.ts';
import { type RunningServer, startTestServer } from '../helpers/server.ts';
import { resetDatabase } from '../helpers/test-app.ts';
import { DAY_AFTER, NOW, officeWithQixi, QIXI, qixiCeremony } from './fixtures.ts';

async function slotCounts(date: string, start: string) {
  const s = await SlotModel.findOne({ date, start }).lean();
  return s ? { booked: s.booked, remaining: s.remaining, capacity: s.capacity } : undefined;
}

interface JourneyOptions {
  name: string;
  locale: Locale;
  javaScriptEnabled: boolean;
  /** Where the couple moves to: another time on Qixi, or the next day. */
  moveTo: { date: string; start: string };
}

describe('browser: the couple on a phone', function () {
  this.timeout(90_000);
  let server: RunningServer;

  beforeEach(async () => {
    await resetDatabase();
    server = await startTestServer({ now: NOW });
    const office = await officeWithQixi();
    await qixiCeremony(server.container.services, office._id.toString());
  });
  afterEach(async () => {
    await server?.close();
  });

  async function journey(opts: JourneyOptions) {
    const t = (key: MessageKey, params?: Record<string, string | number>) =>
      translate(opts.locale, key, params);
    const phone = await launchBrowser({
      baseURL: server.url,
      locale: opts.locale,
      javaScriptEnabled: opts.javaScriptEnabled,
    });
    const { page } = phone;
    const problems = watchProblems(page);
    let step = 0;
    const snap = async (label: string) => {
      step += 1;
      await shot(page, opts.name, `${String(step).padStart(2, '0')}-${label}`);
      assert.equal(
        await overflowsHorizontally(page),
        false,
        `${label}: the page scrolls sideways on a phone`,
      );
    };
    const c = couple({ language: opts.locale, email: `journey-${opts.name}@example.com` });

    try {
      // Home, in the chosen language.
      await page.goto(opts.locale === 'en' ? '/?lang=en' : '/');
      assert.equal(await page.getAttribute('html', 'lang'), opts.locale);
      await snap('home');

      // The office's month: Qixi is marked as a peak day with places left.
      await page.locator('a[href="/offices/jinjiang"]').first().click();
      const qixiCell = page.locator(`td[data-date="${QIXI}"]`);
      assert.match(await qixiCell.locator('.badge-peak').innerText(), opts.locale === 'en' ? /Qixi/ : /七夕/);
      assert.ok((await qixiCell.getAttribute('class'))?.includes('day-peak'));
      // 16 slots (7 in 08:30-12:00, 9 in 13:30-18:00) x 6 windows x 3 couples.
      assert.equal((await qixiCell.locator('.day-status').innerText()).trim(), t('day.left', { n: 16 * 18 }));
      await snap('office-month');

      // The day: longer hours, the office's message, 18 places per slot.
      await qixiCell.locator('a').click();
      await page.waitForURL(`**/offices/jinjiang/days/${QIXI}`);
      const slots = page.locator('.slot');
      assert.equal(await slots.count(), 16);
      assert.match(await slots.first().innerText(), /08:30–09:00/);
      assert.match(await slots.last().innerText(), /17:30–18:00/);
      assert.match(await slots.first().innerText(), new RegExp(t('day.slot_left', { n: 18 })));
      assert.match(
        await page.locator('.notice').first().innerText(),
        opts.locale === 'en' ? /arrive 30 minutes early/ : /提前 30 分钟/,
      );
      await snap('qixi-day');

      // The form: both partners, e-mail, language.
      await page.locator(`a[href$="/book?start=09:00"]`).click();
      await page.waitForURL(`**/days/${QIXI}/book?start=09:00`);
      assert.equal((await page.locator('h1').innerText()).trim(), t('book.title'));
      for (const [i, p] of c.partners.entries()) {
        await page.fill(`#p${i}-name`, p.name);
        await page.fill(`#p${i}-idNumber`, p.idNumber);
        await page.fill(`#p${i}-phone`, p.phone);
      }
      await page.fill('#email', c.email);
      await snap('form-filled');
      await Promise.all([
        page.waitForURL('**/confirmation'),
        page.locator('button[type=submit].primary').click(),
      ]);

      // Confirmation: the reference, the masked IDs, the manage link.
      const stored = await AppointmentModel.findOne().lean();
      assert.ok(stored, 'the booking is stored');
      assert.equal(stored.date, QIXI);
      assert.equal(stored.start, '09:00');
      assert.equal(stored.startsAt.toISOString(), '2026-08-19T01:00:00.000Z');
      assert.equal(stored.status, 'booked');
      assert.equal(stored.language, opts.locale);
      assert.deepEqual(await slotCounts(QIXI, '09:00'), { booked: 1, remaining: 17, capacity: 18 });
      assert.equal(await PersonHoldModel.countDocuments(), 2);
      assert.equal((await page.locator('h1').innerText()).trim(), t('confirm.title'));
      assert.equal((await page.locator('.big-reference').innerText()).trim(), stored.reference);
      const body = await page.locator('body').innerText();
      for (const p of c.partners) {
        assert.ok(!body.includes(p.idNumber), 'the clear ID number is never shown');
        assert.ok(!body.includes(p.phone), 'the clear phone number is never shown');
      }
      assert.ok(body.includes(stored.partners[0]!.idMasked));
      const manageHref = await page.locator('a.manage-link').getAttribute('href');
      assert.match(manageHref ?? '', /^\/booking\/[A-Za-z0-9_-]{43}$/);
      assert.equal((await page.locator('a.manage-link').innerText()).trim(), `${server.url}${manageHref}`);
      await snap('confirmation');

      // The private link, as opened later from the message.
      await page.goto(manageHref!);
      assert.equal((await page.locator('h1').innerText()).trim(), t('manage.title'));
      assert.equal((await page.locator('.status').innerText()).trim(), t('status.booked'));
      await snap('manage');

      // Join the Qixi group ceremony from the manage page (a plain form).
      const option = page.locator('li.ceremony-option');
      assert.equal(await option.count(), 1, 'the day’s ceremony is offered');
      assert.match(
        await option.locator('h3').innerText(),
        opts.locale === 'en' ? /Qixi group certificate ceremony/ : /七夕集体颁证仪式/,
      );
      await Promise.all([
        page.waitForURL((u) => u.pathname === manageHref),
        option.locator('form[action$="/ceremony/join"] button').click(),
      ]);
      assert.equal(
        (await page.locator('main > div.flash-success').innerText()).trim(),
        t('ceremony.flash.seated'),
      );
      assert.equal(await page.locator('.ceremony-state[data-state=seated]').count(), 1);
      const seat = await CeremonySeatModel.findOne({ appointment: stored._id }).lean();
      assert.equal(seat?.state, 'seated');
      assert.equal(seat?.order, 1, 'first in the procession');
      await snap('ceremony-joined');

      // Move.
      await page.locator(`a[href="${manageHref}/move"]`).click();
      await page.waitForURL(`**${manageHref}/move`);
      if (opts.moveTo.date !== QIXI) {
        // Choosing another day is a plain GET form: no script needed.
        await page.selectOption('#move-date', opts.moveTo.date);
        await Promise.all([
          page.waitForURL(`**/move?date=${opts.moveTo.date}`),
          page.locator('form[method=get] button').click(),
        ]);
      }
      await snap('move-choose');
      const target = page
        .locator('li.slot')
        .filter({ has: page.locator(`input[name=start][value="${opts.moveTo.start}"]`) });
      // A slot that gives up the ceremony seat says so before the tap and needs the couple's tick.
      const givesUpSeat = (await target.locator('form[data-seat=loses]').count()) === 1;
      assert.equal(
        givesUpSeat,
        opts.moveTo.date !== QIXI,
        'only a move off the ceremony day gives the seat up',
      );
      if (givesUpSeat) await target.locator('input[name=giveUpCeremony]').check();
      await Promise.all([page.waitForURL(`**${manageHref}`), target.locator('button[type=submit]').click()]);
      assert.equal(
        (await page.locator('main > div.flash-success').innerText()).trim(),
        t('manage.moved', { date: formatDate(opts.moveTo.date, opts.locale), start: opts.moveTo.start }),
      );
      const moved = await AppointmentModel.findById(stored._id).lean();
      assert.equal(moved!.date, opts.moveTo.date);
      assert.equal(moved!.start, opts.moveTo.start);
      assert.equal(moved!.reference, stored.reference, 'the reference stays the same');
      assert.equal((await slotCounts(QIXI, '09:00'))!.booked, 0, 'the old place is released');
      assert.equal(
        (await slotCounts(opts.moveTo.date, opts.moveTo.start))!.booked,
        1,
        'the new place is taken',
      );
      // The ceremony place follows the rule: kept on the same day, lost when moved to another.
      await server.container.services.ceremonies.whenIdle();
      const seatAfterMove = await CeremonySeatModel.findOne({ appointment: stored._id }).lean();
      if (opts.moveTo.date === QIXI) {
        assert.equal(seatAfterMove?.state, 'seated', 'moving within Qixi keeps the ceremony seat');
      } else {
        assert.equal(seatAfterMove?.state, 'left');
        assert.equal(seatAfterMove?.leftReason, 'appointment_moved');
        await page.reload();
        assert.equal(
          await page.locator('.ceremony-left[data-reason=appointment_moved]').count(),
          1,
          'the couple is told',
        );
      }
      await snap('moved');

      // Cancel: with JavaScript the browser asks first; without, the form posts directly.
      if (opts.javaScriptEnabled) {
        page.once('dialog', (dialog) => {
          // The seat kept by the move within Qixi is given up by cancelling: the question says so.
          assert.equal(dialog.message(), `${t('manage.cancel_confirm')} ${t('seat.cancel_loses')}`);
          void dialog.accept();
        });
      }
      await Promise.all([
        page.waitForResponse(
          (r) => r.url().endsWith(`${manageHref}/cancel`) && r.request().method() === 'POST',
        ),
        page.locator('form[action$="/cancel"] button').click(),
      ]);
      await page.waitForLoadState();
      assert.equal(
        (await page.locator('main > div.flash-success').innerText()).trim(),
        t('manage.cancelled'),
      );
      assert.equal((await page.locator('.status').innerText()).trim(), t('status.cancelled'));
      assert.equal(await page.locator('form[action$="/cancel"]').count(), 0, 'nothing left to cancel');
      const cancelled = await AppointmentModel.findById(stored._id).lean();
      assert.equal(cancelled!.status, 'cancelled');
      assert.equal(cancelled!.cancelledBy, 'couple');
      assert.equal((await slotCounts(opts.moveTo.date, opts.moveTo.start))!.booked, 0);
      assert.equal(await PersonHoldModel.countDocuments(), 0, 'both partners may book again');
      await server.container.services.ceremonies.whenIdle();
      const seatAfterCancel = await CeremonySeatModel.findOne({ appointment: stored._id }).lean();
      assert.equal(seatAfterCancel?.state, 'left', 'a cancelled booking gives its ceremony seat up');
      await snap('cancelled');

      assert.deepEqual(problems, [], 'no console errors, failed requests or server errors');
    } finally {
      await phone.close();
    }
  }

  it('journey 1: in Chinese with JavaScript — books on Qixi, joins the ceremony, moves to another time, cancels', async () => {
    await journey({
      name: 'journey-1-zh',
      locale: 'zh-CN',
      javaScriptEnabled: true,
      moveTo: { date: QIXI, start: '08:30' },
    });
  });

  it('journey 4: in English without JavaScript — the same journey, moving to the next day', async () => {
    await journey({
      name: 'journey-4-en-nojs',
      locale: 'en',
      javaScriptEnabled: false,
      moveTo: { date: DAY_AFTER, start: '14:00' },
    });
  });
});
