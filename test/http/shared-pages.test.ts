// The day page and the month calendar are the same for every visitor of a moment, and are kept
// for that moment (a second, never longer than SCHEDULE_CACHE_MS): what they show is at most
// that old, a staff change or a freed place is shown at once, and nothing of one visitor's own
// (language, cookies, CSRF token, flash) ever reaches another.
import assert from 'node:assert/strict';
import * as cheerio from 'cheerio';
import { Router } from 'express';
import request from 'supertest';
import { DayPlanModel } from '../../src/models/day-plan.model.ts';
import { createPageCache, PAGE_MEMORY_MS } from '../../src/web/page-cache.ts';
import { sharedPage } from '../../src/web/shared-page.ts';
import { couple } from '../helpers/ids.ts';
import { appWith, buildTestApp, createOffice, resetDatabase, type TestApp } from '../helpers/test-app.ts';

// Monday 3 August 2026, 10:00 in Chengdu (02:00 UTC). The test process runs in another TZ.
const NOW = '2026-08-03T02:00:00.000Z';
const DAY = '2026-08-10';
const DAY_PAGE = `/offices/jinjiang/days/${DAY}`;
const MONTH_PAGE = '/offices/jinjiang?month=2026-08';

const placesAt = (html: string, start: string) =>
  cheerio.load(html)(`.slot:contains("${start}–")`).find('.slot-left').text();
const cellOf = (html: string, date: string) =>
  cheerio.load(html)(`td[data-date="${date}"] .day-status`).text();

