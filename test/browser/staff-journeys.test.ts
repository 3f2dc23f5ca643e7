// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright locators, not DOM nodes: innerText is the text a person sees.
// Journeys 2 and 3, in the staff console on a desktop, in Chinese:
//   2. a registrar signs in, plans Qixi with two extra windows and longer hours, sees the
//      capacity preview, saves, then checks a couple in and marks another as no-show;
//   3. a coordinator creates a ceremony, fills it from booking references, reorders the
//      procession and prints the roster.
// Every step is checked on the page and in the database, and photographed.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { type MessageKey, translate } from '../../src/i18n/translate.ts';
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { CeremonyModel } from '../../src/models/ceremony.model.ts';
import { CeremonySeatModel } from '../../src/models/ceremony-seat.model.ts';
import { DayPlanModel } from '../../src/models/day-plan.model.ts';
import { SlotModel } from '../../src/models/slot.model.ts';
import { type LaunchedBrowser, launchBrowser, shot, watchProblems } from '../helpers/browser.ts';
import { couple } from '../helpers/ids.ts';
import { type RunningServer, startTestServer } from '../helpers/server.ts';
import { createOffice, resetDatabase } from '../helpers/test-app.ts';
import { assertCountersConsistent } from '../http/fuzz-support.ts';
import { PASSWORD, staffUser } from './fixtures.ts';

const t = (key: MessageKey, params?: Record<string, string | number>) => translate('zh-CN', key, params);
// Monday 3 August 2026, 10:00 in Chengdu. Qixi is Wednesday 19 August.
const NOW = '2026-08-03T02:00:00.000Z';
const TODAY = '2026-08-03';
const QIXI = '2026-08-19';
const CEREMONY_DAY = '2026-08-10';

