// The demo closes the statutory public holidays through the holiday import staff use, and
// lists the documents the 2025 Marriage Registration Regulations ask for.
import assert from 'node:assert/strict';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { springFestivalDate, statutoryHolidayCsv } from '../../src/domain/statutory-holidays.ts';
import { AuditLogModel } from '../../src/models/audit-log.model.ts';
import { DayPlanModel } from '../../src/models/day-plan.model.ts';
import { OfficeModel } from '../../src/models/office.model.ts';
import { seedDemoOffice } from '../../src/seed/demo-seed.ts';
import { holidaySeeder } from '../../src/seed/holiday-seed.ts';
import { buildTestApp, resetDatabase, type TestApp } from '../helpers/test-app.ts';

// Saturday 5 December 2026, 10:00 in Chengdu: 元旦 2027 is within the 30-day booking window.
const NOW = '2026-12-05T02:00:00.000Z';

describe('demo seed: statutory holidays and the documents list', () => {
  let t: TestApp;
  const seed = async () => {
    const ctx = { now: t.clock(), log: () => undefined };
    await seedDemoOffice(ctx);
    await holidaySeeder(t.container)(ctx);
  };
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
  });

  it('finds the Spring Festival by the lunar calendar: 17 Feb 2026, 6 Feb 2027, 26 Jan 2028', () => {
    assert.equal(springFestivalDate(2026), '2026-02-17');
    assert.equal(springFestivalDate(2027), '2027-02-06');
    assert.equal(springFestivalDate(2028), '2028-01-26');
    const csv = statutoryHolidayCsv(2027).split('\n');
    assert.equal(csv[0], 'date,kind,label_zh,label_en');
    assert.ok(csv.includes('2027-01-01,closed,元旦,New Year’s Day'));
    assert.ok(csv.includes('2027-02-05,closed,春节,Spring Festival'), 'the eve');
    assert.ok(csv.includes('2027-02-09,closed,春节,Spring Festival'), 'the third day');
    assert.ok(csv.includes('2027-10-07,closed,国庆节,National Day'));
  });

  it('closes 元旦, the Spring Festival and the National Day week of this year and the next, once, audited as an import', async () => {
    await seed();
    const closed = async (date: string) => (await DayPlanModel.findOne({ date }).lean())?.kind;
    assert.equal(await closed('2027-01-01'), 'closed');
    for (const date of ['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09'])
      assert.equal(await closed(date), 'closed', date);
    for (let d = 1; d <= 7; d++) assert.equal(await closed(`2027-10-0${d}`), 'closed');
    // This year's notice: the week of National Day is past, its make-up days too.
    assert.equal(await closed('2026-12-31'), undefined);
    assert.equal(await AuditLogModel.countDocuments({ action: 'plan.import' }), 2, 'one import per year');

    const before = await DayPlanModel.countDocuments();
    await seed();
    assert.equal(await DayPlanModel.countDocuments(), before, 'seeding again changes nothing');

    // 元旦 is not bookable: the calendar says closed, the day offers no slot, the form refuses.
    const month = cheerio.load(
      (await request(t.app).get('/offices/jinjiang?month=2027-01').expect(200)).text,
    );
    const cell = month('td[data-date="2027-01-01"]');
    assert.ok(cell.hasClass('day-closed'));
    assert.equal(cell.find('a').length, 0, 'a closed day is not a link');
    const day = cheerio.load(
      (await request(t.app).get('/offices/jinjiang/days/2027-01-01').expect(200)).text,
    );
    assert.equal(day('.slot').length, 0);
    assert.equal(day('.day-state').text().trim(), '不办公', 'a closed day has no 预约截止 line');
    assert.equal(day('a[href*="/book?"]').length, 0);
  });

  it('imports the whole 2026 notice, make-up working days on weekends included', async () => {
    await seedDemoOffice({ now: t.clock(), log: () => undefined });
    const office = await t.container.services.schedule.getOffice('jinjiang');
    t.clock.set('2025-12-01T02:00:00.000Z');
    const preview = await t.container.services.staff.planning.previewImport(
      office,
      statutoryHolidayCsv(2026),
    );
    assert.deepEqual(preview.errors, []);
    assert.equal(preview.lines.filter((l) => l.row.kind === 'special').length, 6);
    assert.equal(preview.lines.filter((l) => l.row.kind === 'closed').length, 33);
  });

  it('lists the documents of the 2025 regulations: ID, the declaration before the registrar, three joint photos; no household register', async () => {
    await seed();
    const office = await OfficeModel.findOne({ slug: 'jinjiang' }).lean();
    const zh = office!.documents.map((d) => d.zh).join('\n');
    assert.doesNotMatch(zh, /户口/);
    assert.match(zh, /居民身份证/);
    assert.match(zh, /婚姻登记员面前签署.*声明/);
    assert.match(zh, /2 寸合影照片 3 张/);
    const en = office!.documents.map((d) => d.en).join('\n');
    assert.doesNotMatch(en, /household/i);
    assert.match(en, /passport/);
  });
});