describe('shared pages: the day page and the month calendar kept for a moment', () => {
  let t: TestApp;
  let officeId: string;
  beforeEach(async () => {
    await resetDatabase();
    // Offices and day plans kept for a minute: the pages are kept for PAGE_MEMORY_MS.
    t = await buildTestApp({ now: NOW, env: { SCHEDULE_CACHE_MS: '60000' } });
    officeId = String((await createOffice())._id);
  });

  const book = (start = '09:00') =>
    t.container.services.booking.book({
      officeId,
      date: DAY,
      start,
      ...couple(),
      channel: 'online',
    });

  it('shows a booking on the day page and the month calendar once the moment has passed', async () => {
    const day = await request(t.app).get(DAY_PAGE).expect(200);
    assert.match(placesAt(day.text, '09:00'), /剩余 12 个名额/);
    const month = await request(t.app).get(MONTH_PAGE).expect(200);
    assert.match(cellOf(month.text, DAY), /余 156/);

    await book('09:00');
    // Within the moment the page is the one kept (the booking is checked by the counter anyway).
    assert.match(placesAt((await request(t.app).get(DAY_PAGE).expect(200)).text, '09:00'), /剩余 12 个名额/);

    t.clock.advance(PAGE_MEMORY_MS);
    assert.match(placesAt((await request(t.app).get(DAY_PAGE).expect(200)).text, '09:00'), /剩余 11 个名额/);
    assert.match(cellOf((await request(t.app).get(MONTH_PAGE).expect(200)).text, DAY), /余 155/);
  });

  it('shows a freed place at once', async () => {
    const booked = await book('09:00');
    assert.match(placesAt((await request(t.app).get(DAY_PAGE).expect(200)).text, '09:00'), /剩余 11 个名额/);
    await t.container.services.booking.cancel(booked.appointment._id, 'couple');
    assert.match(placesAt((await request(t.app).get(DAY_PAGE).expect(200)).text, '09:00'), /剩余 12 个名额/);
  });

  it("shows a staff change of the day at once, as the office's cache does", async () => {
    const before = await request(t.app).get(DAY_PAGE).expect(200);
    assert.equal(cheerio.load(before.text)('.slot').length, 13);
    await DayPlanModel.create({ office: officeId, date: DAY, kind: 'closed' });
    t.container.services.schedule.invalidate(officeId, DAY);
    const after = await request(t.app).get(DAY_PAGE).expect(200);
    assert.equal(cheerio.load(after.text)('.slot').length, 0, 'the closed day offers no slot');
  });

  it('offers the slots of a day from the moment its booking opens, not a moment later', async () => {
    const opensAt = new Date(new Date(NOW).getTime() + PAGE_MEMORY_MS / 2);
    await DayPlanModel.create({ office: officeId, date: DAY, kind: 'peak', bookingOpensAt: opensAt });
    const links = async (path: string, selector: string) =>
      cheerio.load((await request(t.app).get(path).expect(200)).text)(selector).length;
    assert.equal(await links(DAY_PAGE, '.slot a.button'), 0, 'not open yet');
    assert.equal(await links(MONTH_PAGE, `td[data-date="${DAY}"].day-not_yet_open`), 1);
    t.clock.set(opensAt);
    assert.equal(await links(DAY_PAGE, '.slot a.button'), 13, 'open: every slot offered');
    assert.equal(await links(MONTH_PAGE, `td[data-date="${DAY}"].day-open`), 1, 'and the calendar says so');
  });

  it("never gives one visitor another's language or cookies", async () => {
    const english = request.agent(t.app);
    const en = await english.get(`${DAY_PAGE}?lang=en`).expect(200);
    assert.equal(cheerio.load(en.text)('html').attr('lang'), 'en');
    const enAgain = await english.get(DAY_PAGE).expect(200);
    assert.equal(cheerio.load(enAgain.text)('html').attr('lang'), 'en', 'the choice is remembered');
    assert.match(
      cheerio.load(enAgain.text)('.lang-switch a, a[href*="lang="]').attr('href') ?? '',
      /lang=zh/,
    );

    const other = await request(t.app).get(DAY_PAGE).expect(200);
    assert.equal(cheerio.load(other.text)('html').attr('lang'), 'zh-CN', 'a new visitor reads Chinese');
    const cookies = (res: request.Response) => [res.headers['set-cookie'] ?? []].flat().join('\n');
    const firstId = /vid=([^;]+)/.exec(cookies(en))?.[1];
    const otherId = /vid=([^;]+)/.exec(cookies(other))?.[1];
    assert.ok(firstId && otherId, 'each new visitor is given a visitor id');
    assert.notEqual(otherId, firstId, 'of its own');
    assert.doesNotMatch(cookies(other), /lang=/, 'and no language it did not choose');

    const otherEnglish = await request(t.app).get(`${DAY_PAGE}?lang=en`).expect(200);
    assert.equal(cheerio.load(otherEnglish.text)('html').attr('lang'), 'en');
  });

  it('answers visitors asking at the same moment each in their own language', async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        i % 2 ? request(t.app).get(DAY_PAGE).set('Cookie', 'lang=en') : request(t.app).get(DAY_PAGE),
      ),
    );
    answers.forEach((r, i) => {
      assert.equal(r.status, 200);
      assert.equal(cheerio.load(r.text)('html').attr('lang'), i % 2 ? 'en' : 'zh-CN');
      assert.match(placesAt(r.text, '09:00'), i % 2 ? /12 places left/ : /剩余 12 个名额/);
    });
  });

  it('shows a flash to its visitor alone, and keeps no page that carries a CSRF token', async () => {
    const kept = createPageCache({ keepMs: PAGE_MEMORY_MS, now: () => t.clock().getTime() });
    const app = appWith(t, [
      {
        path: '/probe',
        router: Router()
          .get('/flash', (_req, res) => {
            res.flash('success', 'ceremony.flash.left');
            res.redirect(303, DAY_PAGE);
          })
          .get('/token', async (req, res) => {
            if ((await sharedPage(kept, req, res, async () => [])).answered) return;
            res.send(String(res.locals.csrfToken()));
          }),
      },
    ]);
    const flashed = request.agent(app);
    await flashed.get('/probe/flash').expect(303);
    const withFlash = await flashed.get(DAY_PAGE).expect(200);
    const flashText = cheerio.load(withFlash.text)('.flash').text();
    assert.ok(flashText.length > 0, 'the visitor sees its flash');
    const another = await request(app).get(DAY_PAGE).expect(200);
    assert.equal(cheerio.load(another.text)('.flash').length, 0, 'another visitor never does');
    const seenOnce = await flashed.get(DAY_PAGE).expect(200);
    assert.equal(cheerio.load(seenOnce.text)('.flash').length, 0, 'nor the same one twice');

    const first = await request(app).get('/probe/token').expect(200);
    const second = await request(app).get('/probe/token').expect(200);
    assert.notEqual(second.text, first.text, "each visitor its own token, never another's");
  });
});
