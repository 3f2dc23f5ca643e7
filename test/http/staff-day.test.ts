import assert from 'node:assert/strict';
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { AuditLogModel } from '../../src/models/audit-log.model.ts';
import { DayPlanModel } from '../../src/models/day-plan.model.ts';
import { PersonHoldModel } from '../../src/models/person-hold.model.ts';
import { SlotModel } from '../../src/models/slot.model.ts';
import { formFields } from '../helpers/forms.ts';
import { couple } from '../helpers/ids.ts';
import { buildTestApp, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { book, createWorld, NOW, signIn, TODAY, type World } from './staff-fixtures.ts';

type Signed = Awaited<ReturnType<typeof signIn>>;
const post = (b: Signed, path: string, body: Record<string, unknown> = {}) =>
  b.post(path, { _csrf: b.csrf, ...body });

describe('running the day', () => {
  let t: TestApp;
  let w: World;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    w = await createWorld();
  });

  async function holdsOf(id: { toString(): string }) {
    return PersonHoldModel.countDocuments({ appointment: id.toString() });
  }
  async function actions(id: { toString(): string }) {
    return (
      await AuditLogModel.find({ target: `appointment:${id}` })
        .sort({ at: 1, _id: 1 })
        .lean()
    ).map((e) => [
      e.action,
      e.actor,
      (e.before as { status: string } | undefined)?.status,
      (e.after as { status: string } | undefined)?.status,
    ]);
  }

  it('check-in, served and undo change the booking, the person holds and the audit log', async () => {
    const { appointment } = await book(t, w.officeA, TODAY, '11:00');
    const id = appointment._id;
    t.clock.set('2026-08-03T02:50:00.000Z'); // 10:50 in Chengdu
    const b = await signIn(t, 'registrar-a@example.com');
    const me = w.users.registrarA.id;
    const back = `/staff/offices/${w.officeA}/roster?date=${TODAY}`;
    const checkIn = await post(b, `/staff/appointments/${id}/check-in`, { back });
    assert.equal(checkIn.res.status, 303);
    assert.equal(checkIn.res.headers.location, `${back}#appt-${id}`, 'back to the same row');
    let a = await AppointmentModel.findById(id).lean();
    assert.equal(a?.status, 'arrived');
    assert.equal(a?.arrivedAt?.toISOString(), '2026-08-03T02:50:00.000Z');
    assert.equal(a?.arrivedBy, me);
    assert.deepEqual(a?.history.at(-1), {
      at: new Date('2026-08-03T02:50:00.000Z'),
      type: 'arrived',
      by: me,
    });
    assert.equal(await holdsOf(id), 2, 'an arrived couple still holds its booking');

    const roster = await b.get(back);
    assert.equal(roster.$(`.entry[data-id="${id}"]`).attr('data-status'), 'arrived');
    assert.match(roster.$(`.entry[data-id="${id}"] .entry-times`).text(), /10:50/);

    t.clock.set('2026-08-03T03:05:00.000Z');
    await post(b, `/staff/appointments/${id}/serve`);
    a = await AppointmentModel.findById(id).lean();
    assert.equal(a?.status, 'served');
    assert.equal(a?.servedAt?.toISOString(), '2026-08-03T03:05:00.000Z');
    assert.equal(a?.servedBy, me);
    assert.equal(await holdsOf(id), 0, 'served ends the active booking');

    await post(b, `/staff/appointments/${id}/undo`);
    a = await AppointmentModel.findById(id).lean();
    assert.equal(a?.status, 'arrived');
    assert.equal(a?.servedAt, undefined);
    assert.equal(await holdsOf(id), 2, 'undoing restores the holds');
    await post(b, `/staff/appointments/${id}/undo`);
    a = await AppointmentModel.findById(id).lean();
    assert.equal(a?.status, 'booked');
    assert.equal(a?.arrivedAt, undefined);
    const nothing = await post(b, `/staff/appointments/${id}/undo`);
    assert.equal(nothing.res.status, 303);
    assert.equal(
      (await b.get(nothing.res.headers.location as string)).$('.flash-error').text().trim(),
      '没有可以撤销的操作。',
    );

    assert.deepEqual(await actions(id), [
      ['appointment.check_in', me, 'booked', 'arrived'],
      ['appointment.serve', me, 'arrived', 'served'],
      ['appointment.undo', me, 'served', 'arrived'],
      ['appointment.undo', me, 'arrived', 'booked'],
    ]);
    const page = await b.get(`/staff/appointments/${id}`);
    assert.equal(page.$('.history li[data-action]').length, 4);
  });

  it('no-show ends the booking and counts for the policy; undo restores it unless the person booked again', async () => {
    const { appointment, couple: c } = await book(t, w.officeA, TODAY, '11:00');
    const id = appointment._id;
    t.clock.set('2026-08-03T02:50:00.000Z'); // 10:50
    const b = await signIn(t, 'registrar-a@example.com');
    const early = await post(b, `/staff/appointments/${id}/no-show`, { confirm: 'yes' });
    assert.equal(
      (await b.get(early.res.headers.location as string)).$('.flash-error').text().trim(),
      '该时段 11:30 结束后才能记为爽约。',
    );
    assert.equal((await AppointmentModel.findById(id).lean())?.status, 'booked');

    t.clock.set('2026-08-03T03:15:00.000Z'); // 11:15: still in the console...
    await b.get(early.res.headers.location as string);
    t.clock.set('2026-08-03T03:35:00.000Z'); // ...at 11:35 the slot is over
    await post(b, `/staff/appointments/${id}/no-show`, { confirm: 'yes' });
    let a = await AppointmentModel.findById(id).lean();
    assert.equal(a?.status, 'no_show');
    assert.equal(a?.noShowAt?.toISOString(), '2026-08-03T03:35:00.000Z');
    assert.equal(a?.noShowBy, w.users.registrarA.id);
    assert.equal(await holdsOf(id), 0);

    await post(b, `/staff/appointments/${id}/undo`);
    a = await AppointmentModel.findById(id).lean();
    assert.equal(a?.status, 'booked');
    assert.equal(a?.noShowAt, undefined);
    assert.equal(await holdsOf(id), 2);

    // Marked again; then the couple books another day; the undo must now be refused.
    await post(b, `/staff/appointments/${id}/no-show`, { confirm: 'yes' });
    const again = await book(t, w.officeA, '2026-08-05', '09:00', c);
    const refused = await post(b, `/staff/appointments/${id}/undo`);
    assert.match(
      (await b.get(refused.res.headers.location as string)).$('.flash-error').text(),
      /已另有有效预约/,
    );
    assert.equal((await AppointmentModel.findById(id).lean())?.status, 'no_show');
    assert.equal(await holdsOf(again.appointment._id), 2, 'the new booking keeps its holds');
    assert.equal(await holdsOf(id), 0);
  });

  it("a no-show feeds the office's no-show policy", async () => {
    const { OfficeModel } = await import('../../src/models/office.model.ts');
    await OfficeModel.updateOne({ _id: w.officeA }, { $set: { 'noShowPolicy.maxNoShows': 1 } });
    const { appointment, couple: c } = await book(t, w.officeA, TODAY, '11:00');
    t.clock.set('2026-08-03T04:00:00.000Z');
    await t.container.services.dayOps.markNoShow(appointment._id, w.users.registrarA.id);
    await assert.rejects(
      book(t, w.officeA, '2026-08-05', '09:00', c),
      (err: { code?: string }) => err.code === 'no_show_blocked',
    );
  });

  it('the job system marks a couple who never came as a no-show by "system"', async () => {
    const { appointment } = await book(t, w.officeA, TODAY, '11:00');
    t.clock.set('2026-08-03T10:00:00.000Z');
    const updated = await t.container.services.dayOps.markNoShow(appointment._id.toString(), 'system');
    assert.equal(updated.status, 'no_show');
    assert.equal(updated.noShowBy, 'system');
    const entry = await AuditLogModel.findOne({ action: 'appointment.no_show' }).lean();
    assert.equal(entry?.actor, 'system');
    assert.equal(entry?.office?.toString(), w.officeA);
    await assert.rejects(
      t.container.services.dayOps.markNoShow(appointment._id.toString(), 'system'),
      /staff.status_changed/,
    );
  });

  it('checks in only on the day itself', async () => {
    const { appointment } = await book(t, w.officeA, '2026-08-05', '09:00');
    const b = await signIn(t, 'registrar-a@example.com');
    const res = await post(b, `/staff/appointments/${appointment._id}/check-in`);
    assert.match((await b.get(res.res.headers.location as string)).$('.flash-error').text(), /预约当天/);
    assert.equal((await AppointmentModel.findById(appointment._id).lean())?.status, 'booked');
  });

  it('a coordinator reads the roster but cannot act on it', async () => {
    const { appointment } = await book(t, w.officeA, TODAY, '11:00');
    const b = await signIn(t, 'coordinator-a@example.com');
    const roster = await b.get(`/staff/offices/${w.officeA}/roster`);
    assert.equal(roster.res.status, 200);
    assert.equal(roster.$('.entry').length, 1);
    assert.equal(roster.$('.entry-actions form').length, 0);
    assert.equal((await post(b, `/staff/appointments/${appointment._id}/check-in`)).res.status, 403);
  });

  it('searches the roster by reference, partner name and the last 4 digits of a phone', async () => {
    const one = await book(t, w.officeA, '2026-08-05', '09:00');
    const two = await book(t, w.officeA, '2026-08-05', '10:00');
    const b = await signIn(t, 'registrar-a@example.com');
    const ids = async (q: string) => {
      const { $ } = await b.get(
        `/staff/offices/${w.officeA}/roster?date=2026-08-05&q=${encodeURIComponent(q)}`,
      );
      return $('.entry')
        .toArray()
        .map((e) => $(e).attr('data-id'));
    };
    const ref = one.appointment.reference;
    assert.deepEqual(await ids(ref.toLowerCase().replace('-', ' ')), [one.appointment._id.toString()]);
    assert.deepEqual(await ids(two.couple.partners[1]!.name), [two.appointment._id.toString()]);
    assert.deepEqual(await ids(one.couple.partners[0]!.phone.slice(-4)), [one.appointment._id.toString()]);
    assert.deepEqual(await ids('nobody'), []);
    assert.equal((await ids('')).length, 2);
  });

  it('exports the day as CSV that Excel opens: UTF-8 with BOM, masked data, formulas defused', async () => {
    const c = couple();
    c.partners[0]!.name = '=HYPERLINK("x")';
    await book(t, w.officeA, '2026-08-05', '09:00', c);
    await book(t, w.officeA, '2026-08-05', '09:00');
    const b = await signIn(t, 'registrar-a@example.com');
    const res = await b.agent
      .get(`/staff/offices/${w.officeA}/roster.csv?date=2026-08-05`)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (d: Buffer) => chunks.push(d));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv; charset=utf-8/);
    assert.match(
      String(res.headers['content-disposition']),
      /attachment; filename="roster-jinjiang-2026-08-05.csv"/,
    );
    const bytes = res.body as Buffer;
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte-order mark');
    const lines = bytes.toString('utf8').slice(1).trimEnd().split('\r\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /^预约号,日期,时段,窗口,状态,一方,/);
    assert.match(lines[1]!, /,2026-08-05,09:00-09:30,1 号窗口,已预约,"'=HYPERLINK\(""x""\)",/);
    assert.match(lines[1]!, /138\*\*\*\*\d{4}/, 'phones are masked');
    assert.doesNotMatch(bytes.toString('utf8'), /510104\d{8}/, 'no ID number in clear');
    assert.match(lines[2]!, /,2 号窗口,/);
  });
});

