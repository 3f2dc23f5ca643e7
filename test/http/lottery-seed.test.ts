import assert from 'node:assert/strict';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { DayPlanModel } from '../../src/models/day-plan.model.ts';
import { seedDemoOffice } from '../../src/seed/demo-seed.ts';
import { lotterySeeder } from '../../src/seed/lottery-seed.ts';
import { buildTestApp, resetDatabase, type TestApp } from '../helpers/test-app.ts';

// Monday 3 August 2026, 10:00 in Chengdu: the next 520 is 2027-05-20.
const NOW = '2026-08-03T02:00:00.000Z';

describe('lottery demo seed', () => {
  let t: TestApp;
  const seed = async () => {
    const ctx = { now: t.clock(), log: () => undefined };
    await seedDemoOffice(ctx);
    await lotterySeeder(t.container)(ctx);
  };
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
  });

  it('gives the next 520 out by lottery, open for applications from today, once', async () => {
    await seed();
    const plan = await DayPlanModel.findOne({ 'label.zh': '520' }).lean();
    assert.equal(plan!.date, '2027-05-20');
    assert.equal(plan!.allocation, 'lottery');
    assert.equal(plan!.lottery!.opensAt.toISOString(), '2026-08-02T16:00:00.000Z');
    assert.equal(plan!.lottery!.closesAt.toISOString(), '2027-05-06T10:00:00.000Z');
    assert.equal(plan!.lottery!.drawAt.toISOString(), '2027-05-07T02:00:00.000Z');
    assert.match(plan!.lottery!.commitment, /^[0-9a-f]{64}$/);

    await seed();
    const again = await DayPlanModel.findOne({ 'label.zh': '520' }).lean();
    assert.equal(again!.lottery!.commitment, plan!.lottery!.commitment, 'the seed is never replaced');

    const page = await request(t.app).get('/offices/jinjiang/days/2027-05-20').expect(200);
    assert.ok(cheerio.load(page.text)('body').text().includes(plan!.lottery!.commitment));
  });
});
