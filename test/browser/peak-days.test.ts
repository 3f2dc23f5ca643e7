// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright locators, not DOM nodes: innerText is the text a person sees.
// The peak days up front, and the pages that name themselves: a couple finds Qixi, a lottery
// day and a day not open yet from the office page in one tap; calendar cells say when a day
// opens; the month lists its ceremonies; a long label stays on one line in a phone's cell; a
// closed day shows no booking deadline; a refused booking form lists its errors at the top,
// focused, each linked to its field. In Chinese on a phone with JavaScript, in English on a
// desktop without. Every step photographed.
import assert from 'node:assert/strict';
import { formatDate, formatShortDate } from '../../src/i18n/format.ts';
import type { Locale } from '../../src/i18n/locales.ts';
import { type MessageKey, translate } from '../../src/i18n/translate.ts';
import { DayPlanModel } from '../../src/models/day-plan.model.ts';
import { launchBrowser, overflowsHorizontally, shot, watchProblems } from '../helpers/browser.ts';
import { type RunningServer, startTestServer } from '../helpers/server.ts';
import { resetDatabase } from '../helpers/test-app.ts';
import { NOW, officeWithQixi, QIXI, qixiCeremony } from './fixtures.ts';

/** A peak day whose bookings open on 2 September at 09:00, Chengdu time. */
const NINE_NINE = '2026-09-09';
/** 521, given out by lottery: applications from now until 1 May, the draw on 2 May. */
const DAY_521 = '2027-05-21';
const CLOSED_SUNDAY = '2026-08-16';

