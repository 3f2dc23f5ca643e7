import assert from 'node:assert/strict';
import { AuditLogModel } from '../../src/models/audit-log.model.ts';
import { OfficeModel } from '../../src/models/office.model.ts';
import { SlotModel } from '../../src/models/slot.model.ts';
import { WindowModel } from '../../src/models/window.model.ts';
import { buildTestApp, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { book, createWorld, NOW, signIn, type World } from './staff-fixtures.ts';

type Signed = Awaited<ReturnType<typeof signIn>>;
const post = (b: Signed, path: string, body: Record<string, unknown> = {}) =>
  b.post(path, { _csrf: b.csrf, ...body });

const capacities = async (office: string, date: string) =>
  (await SlotModel.find({ office, date }).sort({ start: 1 }).lean()).map((s) => s.capacity);

describe('windows and the weekly template', () => {
  let t: TestApp;
  let w: World;
  let b: Signed;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    w = await createWorld();
    b = await signIn(t, 'registrar-a@example.com');
  });

  async function windows() {
    return WindowModel.find({ office: w.officeA }).sort({ position: 1 }).lean();
  }

  it("lists the office's windows (as many as its template uses), and closing one lowers every open day", async () => {
    await book(t, w.officeA, '2026-08-05', '09:00');
    const page = await b.get(`/staff/offices/${w.officeA}/windows`);
    assert.equal(page.$('.window-item').length, 4);
    assert.match(page.$('.window-item').first().text(), /1 号窗口/);
    const [first] = await windows();

    const res = await post(b, `/staff/offices/${w.officeA}/windows/${first!._id}`, { open: 'no' });
    assert.equal(res.res.status, 303);
    const office = await OfficeModel.findById(w.officeA).lean();
    assert.ok(
      office!.weeklyTemplate.every((e) => e.windowsOpen === 3),
      'weekdays that used every window follow',
    );
    assert.ok(
      (await capacities(w.officeA, '2026-08-05')).every((c) => c === 9),
      "an open day's counters follow",
    );
    assert.equal(await AuditLogModel.countDocuments({ action: 'window.close' }), 1);

    await post(b, `/staff/offices/${w.officeA}/windows/${first!._id}`, { open: 'yes' });
    assert.ok((await capacities(w.officeA, '2026-08-05')).every((c) => c === 12));
  });

  it('a temporary window adds places on the days of its range only', async () => {
    await book(t, w.officeA, '2026-08-05', '09:00');
    const res = await post(b, `/staff/offices/${w.officeA}/windows`, {
      name: '临时 A',
      from: '2026-08-10',
      to: '2026-08-11',
    });
    assert.equal(res.res.status, 303);
    assert.ok(
      (await capacities(w.officeA, '2026-08-10')).every((c) => c === 15),
      'the range exists with 5 windows x 3',
    );
    assert.ok((await capacities(w.officeA, '2026-08-11')).every((c) => c === 15));
    assert.ok(
      (await capacities(w.officeA, '2026-08-05')).every((c) => c === 12),
      'outside the range nothing changes',
    );
    assert.equal(await SlotModel.countDocuments({ office: w.officeA, date: '2026-08-12' }), 0);
    // What couples see is the counters' capacity.
    const [day] = await t.container.services.schedule.availability(
      await t.container.services.schedule.getOffice(w.officeA),
      '2026-08-10',
      '2026-08-10',
    );
    assert.equal(day?.capacity, 13 * 15);

    const roster = await b.get(`/staff/offices/${w.officeA}/roster?date=2026-08-10`);
    assert.ok(
      roster
        .$('#r-w option')
        .toArray()
        .some((o) => roster.$(o).text() === '临时 A'),
    );

    const temp = (await windows()).find((x) => x.from);
    await post(b, `/staff/offices/${w.officeA}/windows/${temp!._id}/delete`);
    assert.ok(
      (await capacities(w.officeA, '2026-08-10')).every((c) => c === 12),
      'removing it takes the places back',
    );

    const bad = await post(b, `/staff/offices/${w.officeA}/windows`, {
      name: 'X',
      from: '2026-08-12',
      to: '2026-08-10',
    });
    assert.equal(bad.res.status, 422);
    assert.match(bad.$('.field-error').text(), /结束日期不能早于开始日期/);
  });

  it('changing the couples per window reprices every open day', async () => {
    await book(t, w.officeA, '2026-08-05', '09:00');
    await post(b, `/staff/offices/${w.officeA}/windows/couples`, { couplesPerWindow: 2 });
    assert.ok((await capacities(w.officeA, '2026-08-05')).every((c) => c === 8));
  });

  it('previews a template change across the open days, then applies exactly that', async () => {
    for (let i = 0; i < 7; i++) await book(t, w.officeA, '2026-08-10', '09:00');
    await book(t, w.officeA, '2026-08-11', '09:00');
    const weekday = (windows: number, sessions = '09:00-12:00, 13:30-17:00') => ({
      open: 'on',
      sessions,
      slotMinutes: 30,
      windowsOpen: windows,
    });
    const closed = { open: '', sessions: '', slotMinutes: 30, windowsOpen: 0 };
    const days = {
      w1: weekday(2),
      w2: weekday(4),
      w3: weekday(4),
      w4: weekday(4),
      w5: weekday(4),
      w6: closed,
      w7: closed,
    };
    const preview = await post(b, `/staff/offices/${w.officeA}/template`, { step: 'preview', days });
    assert.equal(preview.res.status, 200);
    const rows = preview
      .$('#preview tr[data-date]')
      .toArray()
      .map((tr) => preview.$(tr).attr('data-date'));
    assert.deepEqual(rows, ['2026-08-10'], 'only the Monday with counters changes');
    assert.ok(
      preview.$('#preview tr[data-date="2026-08-10"]').hasClass('row-over'),
      '7 booked in a 6-place slot',
    );
    const saved = await post(b, `/staff/offices/${w.officeA}/template`, {
      step: 'apply',
      days,
      fingerprint: preview.$('input[name=fingerprint]').val(),
    });
    assert.equal(saved.res.status, 303);
    const monday = await SlotModel.find({ office: w.officeA, date: '2026-08-10' }).lean();
    assert.ok(monday.every((s) => s.capacity === 6));
    assert.deepEqual(
      monday.filter((s) => s.flagged).map((s) => s.start),
      ['09:00'],
    );
    assert.ok((await capacities(w.officeA, '2026-08-11')).every((c) => c === 12));

    const tooMany = await post(b, `/staff/offices/${w.officeA}/template`, {
      step: 'preview',
      days: { ...days, w2: weekday(9) },
    });
    assert.equal(tooMany.res.status, 422);
    assert.match(tooMany.$('.field-error').text(), /最多 4 个窗口/);
    const overlap = await post(b, `/staff/offices/${w.officeA}/template`, {
      step: 'preview',
      days: { ...days, w2: weekday(4, '09:00-12:00, 11:00-13:00') },
    });
    assert.equal(overlap.res.status, 422);
  });

  it("an administrator edits an office's details and rules, with validation", async () => {
    const admin = await signIn(t, 'admin@example.com');
    const ok = await post(admin, `/staff/offices/${w.officeA}/rules`, {
      daysAhead: 14,
      cutoffDaysBefore: 1,
      cutoffTime: '16:00',
      openTime: '09:00',
      minAgeMale: 22,
      minAgeFemale: 20,
      maxNoShows: 2,
      withinDays: 90,
      blockDays: 14,
      ceremonyBufferMinutes: 45,
    });
    assert.equal(ok.res.status, 303);
    const office = await OfficeModel.findById(w.officeA).lean();
    assert.deepEqual(office?.bookingRules, {
      daysAhead: 14,
      cutoffDaysBefore: 1,
      cutoffTime: '16:00',
      openTime: '09:00',
    });
    assert.deepEqual(office?.noShowPolicy, { maxNoShows: 2, withinDays: 90, blockDays: 14 });
    const bad = await post(admin, `/staff/offices/${w.officeA}/rules`, {
      daysAhead: 'many',
      cutoffTime: '25:00',
    });
    assert.equal(bad.res.status, 422);
    assert.equal(
      (await OfficeModel.findById(w.officeA).lean())?.bookingRules.daysAhead,
      14,
      'nothing changed',
    );

    await book(t, w.officeA, '2026-08-05', '09:00');
    const zone = await post(admin, `/staff/offices/${w.officeA}/details`, {
      nameZh: '锦江区婚姻登记处',
      nameEn: 'Jinjiang',
      addressZh: '东大街 88 号',
      timezone: 'Asia/Urumqi',
      documents: '身份证原件 | Original ID cards\n户口簿',
      active: 'on',
    });
    assert.equal(zone.res.status, 422, 'the zone cannot move under existing slots');
    const details = await post(admin, `/staff/offices/${w.officeA}/details`, {
      nameZh: '锦江区婚姻登记处',
      nameEn: 'Jinjiang',
      addressZh: '东大街 88 号',
      timezone: 'Asia/Shanghai',
      documents: '身份证原件 | Original ID cards\n | \n户口簿',
      active: 'on',
    });
    assert.equal(details.res.status, 303);
    assert.deepEqual((await OfficeModel.findById(w.officeA).lean())?.documents, [
      { zh: '身份证原件', en: 'Original ID cards' },
      { zh: '户口簿', en: '户口簿' },
    ]);
    assert.equal(
      await AuditLogModel.countDocuments({ action: { $in: ['office.rules', 'office.update'] } }),
      2,
    );
  });

  it("shows the audit log to administrators, and a registrar only their offices' entries", async () => {
    await post(b, `/staff/offices/${w.officeA}/windows/couples`, { couplesPerWindow: 2 });
    const other = await signIn(t, 'registrar-b@example.com');
    await post(other, `/staff/offices/${w.officeB}/windows/couples`, { couplesPerWindow: 4 });
    const admin = await signIn(t, 'admin@example.com');
    const all = await admin.get('/staff/audit');
    assert.equal(all.$('.audit-entry[data-action="window.couples"]').length, 2);
    const mine = await b.get('/staff/audit');
    assert.equal(mine.$('.audit-entry[data-action="window.couples"]').length, 1);
    assert.match(mine.$('.audit-entry').first().text(), /registrar-a/);
    const filtered = await admin.get(`/staff/audit?office=${w.officeB}&action=window`);
    assert.equal(filtered.$('.audit-entry').length, 1);
    assert.match(filtered.$('.audit-entry details').text(), /"couplesPerWindow":4/);
  });
});
