// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright locators, not DOM nodes: innerText is the text a person sees.
// The staff console on a busy day, at desktop and phone sizes, in Chinese:
//   4. the roster keeps pace: with JavaScript each button updates its row in place (no reload,
//      the page stays where it was), a no-show asks in a dialog; without JavaScript the redirect
//      lands on the row's anchor and a no-show asks on a page of its own;
//   5. a couple phones: the registrar moves the booking (the slot that gives up the ceremony
//      seat says so before the tap, and needs a confirmation), then cancels it, with reasons.
// Every step is checked on the page and in the database, and photographed.
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { type MessageKey, translate } from '../../src/i18n/translate.ts';
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { AuditLogModel } from '../../src/models/audit-log.model.ts';
import { CeremonySeatModel } from '../../src/models/ceremony-seat.model.ts';
import {
  ARTIFACTS,
  type LaunchedBrowser,
  launchBrowser,
  overflowsHorizontally,
  shot,
  watchProblems,
} from '../helpers/browser.ts';
import { couple } from '../helpers/ids.ts';
import { type RunningServer, startTestServer } from '../helpers/server.ts';
import { createOffice, resetDatabase } from '../helpers/test-app.ts';
import { DAY as CEREMONY_DAY, ceremonyInput } from '../http/ceremony-fixtures.ts';
import { assertCountersConsistent } from '../http/fuzz-support.ts';
import { endJourney, PASSWORD, staffUser } from './fixtures.ts';

const t = (key: MessageKey, params?: Record<string, string | number>) => translate('zh-CN', key, params);
// Monday 3 August 2026, 11:40 in Chengdu: the morning's early slots are over.
const NOW = '2026-08-03T03:40:00.000Z';
const TODAY = '2026-08-03';