describe('browser: staff at the registry', function () {
  this.timeout(120_000);
  let server: RunningServer;
  let officeId: string;
  let chromium: LaunchedBrowser | undefined;

  beforeEach(async () => {
    await resetDatabase();
    server = await startTestServer({ now: NOW });
    officeId = (await createOffice())._id.toString();
  });
  afterEach(async function () {
    // A failed journey leaves a picture of where it stopped.
    if (this.currentTest?.state === 'failed' && chromium) {
      await shot(
        chromium.page,
        'failures',
        (this.currentTest.title.split(':')[0] ?? 'journey').replace(/\W+/g, '-'),
      ).catch(() => undefined);
    }
    await chromium?.close();
    chromium = undefined;
    await server?.close();
  });

  /** Books through the service as staff would for a walk-in, at a moment before the slot starts. */
  async function booking(date: string, start: string, at = NOW) {
    server.clock.set(at);
    const c = couple();
    const r = await server.container.services.booking.book({
      officeId,
      date,
      start,
      ...c,
      channel: 'staff',
      actor: 'test',
    });
    server.clock.set(NOW);
    return { ...r.appointment, couple: c };
  }

  async function signIn(page: Page, email: string, journey: string) {
    await page.goto('/staff/login');
    assert.equal((await page.locator('h1').innerText()).trim(), t('staff.login.title'));
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    await shot(page, journey, '01-login');
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/staff' || u.pathname === '/staff/'),
      page.locator('form[action="/staff/login"] button[type=submit]').click(),
    ]);
    await shot(page, journey, '02-dashboard');
  }

  const flash = (page: Page) => page.locator('main div.flash').first().innerText();

  it('journey 2: a registrar plans Qixi with the capacity preview, then checks one couple in and marks another no-show', async () => {
    const journey = 'journey-2-registrar';
    const email = await staffUser('registrar@example.com', 'registrar', [officeId]);
    const early = await booking(TODAY, '09:00', '2026-08-03T00:00:00.000Z'); // 09:00: now past, never came
    const arriving = await booking(TODAY, '10:30'); // arrives now
    const onQixi = await booking(QIXI, '09:00'); // booked before the plan changes Qixi
    chromium = await launchBrowser({ baseURL: server.url, device: 'desktop' });
    const { page } = chromium;
    const problems = watchProblems(page);
    await signIn(page, email, journey);

    // Planning › the office's peak days › Qixi is suggested.
    await page.goto(`/staff/offices/${officeId}/peak-days`);
    const row = page.locator(`tr[data-date="${QIXI}"]`);
    assert.match(await row.innerText(), /七夕/);
    await shot(page, journey, '03-peak-days');
    await Promise.all([page.waitForURL(`**/plans/${QIXI}**`), row.locator('a.button').click()]);

    // Two extra windows, longer hours, a message; preview first.
    await page.check('input[name=kind][value=peak]');
    await page.fill('#labelZh', '七夕');
    await page.fill('#labelEn', 'Qixi');
    await page.fill('#sessions', '08:30-12:00, 13:30-18:00');
    await page.fill('#slotMinutes', '30');
    await page.fill('#windowsOpen', '');
    await page.fill('#extraWindows', '2');
    await page.fill('#couplesPerWindow', '');
    await page.fill('#extraQuotaPerSlot', '');
    await page.fill('#quotaPerSlot', '');
    await page.fill('#bookingOpensAt', '2026-08-12T09:00');
    await page.fill('#messageZh', '请提前 30 分钟到达。');
    await page.fill('#messageEn', 'Please arrive 30 minutes early.');
    await Promise.all([
      page.waitForLoadState(),
      page.locator('#plan-form button[name=step][value=preview]').click(),
    ]);
    await page.waitForSelector('#preview');

    // The preview: Wednesday's 13 slots x 12 places become 16 slots x 18 places; one booking stays.
    const total = (k: string) => page.locator(`#preview [data-total=${k}]`).innerText();
    assert.equal((await total('before')).trim(), String(13 * 12));
    assert.equal((await total('after')).trim(), String(16 * 18));
    assert.equal((await total('booked')).trim(), '1');
    const nine = page.locator('#preview tr[data-start="09:00"] td');
    assert.deepEqual(
      (await nine.allInnerTexts()).map((s) => s.trim()),
      ['12', '18', '+6', '1'],
    );
    assert.equal(await DayPlanModel.countDocuments({ date: QIXI }), 0, 'a preview saves nothing');
    await shot(page, journey, '04-plan-preview');

    await Promise.all([
      page.waitForURL(`**/plans/${QIXI}`),
      page.locator('#preview button[value=apply]').click(),
    ]);
    assert.equal((await flash(page)).trim(), t('staff.plan_saved', { date: QIXI, before: 156, after: 288 }));
    const plan = await DayPlanModel.findOne({ date: QIXI }).lean();
    assert.equal(plan?.kind, 'peak');
    assert.equal(plan?.extraWindows, 2);
    assert.deepEqual(
      plan?.sessions?.map((x) => `${x.start}-${x.end}`),
      ['08:30-12:00', '13:30-18:00'],
    );
    assert.equal(
      plan?.bookingOpensAt?.toISOString(),
      '2026-08-12T01:00:00.000Z',
      'the opening moment is read in the office zone',
    );
    const slot = await SlotModel.findOne({ date: QIXI, start: '09:00' }).lean();
    assert.deepEqual(
      [slot?.capacity, slot?.booked, slot?.remaining],
      [18, 1, 17],
      'the existing counter follows the plan',
    );
    assert.equal(
      (await AppointmentModel.findById(onQixi._id).lean())?.status,
      'booked',
      'nobody was cancelled',
    );
    await shot(page, journey, '05-plan-saved');

    // The day's roster: one couple arrives, the other never came.
    await page.goto(`/staff/offices/${officeId}/roster?date=${TODAY}`);
    const entry = (id: unknown) => page.locator(`li.entry[data-id="${String(id)}"]`);
    assert.equal(await entry(early._id).getAttribute('data-status'), 'booked');
    await shot(page, journey, '06-roster');
    // Each button updates its row in place; the message shows where the registrar is.
    const toast = () => page.locator('.roster-toast .flash').innerText();
    await entry(arriving._id).locator('form[action$="/check-in"] button').click();
    await page.locator(`li.entry[data-id="${arriving._id}"][data-status="arrived"]`).waitFor();
    assert.equal((await toast()).trim(), t('staff.checked_in', { reference: arriving.reference }));
    // A no-show is asked for first.
    page.once('dialog', (d) => void d.accept());
    await entry(early._id).locator('form[action$="/no-show"] button').click();
    await page.locator(`li.entry[data-id="${early._id}"][data-status="no_show"]`).waitFor();
    assert.equal((await toast()).trim(), t('staff.marked_no_show', { reference: early.reference }));
    await shot(page, journey, '07-roster-after');

    const arrived = await AppointmentModel.findById(arriving._id).lean();
    assert.equal(arrived?.status, 'arrived');
    assert.equal(arrived?.arrivedAt?.toISOString(), NOW);
    const missed = await AppointmentModel.findById(early._id).lean();
    assert.equal(missed?.status, 'no_show');
    assert.equal(missed?.noShowAt?.toISOString(), NOW);
    await assertCountersConsistent();
    assert.deepEqual(problems, []);
  });

  it('journey 3: a coordinator fills a ceremony from references, reorders the procession and prints the roster', async () => {
    const journey = 'journey-3-coordinator';
    const email = await staffUser('coordinator@example.com', 'coordinator', [officeId]);
    const couples = [
      await booking(CEREMONY_DAY, '11:00'),
      await booking(CEREMONY_DAY, '09:00'),
      await booking(CEREMONY_DAY, '10:00'),
    ];
    chromium = await launchBrowser({ baseURL: server.url, device: 'desktop' });
    const { page } = chromium;
    const problems = watchProblems(page);
    await signIn(page, email, journey);

    // Ceremonies › new.
    await page.locator('nav.staff-nav a[href="/staff/ceremonies"]').click();
    await page.waitForURL('**/staff/ceremonies**');
    await page.locator('a[href="/staff/ceremonies/new"]').first().click();
    await page.waitForURL('**/staff/ceremonies/new');
    await page.fill('#titleZh', '集体颁证仪式');
    await page.fill('#titleEn', 'Group certificate ceremony');
    await page.fill('#date', CEREMONY_DAY);
    await page.fill('#start', '16:00');
    await page.fill('#durationMinutes', '45');
    await page.fill('#hallZh', '二楼颁证大厅');
    await page.fill('#hallEn', 'Certificate Hall');
    await page.fill('#presenterZh', '王芳');
    await page.fill('#seats', '7');
    await page.fill('#minCouples', '1');
    await page.fill('#signupDeadline', '2026-08-09T17:00');
    await page.fill('#offerHours', '24');
    await page.selectOption('#status', 'open');
    await shot(page, journey, '03-new-ceremony');
    await Promise.all([
      page.waitForURL(/\/staff\/ceremonies\/[a-f0-9]{24}$/),
      page.locator('form.ceremony-form button[type=submit]').click(),
    ]);
    assert.equal((await flash(page)).trim(), t('ceremonies.flash.created'));
    const ceremony = await CeremonyModel.findOne().lean();
    assert.equal(ceremony?.date, CEREMONY_DAY);
    assert.equal(ceremony?.status, 'open');

    // Fill it: three couples added by the reference they read out.
    for (const c of couples) {
      await page.fill('#reference', c.reference.toLowerCase());
      await Promise.all([
        page.waitForLoadState(),
        page.locator('form.add-couple button[type=submit]').click(),
      ]);
      await page.waitForSelector('main div.flash');
      assert.equal((await flash(page)).trim(), t('ceremonies.flash.added_seated'));
    }
    const procession = () => page.locator('ol.procession > li .mono').allInnerTexts();
    const refs = (list: string[]) => list.map((s) => s.trim());
    assert.equal(await page.locator('ol.procession > li').count(), 3);
    assert.deepEqual(
      refs(await procession()),
      couples.map((c) => c.reference),
      'in the order they were added',
    );
    await shot(page, journey, '04-filled');

    // Reorder: by registration slot, then the 10:00 couple walks first.
    await Promise.all([page.waitForLoadState(), page.locator('form[action$="/sort"] button').click()]);
    await page.waitForSelector('main div.flash');
    assert.equal((await flash(page)).trim(), t('ceremonies.flash.sorted'));
    assert.deepEqual(refs(await procession()), [
      couples[1]!.reference,
      couples[2]!.reference,
      couples[0]!.reference,
    ]);
    const second = page.locator('ol.procession > li').nth(1);
    await Promise.all([
      page.waitForLoadState(),
      second.locator('form[action$="/move"]:has(input[value=up]) button').click(),
    ]);
    await page.waitForSelector('main div.flash');
    assert.equal((await flash(page)).trim(), t('ceremonies.flash.moved'));
    const order = [couples[2]!, couples[1]!, couples[0]!];
    assert.deepEqual(
      refs(await procession()),
      order.map((c) => c.reference),
    );
    // Couples a coordinator adds are confirmed already: nothing is waiting on them.
    assert.equal(await page.locator('ol.procession > li form[action$="/confirm"]').count(), 0);
    await shot(page, journey, '05-reordered');
    const seats = await CeremonySeatModel.find({ ceremony: ceremony!._id }).sort({ order: 1 }).lean();
    assert.deepEqual(
      seats.map((s) => String(s.appointment)),
      order.map((c) => String(c._id)),
    );
    assert.deepEqual(
      seats.map((s) => s.order),
      [1, 2, 3],
    );
    assert.deepEqual(
      seats.map((s) => s.confirmed),
      [true, true, true],
    );
    assert.equal((await CeremonyModel.findById(ceremony!._id).lean())?.seatsTaken, 3);

    // Print: the roster in procession order, with a signature column, and no buttons on paper.
    await page.locator(`a[href$="/${String(ceremony!._id)}/print"]`).click();
    await page.waitForURL('**/print');
    const rows = page.locator('table.print-table tbody tr');
    assert.equal(await rows.count(), 3);
    assert.deepEqual(
      refs(await rows.locator('td.mono').allInnerTexts()),
      order.map((c) => c.reference),
    );
    assert.equal((await rows.first().locator('td').nth(4).innerText()).trim(), '✓');
    await page.emulateMedia({ media: 'print' });
    await shot(page, journey, '06-print');
    const hidden = await page
      .locator('.no-print, nav.staff-nav, header.site-header')
      .evaluateAll(
        (els) => els.filter((e) => (e as { checkVisibility(): boolean }).checkVisibility()).length,
      );
    assert.equal(hidden, 0, 'navigation and hints are not printed');
    const pdf = await page.pdf({ format: 'A4' });
    assert.ok(pdf.length > 1000, 'the roster prints to a page');
    assert.deepEqual(problems, []);
  });
});
