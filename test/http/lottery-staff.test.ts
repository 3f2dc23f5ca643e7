import assert from 'node:assert/strict';
import * as cheerio from 'cheerio';
import { Types } from 'mongoose';
import request from 'supertest';
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { DayPlanModel } from '../../src/models/day-plan.model.ts';
import { LotteryApplicationModel } from '../../src/models/lottery-application.model.ts';
import { LotteryDrawModel } from '../../src/models/lottery-draw.model.ts';
import { LotteryReserveModel } from '../../src/models/lottery-reserve.model.ts';
import { SlotModel } from '../../src/models/slot.model.ts';
import { type StaffRole, StaffUserModel } from '../../src/models/staff-user.model.ts';
import { hashPassword } from '../../src/services/staff/password.ts';
import { browser, formFields } from '../helpers/forms.ts';
import { couple } from '../helpers/ids.ts';
import { buildTestApp, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { apply, DAY, DAY_PATH, DRAW, lotteryOffice, NOW } from './lottery-support.ts';

const PASSWORD = 'correct horse battery staple';

describe('lottery staff pages', () => {
  let t: TestApp;
  let officeId: string;
  let passwordHash: string;
  let base: string;
  before(async () => {
    passwordHash = await hashPassword(PASSWORD);
  });
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    officeId = (await lotteryOffice(t, { lottery: false }))._id.toString();
    base = `/staff/lottery/${officeId}/${DAY}`;
    const user = (email: string, role: StaffRole, offices: string[]) =>
      StaffUserModel.create({
        email,
        name: email.split('@')[0]!,
        role,
        offices: offices.map((o) => new Types.ObjectId(o)),
        passwordHash,
      });
    await user('registrar@example.com', 'registrar', [officeId]);
    await user('coord@example.com', 'coordinator', [officeId]);
    await user('elsewhere@example.com', 'registrar', [new Types.ObjectId().toString()]);
  });

  async function signIn(email: string) {
    const b = browser(t.app);
    const token = await b.csrfFrom('/staff/login');
    const { res } = await b.post('/staff/login', { _csrf: token, email, password: PASSWORD, next: '/staff' });
    assert.equal(res.status, 303, `sign-in of ${email}`);
    return b;
  }
  async function act(
    b: ReturnType<typeof browser>,
    page: string,
    action: string,
    form: Record<string, string>,
  ) {
    const token = await b.csrfFrom(page);
    return b.post(action, { _csrf: token, ...form });
  }
  const lotteryForm = {
    mode: 'lottery',
    opensAt: '2026-08-03T09:00',
    closesAt: '2026-08-10T17:00',
    drawAt: '2026-08-11T10:00',
    confirmHours: '24',
  };

  it('lets only registrars and administrators of the office in', async () => {
    const anonymous = await request(t.app).get('/staff/lottery').expect(303);
    assert.match(String(anonymous.headers.location), /^\/staff\/login\?next=%2Fstaff%2Flottery/);
    const coordinator = await signIn('coord@example.com');
    assert.equal((await coordinator.get('/staff/lottery')).res.status, 403);
    const elsewhere = await signIn('elsewhere@example.com');
    assert.equal((await elsewhere.get(base)).res.status, 403);
    const list = await elsewhere.get('/staff/lottery');
    assert.equal(list.$('.lottery-days tbody tr').length, 0, 'days of other offices are not listed');
    const registrar = await signIn('registrar@example.com');
    const mine = await registrar.get('/staff/lottery');
    assert.equal(mine.res.status, 200);
    assert.equal(mine.$(`.lottery-days tr[data-date="${DAY}"]`).length, 1);
    assert.match(mine.$(`.lottery-days tr[data-date="${DAY}"]`).text(), /七夕/);
  });

  it('puts a peak day in lottery mode, publishes the commitment, and refuses inconsistent times', async () => {
    const b = await signIn('registrar@example.com');
    const bad = await act(b, base, `${base}/settings`, { ...lotteryForm, drawAt: '2026-08-10T16:00' });
    assert.equal(bad.res.status, 422);
    assert.match(bad.$('#settings-drawAt-error').text(), /抽签时间不能早于申请截止时间/);
    assert.equal((await DayPlanModel.findOne({ date: DAY }).lean())!.allocation, 'fcfs');

    const saved = await act(b, base, `${base}/settings`, lotteryForm);
    assert.equal(saved.res.status, 303);
    const plan = await DayPlanModel.findOne({ date: DAY }).lean();
    assert.equal(plan!.allocation, 'lottery');
    assert.equal(plan!.lottery!.opensAt.toISOString(), '2026-08-03T01:00:00.000Z');
    assert.equal(plan!.lottery!.drawAt.toISOString(), '2026-08-11T02:00:00.000Z');
    const day = cheerio.load((await request(t.app).get(DAY_PATH)).text);
    assert.equal(day('[data-commitment]').text().trim(), plan!.lottery!.commitment);

    // Saving again keeps the seed: the commitment already published does not change.
    await act(b, base, `${base}/settings`, { ...lotteryForm, confirmHours: '48' });
    const again = await DayPlanModel.findOne({ date: DAY }).lean();
    assert.equal(again!.lottery!.commitment, plan!.lottery!.commitment);
    assert.equal(again!.lottery!.confirmHours, 48);
    const page = await b.get(base);
    assert.equal(page.$('[data-commitment]').text().trim(), plan!.lottery!.commitment);
    assert.equal(page.$('[data-seed]').length, 0, 'the seed is not shown before the draw');
    assert.equal(page.$('#s-closesAt').val(), '2026-08-10T17:00');

    // With applications in, the day cannot go back to first come, first served.
    await apply(t, officeId);
    const back = await act(b, base, `${base}/settings`, { mode: 'fcfs' });
    assert.equal(back.res.status, 409);
    assert.match(back.$('.flash-error').text(), /已有 1 份抽签申请/);
  });

  it('shows applications against places while the window is open, and the full result after the draw', async () => {
    await t.container.services.lottery.configureDay(officeId, DAY, {
      ...lotteryForm,
      mode: 'lottery' as const,
      confirmHours: 24,
    });
    for (let i = 0; i < 13; i++) await apply(t, officeId);
    let b = await signIn('registrar@example.com');
    const open = await b.get(base);
    assert.equal(open.$('.lottery-demand').attr('data-applications'), '13');
    assert.equal(open.$('.lottery-demand').attr('data-places'), '8');
    assert.match(open.$('.lottery-demand').text(), /13 份申请 \/ 8 个名额（1\.6 倍）/);
    assert.equal(open.$('form[action$="/draw"]').length, 0, 'not due yet');

    t.clock.set(DRAW);
    // A week later the session has long been idle: sign in again.
    b = await signIn('registrar@example.com');
    const due = await b.get(base);
    assert.equal(due.$('form[action$="/draw"]').length, 1);
    const drawn = await act(b, base, `${base}/draw`, {});
    assert.equal(drawn.res.status, 303);
    const draw = await LotteryDrawModel.findOne().select('+seed').lean();
    assert.equal(draw!.state, 'drawn');
    const after = await b.get(base);
    assert.equal(after.$('[data-seed]').text().trim(), draw!.seed);
    assert.equal(after.$('[data-count="offered"] td').text(), '8');
    assert.equal(after.$('[data-count="applied"] td').text(), '5');

    const result = await b.get(`${base}/result`);
    assert.equal(result.res.status, 200);
    const rows = result.$('.lottery-result tbody tr');
    assert.equal(rows.length, 13);
    assert.deepEqual(
      rows.map((_, el) => result.$(el).find('td').first().text()).get(),
      Array.from({ length: 13 }, (_, i) => String(i + 1)),
    );
    assert.equal(result.$('.lottery-result tr[data-status="offered"]').length, 8);

    const csv = await b.agent.get(`${base}/result.csv`).expect(200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    assert.equal(lines[0], `# seed ${draw!.seed}`);
    assert.equal(lines.length, 3 + 13);
    const winners = draw!.winners!;
    assert.match(lines[3]!, new RegExp(`^"1","${winners[0]!.reference}"`));
  });

  it('holds places back from online booking until the release, and books priority couples from them', async () => {
    await DayPlanModel.updateOne({ date: DAY }, { $set: { quotaPerSlot: 2 } });
    const b = await signIn('registrar@example.com');
    const bad = await act(b, base, `${base}/reserve`, { perSlot: '2', releaseAt: '2026-08-19T10:00' });
    assert.equal(bad.res.status, 422);
    assert.match(bad.$('#reserve-releaseAt-error').text(), /释放时间须早于当天第一个时段/);
    const saved = await act(b, base, `${base}/reserve`, { perSlot: '2', releaseAt: '2026-08-18T12:00' });
    assert.equal(saved.res.status, 303);
    const slots = await SlotModel.find({ date: DAY }).lean();
    assert.deepEqual(slots.map((s) => [s.start, s.reserved, s.remaining]).sort(), [
      ['09:00', 2, 0],
      ['09:30', 2, 0],
      ['14:00', 2, 0],
      ['14:30', 2, 0],
    ]);

    // Online: every place is held back, so the day reads full and booking is refused.
    const c = couple();
    const refused = await request(t.app)
      .post('/api/v1/appointments')
      .send({ officeId, date: DAY, start: '09:00', ...c })
      .expect(409);
    assert.equal(refused.body.error.code, 'slot_full');
    const day = cheerio.load((await request(t.app).get(DAY_PATH)).text);
    assert.equal(day('a[href*="/book?start="]').length, 0);

    // The priority channel takes a reserved place.
    const page = await b.get(`${base}/priority`);
    assert.equal(page.res.status, 200);
    const priority = couple();
    const booked = await b.post(`${base}/priority`, {
      _csrf: page.$('input[name=_csrf]').val(),
      idempotencyKey: page.$('input[name=idempotencyKey]').val(),
      start: '09:00',
      ...formFields({ partners: priority.partners }),
      email: '',
      language: 'zh-CN',
    });
    assert.equal(booked.res.status, 303);
    const appointment = await AppointmentModel.findOne({ status: 'booked' }).lean();
    assert.equal(appointment!.channel, 'staff');
    const nine = await SlotModel.findOne({ date: DAY, start: '09:00' }).lean();
    assert.deepEqual([nine!.reserved, nine!.remaining, nine!.booked], [1, 0, 1]);

    // One minute before the release nothing moves; at the release unused places go online.
    assert.equal(
      await t.container.services.lottery.releaseReservedPools(new Date('2026-08-18T03:59:00Z')),
      0,
    );
    t.clock.set('2026-08-18T04:00:00.000Z');
    assert.equal(
      await t.container.services.lottery.releaseReservedPools(new Date('2026-08-18T04:00:00Z')),
      1,
    );
    assert.equal(
      await t.container.services.lottery.releaseReservedPools(new Date('2026-08-18T04:00:00Z')),
      0,
    );
    const released = await SlotModel.find({ date: DAY }).lean();
    assert.equal(
      released.reduce((n, s) => n + (s.reserved ?? 0), 0),
      0,
    );
    assert.equal(
      released.reduce((n, s) => n + s.remaining, 0),
      7,
    );
    assert.equal((await LotteryReserveModel.findOne().lean())!.releasedPlaces, 7);
    await request(t.app)
      .post('/api/v1/appointments')
      .send({ officeId, date: DAY, start: '09:00', ...c })
      .expect(201);
  });

  it('holds back only what is not booked, and reports the shortfall', async () => {
    const c = couple();
    await request(t.app)
      .post('/api/v1/appointments')
      .send({ officeId, date: DAY, start: '09:00', ...c })
      .expect(201);
    const b = await signIn('registrar@example.com');
    const saved = await act(b, base, `${base}/reserve`, { perSlot: '2', releaseAt: '2026-08-18T12:00' });
    assert.equal(saved.res.status, 303);
    const page = await b.get(base);
    assert.match(page.$('.flash').text(), /有 1 个名额已被预约，无法保留/);
    assert.equal(page.$('[data-reserve-total]').attr('data-reserve-total'), '7');
    const nine = await SlotModel.findOne({ date: DAY, start: '09:00' }).lean();
    assert.deepEqual([nine!.reserved, nine!.remaining, nine!.booked], [1, 0, 1]);
  });

  it('on a lottery day, draws only the places not held back, and passes released places down the line', async () => {
    await t.container.services.lottery.configureDay(officeId, DAY, {
      ...lotteryForm,
      mode: 'lottery' as const,
      confirmHours: 24,
    });
    await t.container.services.lottery.setReserve(officeId, DAY, {
      perSlot: 1,
      releaseAt: '2026-08-12T09:00',
    });
    for (let i = 0; i < 10; i++) await apply(t, officeId);
    t.clock.set(DRAW);
    await t.container.services.lottery.runDueDraws(new Date(DRAW));
    assert.equal(await LotteryApplicationModel.countDocuments({ status: 'offered' }), 4);
    t.clock.set('2026-08-12T01:00:00.000Z');
    await t.container.services.lottery.releaseReservedPools(new Date('2026-08-12T01:00:00Z'));
    await t.container.services.lottery.expireConfirmations(new Date('2026-08-12T01:00:00Z'));
    assert.equal(await LotteryApplicationModel.countDocuments({ status: 'offered' }), 8);
    assert.equal(await AppointmentModel.countDocuments({ channel: 'lottery', status: 'booked' }), 8);
  });

  it('is in both languages', async () => {
    await t.container.services.lottery.configureDay(officeId, DAY, {
      ...lotteryForm,
      mode: 'lottery' as const,
      confirmHours: 24,
    });
    const b = await signIn('registrar@example.com');
    const en = await b.get(`${base}?lang=en`);
    assert.match(en.$('h2#mode-h').text(), /Allocation and times/);
    assert.match(en.$('[data-mode]').text(), /Lottery/);
    assert.match(en.$('.staff-nav a[href="/staff/lottery"]').text(), /Lottery/);
    assert.equal(en.$('.staff-nav a[href="/staff/lottery"]').attr('aria-current'), 'page');
    const zh = await b.get(`${base}?lang=zh`);
    assert.match(zh.$('h2#mode-h').text(), /分配方式与时间/);
    const coordinator = await signIn('coord@example.com');
    assert.equal((await coordinator.get('/staff')).$('.staff-nav a[href="/staff/lottery"]').length, 0);
  });
});
