// The blank booking form is the same page for every visitor of a slot at a moment but for its
// CSRF token and idempotency key: kept with holes for those two (blank-form-page.ts), each visitor
// gets its own, valid for it alone, and a staff change of the day is seen at once.
import assert from 'node:assert/strict';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { DayPlanModel } from '../../src/models/day-plan.model.ts';
import { OfficeModel } from '../../src/models/office.model.ts';
import { browser, formFields } from '../helpers/forms.ts';
import { couple } from '../helpers/ids.ts';
import { buildTestApp, createOffice, resetDatabase, type TestApp } from '../helpers/test-app.ts';

// Monday 3 August 2026, 10:00 in Chengdu (02:00 UTC). The test process runs in another TZ.
const NOW = '2026-08-03T02:00:00.000Z';
const DAY = '2026-08-10';
const BOOK_PATH = `/offices/jinjiang/days/${DAY}/book`;
const FORM = `${BOOK_PATH}?start=09:00`;

const field = (html: string, name: string) => String(cheerio.load(html)(`input[name=${name}]`).val());
/** The page without its visitor's own values. */
const withoutOwn = (html: string) =>
  html.replace(field(html, '_csrf'), 'CSRF').replace(field(html, 'idempotencyKey'), 'KEY');

describe('the blank booking form kept with holes', () => {
  let t: TestApp;
  let officeId: string;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW, env: { SCHEDULE_CACHE_MS: '60000' } });
    officeId = String((await createOffice())._id);
  });

  it('gives each visitor its own token and key, valid for it alone, on the same page', async () => {
    const first = browser(t.app);
    const second = browser(t.app);
    const a = (await first.get(FORM)).res;
    const b = (await second.get(FORM)).res;
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    assert.notEqual(field(b.text, '_csrf'), field(a.text, '_csrf'));
    assert.notEqual(field(b.text, 'idempotencyKey'), field(a.text, 'idempotencyKey'));
    assert.equal(withoutOwn(b.text), withoutOwn(a.text));

    const c = couple();
    const form = (html: string) => ({
      _csrf: field(html, '_csrf'),
      idempotencyKey: field(html, 'idempotencyKey'),
      start: '09:00',
      ...formFields({ partners: c.partners }),
      email: c.email,
      language: c.language,
    });
    const stolen = await first.post(BOOK_PATH, form(b.text));
    assert.equal(stolen.res.status, 403, "another visitor's token is refused");
    const posted = await second.post(BOOK_PATH, form(b.text));
    assert.equal(posted.res.status, 303, 'the kept form books');
  });

  it('is in the language of its visitor', async () => {
    const en = await request(t.app).get(FORM).set('Cookie', 'lang=en').expect(200);
    const zh = await request(t.app).get(FORM).expect(200);
    assert.equal(cheerio.load(en.text)('html').attr('lang'), 'en');
    assert.equal(cheerio.load(zh.text)('html').attr('lang'), 'zh-CN');
  });

  it('shows a staff change of the day at once', async () => {
    await request(t.app).get(FORM).expect(200);
    await DayPlanModel.create({ office: officeId, date: DAY, kind: 'closed' });
    t.container.services.schedule.invalidate(officeId, DAY);
    await request(t.app).get(FORM).expect(404);
  });

  it('shows an office renamed by staff as soon as the schedule cache does', async () => {
    assert.match((await request(t.app).get(FORM).expect(200)).text, /锦江区婚姻登记处/);
    await OfficeModel.updateOne({ _id: officeId }, { $set: { 'name.zh': '锦江区新登记处' } });
    assert.match(
      (await request(t.app).get(FORM).expect(200)).text,
      /锦江区婚姻登记处/,
      'the cache holds the office',
    );
    t.container.services.schedule.invalidate(officeId);
    assert.match((await request(t.app).get(FORM).expect(200)).text, /锦江区新登记处/);
  });
});
