import assert from 'node:assert/strict';
import * as cheerio from 'cheerio';
import { Types } from 'mongoose';
import request from 'supertest';
import { AuditLogModel } from '../../src/models/audit-log.model.ts';
import { CeremonyModel } from '../../src/models/ceremony.model.ts';
import { CeremonySeatModel } from '../../src/models/ceremony-seat.model.ts';
import { type StaffRole, StaffUserModel } from '../../src/models/staff-user.model.ts';
import { hashPassword } from '../../src/services/staff/password.ts';
import { browser } from '../helpers/forms.ts';
import { buildTestApp, createOffice, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { book, NOW, openCeremony } from './ceremony-fixtures.ts';

const PASSWORD = 'correct horse battery';

describe('ceremony coordinator console', () => {
  let t: TestApp;
  let officeA: string;
  let officeB: string;
  let passwordHash: string;
  before(async () => {
    passwordHash = await hashPassword(PASSWORD);
  });
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    officeA = (await createOffice())._id.toString();
    officeB = (
      await createOffice({ slug: 'wuhou', name: { zh: '武侯区婚姻登记处', en: 'Wuhou' } })
    )._id.toString();
    const user = (email: string, role: StaffRole, offices: string[]) =>
      StaffUserModel.create({
        email,
        name: email.split('@')[0]!,
        role,
        offices: offices.map((o) => new Types.ObjectId(o)),
        passwordHash,
      });
    await user('coord@example.com', 'coordinator', [officeA]);
    await user('coord-b@example.com', 'coordinator', [officeB]);
    await user('registrar@example.com', 'registrar', [officeA]);
    await user('admin@example.com', 'admin', []);
  });

  async function signIn(email: string) {
    const b = browser(t.app);
    const token = await b.csrfFrom('/staff/login');
    const { res } = await b.post('/staff/login', { _csrf: token, email, password: PASSWORD, next: '/staff' });
    assert.equal(res.status, 303, `sign-in of ${email}`);
    return b;
  }
  /** Posts a form of the page (its CSRF token) to an action of the console. */
  async function act(
    b: ReturnType<typeof browser>,
    page: string,
    action: string,
    form: Record<string, string> = {},
  ) {
    const token = await b.csrfFrom(page);
    return b.post(action, { _csrf: token, ...form });
  }

  it('lets only coordinators and administrators of the office in', async () => {
    const ceremony = await openCeremony(t, officeA);
    const id = ceremony._id.toString();
    const anonymous = await request(t.app).get('/staff/ceremonies').expect(303);
    assert.match(String(anonymous.headers.location), /^\/staff\/login\?next=%2Fstaff%2Fceremonies/);
    await request(t.app).get(`/staff/ceremonies/${id}/print`).expect(303);

    const registrar = await signIn('registrar@example.com');
    assert.equal((await registrar.get('/staff/ceremonies')).res.status, 403);
    assert.equal((await registrar.get(`/staff/ceremonies/${id}`)).res.status, 403);
    assert.equal((await registrar.get(`/staff/ceremonies/${id}/print`)).res.status, 403);

    const other = await signIn('coord-b@example.com');
    assert.equal((await other.get('/staff/ceremonies')).res.status, 200);
    assert.equal(
      (await other.get('/staff/ceremonies')).$('.ceremony-table').length,
      0,
      'sees no other office',
    );
    assert.equal((await other.get(`/staff/ceremonies/${id}`)).res.status, 403);
    assert.equal((await other.get(`/staff/ceremonies/${id}/print`)).res.status, 403);
    const forbidden = await act(other, '/staff/ceremonies', `/staff/ceremonies/${id}/cancel`);
    assert.equal(forbidden.res.status, 403);
    assert.equal((await CeremonyModel.findById(id).lean())!.status, 'open');

    const coordinator = await signIn('coord@example.com');
    const list = await coordinator.get('/staff/ceremonies');
    assert.equal(list.res.status, 200);
    assert.equal(list.$(`tr[data-ceremony="${id}"]`).length, 1);
    assert.equal((await coordinator.get(`/staff/ceremonies/${id}`)).res.status, 200);
    assert.equal((await coordinator.get('/staff/ceremonies/0123456789abcdef01234567')).res.status, 404);
    assert.equal((await coordinator.get('/staff/ceremonies/nope')).res.status, 404);
    assert.equal(
      (await coordinator.get('/staff/ceremonies')).$('.staff-nav a[href="/staff/ceremonies"]').length,
      1,
    );

    const admin = await signIn('admin@example.com');
    assert.equal((await admin.get(`/staff/ceremonies/${id}`)).res.status, 200);
  });

  it('creates a session from the form, in the office zone, and refuses bad input with reasons', async () => {
    const b = await signIn('coord@example.com');
    const form = {
      officeId: officeA,
      date: '2026-08-19',
      start: '15:30',
      durationMinutes: '60',
      titleZh: '七夕集体颁证仪式',
      titleEn: 'Qixi group certificate ceremony',
      hallZh: '二楼颁证大厅',
      hallEn: 'Certificate Hall',
      presenterZh: '王芳',
      programmeZh: '红毯入场\n颁发结婚证\n合影',
      seats: '7',
      minCouples: '8',
      signupDeadline: '2026-08-18T17:00',
      offerHours: '24',
      status: 'open',
    };
    const bad = await act(b, '/staff/ceremonies/new', '/staff/ceremonies', form);
    assert.equal(bad.res.status, 422);
    assert.match(bad.$('#minCouples-error').text(), /最少对数不能超过席位数（7）/);
    assert.equal(bad.$('input[name=titleZh]').val(), '七夕集体颁证仪式', 'the form keeps what was typed');
    assert.equal(await CeremonyModel.countDocuments(), 0);

    const notMine = await act(b, '/staff/ceremonies/new', '/staff/ceremonies', {
      ...form,
      minCouples: '3',
      officeId: officeB,
    });
    assert.equal(notMine.res.status, 403);

    const created = await act(b, '/staff/ceremonies/new', '/staff/ceremonies', { ...form, minCouples: '3' });
    assert.equal(created.res.status, 303);
    const stored = await CeremonyModel.findOne().lean();
    assert.equal(created.res.headers.location, `/staff/ceremonies/${stored!._id}`);
    assert.equal(stored!.startsAt.toISOString(), '2026-08-19T07:30:00.000Z');
    assert.equal(stored!.endsAt.toISOString(), '2026-08-19T08:30:00.000Z');
    assert.equal(stored!.signupDeadline.toISOString(), '2026-08-18T09:00:00.000Z');
    assert.equal(stored!.status, 'open');
    assert.equal(stored!.seats, 7);
    assert.equal(
      stored!.createdBy,
      (await StaffUserModel.findOne({ email: 'coord@example.com' }).lean())!._id.toString(),
    );
    const page = await b.get(`/staff/ceremonies/${stored!._id}`);
    assert.match(page.$('.flash-success').text(), /仪式已创建/);
    assert.equal(page.$('.programme li').length, 3);
  });

  it('keeps the roster: procession order with slots, confirm, reorder, attendance, decline, add by reference', async () => {
    const ceremony = await openCeremony(t, officeA, { seats: 2 });
    const id = ceremony._id.toString();
    const base = `/staff/ceremonies/${id}`;
    const late = await book(t, officeA, '11:00');
    const early = await book(t, officeA, '09:00');
    const waiting = await book(t, officeA, '10:00');
    await t.container.services.ceremonies.join(id, late.appointment, { channel: 'online' });
    await t.container.services.ceremonies.join(id, early.appointment, { channel: 'online' });
    await t.container.services.ceremonies.join(id, waiting.appointment, { channel: 'online' });
    const b = await signIn('coord@example.com');

    const roster = await b.get(base);
    const rows = roster.$('ol.procession > li');
    assert.equal(rows.length, 2);
    assert.match(rows.eq(0).find('.couple').text(), new RegExp(late.couple.partners[0]!.name));
    assert.match(rows.eq(0).text(), /11:00–11:30/);
    assert.match(rows.eq(0).text(), /138\*\*\*\*\d{4}/, 'phones are masked');
    assert.ok(!roster.res.text.includes(late.couple.partners[0]!.phone));
    assert.equal(roster.$('table.waitlist tbody tr').length, 1);

    // Order by registration slot: the 09:00 couple walks first.
    await act(b, base, `${base}/sort`);
    let now = await b.get(base);
    assert.match(now.$('ol.procession > li').eq(0).text(), /09:00–09:30/);
    const seatOf = async (x: typeof late) =>
      (await CeremonySeatModel.findOne({ appointment: x.appointment._id }).lean())!;
    const lateSeat = (await seatOf(late))._id.toString();
    await act(b, base, `${base}/seats/${lateSeat}/move`, { direction: 'up' });
    now = await b.get(base);
    assert.match(now.$('ol.procession > li').eq(0).text(), /11:00–11:30/);
    assert.match(now.$('.flash-success').text(), /入场顺序已调整/);

    await act(b, base, `${base}/seats/${lateSeat}/confirm`);
    assert.equal((await seatOf(late)).confirmed, true);
    // Attendance is marked on the ceremony's day (a fresh sign-in then), and shown afterwards.
    t.clock.set('2026-08-10T07:30:00.000Z');
    const onTheDay = await signIn('coord@example.com');
    await act(onTheDay, base, `${base}/seats/${lateSeat}/attendance`, { attended: 'yes' });
    assert.equal((await seatOf(late)).attended, true);
    t.clock.set(NOW);
    now = await b.get(base);
    assert.match(now.$(`li[data-seat="${lateSeat}"] .attendance`).text(), /已到场/);

    // Taking a couple out offers its seat to the first one waiting.
    await act(b, base, `${base}/seats/${(await seatOf(early))._id}/decline`);
    assert.equal((await seatOf(early)).leftReason, 'declined');
    assert.equal((await seatOf(waiting)).state, 'offered');
    now = await b.get(base);
    assert.match(now.$('ol.procession').text(), /候补待确认，保留至/);
    assert.match(now.$('.left-list').text(), /工作人员移出/);

    // Add by reference: full, so the couple joins the waitlist; a wrong reference changes nothing.
    const walkIn = await book(t, officeA, '13:30');
    const added = await act(b, base, `${base}/add`, {
      reference: walkIn.appointment.reference.toLowerCase(),
    });
    assert.equal(added.res.status, 303);
    assert.equal((await seatOf(walkIn)).state, 'waitlisted');
    assert.equal((await seatOf(walkIn)).channel, 'staff');
    assert.match((await b.get(base)).$('.flash-info').text(), /加入候补（第 1 位）/);
    await act(b, base, `${base}/add`, { reference: 'ZZZZ-ZZZZ' });
    assert.match((await b.get(base)).$('.flash-error').text(), /没有这个预约编号/);
    const tooLate = await book(t, officeA, '15:30');
    await act(b, base, `${base}/add`, { reference: tooLate.appointment.reference });
    assert.match((await b.get(base)).$('.flash-error').text(), /登记时段结束太晚/);
    assert.equal(await CeremonySeatModel.countDocuments({ appointment: tooLate.appointment._id }), 0);
  });

  it('renders the print view of the roster with the print stylesheet', async () => {
    const ceremony = await openCeremony(t, officeA, { seats: 3 });
    const id = ceremony._id.toString();
    const couples = [await book(t, officeA, '10:00'), await book(t, officeA, '09:00')];
    for (const c of couples)
      await t.container.services.ceremonies.join(id, c.appointment, { channel: 'online' });
    const b = await signIn('coord@example.com');
    const { res, $ } = await b.get(`/staff/ceremonies/${id}/print`);
    assert.equal(res.status, 200);
    assert.equal($('link[href="/public/css/print.css"]').attr('media'), 'print');
    assert.equal($('.print-head h1').text(), '集体颁证仪式');
    assert.match($('.print-meta').text(), /2026年8月10日 周一 16:00–16:45 · 二楼颁证大厅/);
    const rows = $('table.print-table tbody tr');
    assert.equal(rows.length, 2);
    assert.equal(rows.eq(0).find('.number').text(), '1');
    assert.equal(
      rows.eq(0).find('.couple').text(),
      couples[0]!.couple.partners.map((p) => p.name).join(' & '),
    );
    assert.equal(rows.eq(0).find('.mono').text(), couples[0]!.appointment.reference);
    assert.match(rows.eq(1).text(), /09:00–09:30/);
    assert.equal($('table.print-table thead th').last().text(), '签名');
    assert.match($('.print-foot').text(), /打印时间：2026年8月3日 周一 10:00/);
  });

  it('closes, reopens and cancels a session, telling every couple on cancel', async () => {
    const ceremony = await openCeremony(t, officeA);
    const id = ceremony._id.toString();
    const base = `/staff/ceremonies/${id}`;
    const a = await book(t, officeA, '09:00');
    await t.container.services.ceremonies.join(id, a.appointment, { channel: 'online' });
    const told: string[][] = [];
    t.container.events.subscribe((e) => {
      if (e.type === 'ceremony.cancelled') told.push(e.appointmentIds);
    });
    const b = await signIn('coord@example.com');
    await act(b, base, `${base}/status`, { status: 'closed' });
    assert.equal((await CeremonyModel.findById(id).lean())!.status, 'closed');
    await act(b, base, `${base}/status`, { status: 'draft' });
    assert.match((await b.get(base)).$('.flash-error').text(), /当前状态下不能进行此操作/);
    await act(b, base, `${base}/status`, { status: 'open' });
    assert.equal((await CeremonyModel.findById(id).lean())!.status, 'open');
    const page = await b.get(base);
    assert.equal(
      page.$('form[action$="/cancel"]').attr('data-confirm'),
      '确定取消此仪式吗？所有新人都会收到通知，席位全部释放。',
    );
    await act(b, base, `${base}/cancel`);
    assert.equal((await CeremonyModel.findById(id).lean())!.status, 'cancelled');
    assert.deepEqual(told, [[a.appointment._id.toString()]]);
    const logged = await AuditLogModel.find({ target: `ceremony:${id}` })
      .sort({ at: 1 })
      .lean();
    assert.deepEqual(
      logged.map((l) => l.action),
      ['ceremony.status', 'ceremony.status', 'ceremony.cancel'],
    );
    assert.equal(logged[2]!.office?.toString(), officeA);
    const after = await b.get(base);
    assert.match(after.$('.flash-success').text(), /仪式已取消/);
    assert.equal(after.$('form[action$="/cancel"]').length, 0);
  });

  it('edits a session: more seats go to the waitlist, fewer than seated is refused on the form', async () => {
    const ceremony = await openCeremony(t, officeA, { seats: 1 });
    const id = ceremony._id.toString();
    const base = `/staff/ceremonies/${id}`;
    const [a, w] = [await book(t, officeA, '09:00'), await book(t, officeA, '09:30')];
    await t.container.services.ceremonies.join(id, a.appointment, { channel: 'online' });
    await t.container.services.ceremonies.join(id, w.appointment, { channel: 'online' });
    const b = await signIn('coord@example.com');
    const edit = await b.get(`${base}/edit`);
    const values: Record<string, string> = {};
    edit.$('form.ceremony-form input, form.ceremony-form textarea').each((_, el) => {
      const name = cheerio.load(el)('*').attr('name');
      if (name && name !== '_csrf') values[name] = String(edit.$(el).val() ?? '');
    });
    assert.equal(values.signupDeadline, '2026-08-09T17:00');
    const more = await act(b, `${base}/edit`, base, { ...values, seats: '2' });
    assert.equal(more.res.status, 303);
    assert.equal(
      (await CeremonySeatModel.findOne({ appointment: w.appointment._id }).lean())!.state,
      'offered',
    );
    const fewer = await act(b, `${base}/edit`, base, { ...values, seats: '1' });
    assert.equal(fewer.res.status, 422);
    assert.match(fewer.$('#seats-error').text(), /已有 2 对新人占有席位/);
    assert.equal((await CeremonyModel.findById(id).lean())!.seats, 2);
  });
});