describe('browser: the roster and the desk', function () {
  this.timeout(180_000);
  let server: RunningServer;
  let officeId: string;
  let chromium: LaunchedBrowser | undefined;

  beforeEach(async () => {
    await resetDatabase();
    server = await startTestServer({ now: NOW });
    officeId = (await createOffice())._id.toString();
  });
  afterEach(async function () {
    await endJourney(this.currentTest, chromium);
    chromium = undefined;
    await server?.close();
  });

  /** Booked by staff the day before, so every slot of the day is still ahead then. */
  async function booking(date: string, start: string) {
    server.clock.set('2026-08-02T02:00:00.000Z');
    const { appointment } = await server.container.services.booking.book({
      officeId,
      date,
      start,
      ...couple(),
      channel: 'staff',
      actor: 'test',
    });
    server.clock.set(NOW);
    return appointment;
  }

  async function signIn(page: Page, email: string) {
    await page.goto('/staff/login');
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/staff' || u.pathname === '/staff/'),
      page.locator('form[action="/staff/login"] button[type=submit]').click(),
    ]);
  }

  /** What the registrar sees on the screen at that moment (a full-page shot hides where the page stands). */
  const glance = (page: Page, journey: string, step: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, journey, `${step}-screen.png`) });

  const statusOf = async (id: unknown) => (await AppointmentModel.findById(id).lean())?.status;
  const row = (page: Page, id: unknown) => page.locator(`li.entry[data-id="${String(id)}"]`);

  for (const device of ['desktop', 'phone'] as const) {
    it(`journey 4 (${device}): each roster button updates its own row in place; a no-show asks first`, async () => {
      const journey = `journey-4-roster-in-place-${device}`;
      const email = await staffUser('registrar@example.com', 'registrar', [officeId]);
      // A busy morning: the rows to act on are far down the page.
      for (const start of ['09:00', '09:30', '10:00', '10:30'])
        for (let i = 0; i < 3; i++) await booking(TODAY, start);
      const missed = await booking(TODAY, '11:00');
      const arriving = await booking(TODAY, '13:30');
      chromium = await launchBrowser({ baseURL: server.url, device });
      const { page } = chromium;
      const problems = watchProblems(page);
      await signIn(page, email);
      await page.goto(`/staff/offices/${officeId}/roster?date=${TODAY}`);

      // 11:00-11:30 is over: no-show offered, quiet, not beside a red button; 13:30 is ahead: none.
      const noShow = row(page, missed._id).locator('form[action$="/no-show"] button');
      assert.equal(await noShow.count(), 1);
      assert.doesNotMatch((await noShow.getAttribute('class')) ?? '', /danger|primary/);
      assert.equal(await row(page, arriving._id).locator('form[action$="/no-show"]').count(), 0);

      await row(page, arriving._id).scrollIntoViewIfNeeded();
      await page.evaluate('window.__sameDocument = true');
      const scrolledTo = Number(await page.evaluate('window.scrollY'));
      assert.ok(scrolledTo > 0, 'the row is down the page');
      await shot(page, journey, '01-roster');
      await row(page, arriving._id).locator('form[action$="/check-in"] button').click();
      await page.locator(`li.entry[data-id="${arriving._id}"][data-status="arrived"]`).waitFor();
      assert.equal(await page.evaluate('window.__sameDocument'), true, 'no reload');
      assert.ok(Number(await page.evaluate('window.scrollY')) > 0, 'the page stays where it was');
      assert.equal(
        (await page.locator('.roster-toast .flash').innerText()).trim(),
        t('staff.checked_in', { reference: arriving.reference }),
      );
      assert.match(await page.locator('[data-count=arrived]').innerText(), /1/);
      assert.equal(await statusOf(arriving._id), 'arrived');
      await shot(page, journey, '02-checked-in-in-place');
      await glance(page, journey, '02-checked-in-in-place');

      // No-show: a dialog asks; dismissed, nothing happens; accepted, the row changes.
      await row(page, missed._id).scrollIntoViewIfNeeded();
      page.once('dialog', (d) => void d.dismiss());
      await noShow.click();
      assert.equal(await statusOf(missed._id), 'booked');
      let asked = '';
      page.once('dialog', (d) => {
        asked = d.message();
        void d.accept();
      });
      await noShow.click();
      await page.locator(`li.entry[data-id="${missed._id}"][data-status="no_show"]`).waitFor();
      assert.equal(asked, t('staff.no_show.ask', { reference: missed.reference }));
      assert.equal(await statusOf(missed._id), 'no_show');
      assert.equal(await page.evaluate('window.__sameDocument'), true);
      await shot(page, journey, '03-no-show-in-place');
      await glance(page, journey, '03-no-show-in-place');
      assert.equal(await overflowsHorizontally(page), false);
      await assertCountersConsistent();
      assert.deepEqual(problems, []);
    });
  }

  it('journey 4 without JavaScript: back to the row by its anchor; a no-show confirmed on a page', async () => {
    const journey = 'journey-4-roster-no-js';
    const email = await staffUser('registrar@example.com', 'registrar', [officeId]);
    for (const start of ['09:00', '09:30', '10:00', '10:30'])
      for (let i = 0; i < 3; i++) await booking(TODAY, start);
    const missed = await booking(TODAY, '11:00');
    const arriving = await booking(TODAY, '13:30');
    chromium = await launchBrowser({ baseURL: server.url, device: 'phone', javaScriptEnabled: false });
    const { page } = chromium;
    await signIn(page, email);
    const roster = `/staff/offices/${officeId}/roster?date=${TODAY}`;
    await page.goto(roster);
    await Promise.all([
      page.waitForURL(`**/roster?date=${TODAY}#appt-${arriving._id}`),
      row(page, arriving._id).locator('form[action$="/check-in"] button').click(),
    ]);
    assert.equal(await row(page, arriving._id).getAttribute('data-status'), 'arrived');
    assert.ok(Number(await page.evaluate('window.scrollY')) > 0, 'landed on the row, not the top');
    await shot(page, journey, '01-back-at-the-row');
    await glance(page, journey, '01-back-at-the-row');

    await Promise.all([
      page.waitForURL(`**/appointments/${missed._id}/no-show**`),
      row(page, missed._id).locator('form[action$="/no-show"] button').click(),
    ]);
    assert.equal(await statusOf(missed._id), 'booked', 'asked, not marked');
    assert.equal(
      (await page.locator('h1').innerText()).trim(),
      t('staff.no_show.title', { reference: missed.reference }),
    );
    await shot(page, journey, '02-no-show-confirm');
    await Promise.all([
      page.waitForURL(`**/roster?date=${TODAY}#appt-${missed._id}`),
      page.locator('form[action$="/no-show"] button[type=submit]').click(),
    ]);
    assert.equal(await statusOf(missed._id), 'no_show');
    assert.equal(await row(page, missed._id).getAttribute('data-status'), 'no_show');
    await shot(page, journey, '03-no-show-marked');
  });

  for (const device of ['desktop', 'phone'] as const) {
    it(`journey 5 (${device}): a couple phones; the registrar moves the booking, then cancels it`, async () => {
      const journey = `journey-5-desk-${device}`;
      const email = await staffUser('registrar@example.com', 'registrar', [officeId]);
      const ceremony = await server.container.services.ceremonies.create(officeId, ceremonyInput(), {
        status: 'open',
        actor: 'test',
      });
      const a = await booking(CEREMONY_DAY, '09:00');
      await server.container.services.ceremonies.join(ceremony._id.toString(), a, { channel: 'online' });
      chromium = await launchBrowser({ baseURL: server.url, device });
      const { page } = chromium;
      const problems = watchProblems(page);
      await signIn(page, email);

      await page.goto(`/staff/appointments/${a._id}`);
      await shot(page, journey, '01-booking');
      await Promise.all([
        page.waitForURL(`**/appointments/${a._id}/move`),
        page.getByRole('link', { name: t('staff.desk.move_link') }).click(),
      ]);
      const option = (start: string) => page.locator(`.move-option[data-start="${start}"]`);
      assert.equal(await option('15:00').locator('.keeps-seat').count(), 1);
      assert.equal(await option('15:30').locator('.loses-seat').count(), 1);
      assert.equal(await overflowsHorizontally(page), false);
      await shot(page, journey, '02-move-slots');
      await glance(page, journey, '02-move-slots');

      // 15:30 gives the seat up: refused until the registrar confirms the couple knows.
      await option('15:30').locator('input').check();
      await page.fill('#reason', '新人来电：上午请不了假');
      await Promise.all([page.waitForLoadState(), page.locator('.desk-form button[type=submit]').click()]);
      assert.match(await page.locator('.flash-error').innerText(), /改到 15:30 后新人将不能参加/);
      assert.equal((await AppointmentModel.findById(a._id).lean())?.start, '09:00');
      await shot(page, journey, '03-seat-warning');
      await page.locator('input[name=giveUpSeat]').check();
      await Promise.all([
        page.waitForURL(`**/staff/appointments/${a._id}`),
        page.locator('.desk-form button[type=submit]').click(),
      ]);
      assert.match(await page.locator('main div.flash').first().innerText(), /15:30/);
      assert.equal((await AppointmentModel.findById(a._id).lean())?.start, '15:30');
      await server.container.services.ceremonies.whenIdle();
      assert.equal((await CeremonySeatModel.findOne({ appointment: a._id }).lean())?.state, 'left');
      await shot(page, journey, '04-moved');

      await Promise.all([
        page.waitForURL(`**/appointments/${a._id}/cancel`),
        page.getByRole('link', { name: t('staff.desk.cancel_link') }).click(),
      ]);
      await page.locator('.desk-form button[type=submit]').click();
      await page.waitForLoadState();
      assert.equal((await page.locator('#reason-error').innerText()).trim(), t('staff.desk.reason_required'));
      await shot(page, journey, '05-cancel-needs-reason');
      await page.fill('#reason', '新人来电取消');
      await Promise.all([
        page.waitForURL(`**/staff/appointments/${a._id}`),
        page.locator('.desk-form button[type=submit]').click(),
      ]);
      assert.equal((await AppointmentModel.findById(a._id).lean())?.status, 'cancelled');
      assert.match(await page.locator('.history').last().innerText(), /为新人取消预约/);
      await shot(page, journey, '06-cancelled');
      assert.deepEqual(
        (
          await AuditLogModel.find({ target: `appointment:${a._id}` })
            .sort({ at: 1 })
            .lean()
        ).map((e) => e.action),
        ['appointment.staff_move', 'appointment.staff_cancel'],
      );
      await assertCountersConsistent();
      assert.deepEqual(problems, []);
    });
  }
});
