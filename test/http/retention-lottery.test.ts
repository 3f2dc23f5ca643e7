// A drawn lottery day, RETENTION_DAYS later: applications that got no place are erased after
// their day, winners with their bookings; the couple's status page says so, and the staff
// result page and its CSV still list every application in draw order, with its status.
import assert from 'node:assert/strict';
import { LotteryApplicationModel } from '../../src/models/lottery-application.model.ts';
import { browser } from '../helpers/forms.ts';
import { buildTestApp, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { apply, DAY, DRAW, lotteryOffice, NOW } from './lottery-support.ts';
import { createUser, signIn } from './staff-fixtures.ts';

/** 179 and 181 days after the lottery day (19 August 2026), 10:00 in Chengdu. */
const DAY_179 = '2027-02-14T02:00:00.000Z';
const DAY_181 = '2027-02-16T02:00:00.000Z';
const ERASED = '已按规定删除个人信息';

describe('a lottery day past the retention period', () => {
  let t: TestApp;
  let officeId: string;
  let names: string[];

  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    officeId = (await lotteryOffice(t))._id.toString();
    await createUser('registrar@example.com', 'registrar', [officeId]);
    names = [];
    // 10 couples for 8 places: 8 offered a place (a booking), 2 not drawn.
    for (let i = 0; i < 10; i++) {
      const { couple } = await apply(t, officeId);
      names.push(...couple.partners.map((p) => p.name));
    }
    t.clock.set(DRAW);
    await t.container.services.lottery.runDueDraws(new Date(DRAW));
  });

  const statuses = async () =>
    (await LotteryApplicationModel.find({}).lean())
      .map((a) => [a.status, Boolean(a.erasedAt)].join(':'))
      .sort();

  it('erases every application and its booking after the day, and the pages still show the result', async () => {
    t.clock.set(DAY_179);
    assert.equal((await t.container.services.retention.run()).counts.lotteryApplications, 0);
    t.clock.set(DAY_181);
    const { counts } = await t.container.services.retention.run();
    assert.equal(counts.lotteryApplications, 10);
    assert.equal(counts.appointments, 8);
    assert.deepEqual(await statuses(), [...Array(2).fill('applied:true'), ...Array(8).fill('offered:true')]);

    const waiting = await LotteryApplicationModel.findOne({ status: 'applied' }).lean();
    const page = await browser(t.app).get(
      await t.container.services.lottery.statusPath(waiting!._id.toString()),
    );
    assert.equal(page.res.status, 200);
    assert.match(page.res.text, new RegExp(ERASED));
    for (const name of names) assert.ok(!page.res.text.includes(name), name);

    const b = await signIn(t, 'registrar@example.com');
    const base = `/staff/lottery/${officeId}/${DAY}`;
    const result = await b.get(`${base}/result`);
    assert.equal(result.res.status, 200);
    assert.equal(result.$('.lottery-result tbody tr').length, 10);
    assert.equal(result.$('.lottery-result tr[data-status="offered"]').length, 8);
    assert.equal(result.$('.lottery-result .erased').length, 10);
    const csv = await b.agent.get(`${base}/result.csv`).expect(200);
    const rows = csv.text.trim().split('\r\n').slice(3);
    assert.equal(rows.length, 10);
    assert.ok(rows.every((r) => r.endsWith(`"${ERASED}"`)));
    assert.equal(rows.filter((r) => r.includes('"offered"')).length, 8);
    for (const name of names) assert.ok(!csv.text.includes(name) && !result.res.text.includes(name), name);
  });
});