describe('browser: peak days up front, pages that name themselves', function () {
  this.timeout(180_000);
  let server: RunningServer;

  beforeEach(async () => {
    await resetDatabase();
    server = await startTestServer({ now: NOW });
    const office = await officeWithQixi();
    const officeId = office._id.toString();
    await qixiCeremony(server.container.services, officeId);
    await DayPlanModel.create({
      office: office._id,
      date: NINE_NINE,
      kind: 'peak',
      label: { zh: '九九', en: 'Nine-nine' },
      bookingOpensAt: new Date('2026-09-02T01:00:00.000Z'),
    });
    await DayPlanModel.create({
      office: office._id,
      date: DAY_521,
      kind: 'peak',
      label: { zh: '521（我爱你）', en: '521 (“I love you”)' },
    });
    await server.container.services.lottery.configureDay(officeId, DAY_521, {
      mode: 'lottery',
      opensAt: '2027-04-01T09:00',
      closesAt: '2027-05-01T17:00',
      drawAt: '2027-05-02T10:00',
      confirmHours: 24,
    });
  });
  afterEach(async () => {
    await server?.close();
  });

  async function journey(
    name: string,
    locale: Locale,
    device: 'phone' | 'desktop',
    javaScriptEnabled: boolean,
  ) {
    const t = (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params);
    const browser = await launchBrowser({ baseURL: server.url, locale, device, javaScriptEnabled });
    const { page } = browser;
    const problems = watchProblems(page);
    let step = 0;
    const snap = async (label: string) => {
      step += 1;
      await shot(page, name, `${String(step).padStart(2, '0')}-${label}`);
      assert.equal(await overflowsHorizontally(page), false, `${label}: the page scrolls sideways`);
    };
    const office = locale === 'en' ? 'Jinjiang District Marriage Registry' : '锦江区婚姻登记处';
    const app = t('app.name');
    try {
      await page.goto(`/offices/jinjiang?lang=${locale === 'en' ? 'en' : 'zh'}`);

      // The office page: its own title, a language switch named by its text, in its language.
      const august = t('page.office_title', { month: locale === 'en' ? 'August 2026' : '2026年8月' });
      assert.equal(await page.title(), `${august} · ${office} · ${app}`);
      const other = page.locator('a.lang-switch');
      assert.equal(await other.getAttribute('lang'), locale === 'en' ? 'zh-CN' : 'en');
      assert.equal(await other.getAttribute('hreflang'), locale === 'en' ? 'zh-CN' : 'en');
      assert.equal(await other.getAttribute('aria-label'), null, 'named by its visible text');

      // The first Tab reaches the skip link, which leads to the content.
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate('document.activeElement.className'), 'skip-link');
      assert.equal(await page.locator('a.skip-link').innerText(), t('page.skip_to_main'));
      await snap('office-skip-link');

      // The coming peak days, before the calendar: Qixi (first come, open now, its ceremony),
      // the day not open yet (its opening moment), 521 (lottery, when applications open).
      const items = page.locator('li.peak-ahead-item');
      assert.deepEqual(await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-date'))), [
        QIXI,
        NINE_NINE,
        DAY_521,
      ]);
      const qixi = items.nth(0);
      assert.match(await qixi.innerText(), locale === 'en' ? /Qixi/ : /七夕/);
      assert.match(await qixi.innerText(), new RegExp(t('peak.first_come')));
      assert.match(await qixi.innerText(), new RegExp(t('peak.open_now')));
      assert.match(
        await qixi.locator('.peak-ahead-ceremony').innerText(),
        locale === 'en'
          ? /Qixi group certificate ceremony at 16:00 · 7 of 7/
          : /16:00 七夕集体颁证仪式 · 余 7 对/,
      );
      assert.match(
        await items.nth(1).locator('.peak-ahead-mode').innerText(),
        new RegExp(t('day.opens_at', { at: `${formatDate('2026-09-02', locale)} 09:00` })),
      );
      const lottery = items.nth(2);
      assert.equal(await lottery.getAttribute('data-allocation'), 'lottery');
      assert.match(await lottery.innerText(), new RegExp(t('day.lottery')));
      assert.match(
        await lottery.locator('.peak-ahead-mode').innerText(),
        locale === 'en'
          ? /Applications open Thu 1 Apr 2027 09:00; draw Sun 2 May 2027 10:00/
          : /2027年4月1日 周四 09:00 开始报名，2027年5月2日 周日 10:00 抽签/,
      );
      assert.match(await page.locator('.peak-ahead-zone').innerText(), /Asia\/Shanghai/);

      // The August page lists the Qixi ceremony.
      assert.equal(await page.locator('#ceremonies li.ceremony-card').count(), 1);
      await snap('office-peak-days');

      // One tap from the list to the day; the day page's title names it.
      await Promise.all([
        page.waitForURL(`**/days/${NINE_NINE}`),
        items.nth(1).locator('a.peak-ahead-link').click(),
      ]);
      assert.equal(await page.title(), `${formatDate(NINE_NINE, locale)} · ${office} · ${app}`);
      await snap('nine-nine-day');

      // September: the cells of days not open yet say when they open, short on screen, whole for screen readers.
      await page.goto('/offices/jinjiang?month=2026-09');
      const cell = page.locator(`td[data-date="${NINE_NINE}"]`);
      const shown = (await cell.locator('.day-opens').innerText()).replace(/\s+/g, ' ').trim();
      assert.equal(shown, `${t('daycell.opens')} ${formatShortDate('2026-09-02', locale)} 09:00`);
      assert.match(
        (await cell.locator('.visually-hidden').last().textContent()) ?? '',
        new RegExp(`^${t('day.not_yet_open')}`),
      );
      assert.equal(
        await page.locator('td.day-not_yet_open .day-status').filter({ hasText: 'Soon' }).count(),
        0,
        'the cells say what the legend says',
      );
      await snap('september-opening-times');

      // May 2027: 521's long label is one short line in its cell, the whole label read out.
      await page.goto('/offices/jinjiang?month=2027-05');
      const badge = page.locator(`td[data-date="${DAY_521}"] .badge-peak`);
      assert.equal((await badge.innerText()).trim(), '521');
      const box = await badge.boundingBox();
      assert.ok(box && box.height < 24, `the label fits on one line (${box?.height}px high)`);
      assert.match(
        (await page.locator(`td[data-date="${DAY_521}"] .visually-hidden`).first().textContent()) ?? '',
        locale === 'en' ? /521 \(“I love you”\)/ : /521（我爱你）/,
      );
      await snap('may-521');

      // A closed day: no booking deadline.
      await page.goto(`/offices/jinjiang/days/${CLOSED_SUNDAY}`);
      assert.equal((await page.locator('.day-state').innerText()).trim(), t('day.closed'));
      await snap('closed-day');

      // A refused booking form: the summary first, focused, a link per field; each control
      // points to its error text.
      await page.goto(`/offices/jinjiang/days/${QIXI}/book?start=10:00`);
      await page.fill('#p0-name', '张三');
      await Promise.all([page.waitForLoadState(), page.locator('button[type=submit].primary').click()]);
      assert.match(await page.title(), new RegExp(`^${t('page.error_prefix')}${t('book.title')} · `));
      const summary = page.locator('#error-summary');
      await summary.waitFor();
      assert.equal(
        await page.evaluate('document.activeElement && document.activeElement.id'),
        'error-summary',
      );
      const links = summary.locator('a');
      assert.equal(
        await links.count(),
        5,
        'three fields of one partner missing and two of the other (the e-mail may be left out)',
      );
      assert.equal(await links.first().getAttribute('href'), '#p0-idNumber');
      assert.match(
        await links.first().innerText(),
        new RegExp(`${t('book.partner_a')} · ${t('book.id_number')}`),
      );
      const described = await page.locator('#p0-idNumber').getAttribute('aria-describedby');
      assert.equal(described, 'partners-0-idNumber-error');
      assert.equal(await page.locator('#p0-idNumber').getAttribute('aria-invalid'), 'true');
      assert.equal((await page.locator(`#${described}`).innerText()).trim(), t('field.required'));
      assert.equal(await page.inputValue('#p0-name'), '张三', 'what was typed is kept');
      await snap('form-error-summary');
      await links.first().click();
      assert.equal(await page.evaluate('document.activeElement && document.activeElement.id'), 'p0-idNumber');
      await snap('form-error-followed');

      assert.deepEqual(problems, [], 'no console errors, failed requests or server errors');
    } finally {
      await browser.close();
    }
  }

  it('in Chinese, on a phone, with JavaScript', async () => {
    await journey('peak-days-zh-phone', 'zh-CN', 'phone', true);
  });

  it('in English, on a desktop, without JavaScript', async () => {
    await journey('peak-days-en-desktop-nojs', 'en', 'desktop', false);
  });
});