describe('walk-in and phone bookings', () => {
  let t: TestApp;
  let w: World;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    w = await createWorld();
  });

  it('books a walk-in into a slot with places, by the same rules as online', async () => {
    const b = await signIn(t, 'registrar-a@example.com');
    const page = await b.get(`/staff/offices/${w.officeA}/walk-in`);
    const starts = page
      .$('#start option')
      .toArray()
      .map((o) => page.$(o).attr('value'));
    assert.equal(starts[0], '10:30', 'slots that have begun are not offered');
    const c = couple();
    const res = await post(b, `/staff/offices/${w.officeA}/walk-in?date=${TODAY}`, {
      idempotencyKey: page.$('input[name=idempotencyKey]').val(),
      start: '11:00',
      ...formFields({ partners: c.partners }),
      email: '',
      language: 'zh-CN',
    });
    assert.equal(res.res.status, 303);
    const a = await AppointmentModel.findOne().lean();
    assert.equal(a?.channel, 'staff');
    assert.equal(a?.overbooked, false);
    assert.equal(a?.history[0]?.by, w.users.registrarA.id);
    assert.equal(res.res.headers.location, `/staff/appointments/${a?._id}`);
    assert.equal(
      await AuditLogModel.countDocuments({ action: 'appointment.walk_in', actor: w.users.registrarA.id }),
      1,
    );

    const young = couple();
    young.partners[1]!.idNumber = '510104201001010028';
    const refused = await post(b, `/staff/offices/${w.officeA}/walk-in?date=${TODAY}`, {
      start: '11:00',
      ...formFields({ partners: young.partners }),
      language: 'zh-CN',
    });
    assert.equal(refused.res.status, 422);
    assert.equal(await AppointmentModel.countDocuments(), 1);
  });

  it('books past a full slot only after an explicit confirmation, which is audited', async () => {
    const date = '2026-08-05';
    await DayPlanModel.create({ office: w.officeA, date, kind: 'special', quotaPerSlot: 1 });
    await book(t, w.officeA, date, '09:00');
    const b = await signIn(t, 'registrar-a@example.com');
    const c = couple();
    const form = {
      start: '09:00',
      ...formFields({ partners: c.partners }),
      language: 'zh-CN',
      idempotencyKey: 'walkin-key-0123456789',
    };
    const first = await post(b, `/staff/offices/${w.officeA}/walk-in?date=${date}`, form);
    assert.equal(first.res.status, 409);
    assert.match(first.$('[role=alert]').text(), /已满/);
    assert.equal(first.$('input[name=confirmOverbook]').length, 1, 'the page asks for the confirmation');
    assert.equal(
      first.$('input[name=confirmOverbook]').attr('checked'),
      undefined,
      'never ticked in advance',
    );
    assert.equal(await AppointmentModel.countDocuments(), 1, 'nothing booked without it');

    const confirmed = await post(b, `/staff/offices/${w.officeA}/walk-in?date=${date}`, {
      ...form,
      confirmOverbook: 'yes',
    });
    assert.equal(confirmed.res.status, 303);
    const a = await AppointmentModel.findOne({
      channel: 'staff',
      'partners.name': c.partners[0]!.name,
    }).lean();
    assert.equal(a?.overbooked, true);
    const slot = await SlotModel.findOne({ office: w.officeA, date, start: '09:00' }).lean();
    assert.deepEqual([slot?.capacity, slot?.booked, slot?.remaining, slot?.flagged], [1, 2, -1, true]);
    const entry = await AuditLogModel.findOne({ action: 'appointment.overbook' }).lean();
    assert.equal(entry?.actor, w.users.registrarA.id);
    assert.equal(entry?.target, `appointment:${a?._id}`);
    assert.deepEqual(entry?.after, { date, start: '09:00', overbooked: true, channel: 'staff' });
  });
});
