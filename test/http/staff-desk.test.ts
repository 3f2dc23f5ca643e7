// A couple phones: staff cancel or move the booking from its page, with a reason that is kept,
// an audit entry, one notice to the couple, exact counters, and a ceremony seat kept where the
// new slot allows it (and given up only once staff confirm the couple knows).
import assert from 'node:assert/strict';
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { AuditLogModel } from '../../src/models/audit-log.model.ts';
import { CeremonySeatModel } from '../../src/models/ceremony-seat.model.ts';
import { PersonHoldModel } from '../../src/models/person-hold.model.ts';
import { SlotModel } from '../../src/models/slot.model.ts';
import type { DomainEvent } from '../../src/services/events.ts';
import { buildTestApp, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { DAY, openCeremony } from './ceremony-fixtures.ts';
import { book, createWorld, NOW, recordEvents, signIn, type World } from './staff-fixtures.ts';

type Signed = Awaited<ReturnType<typeof signIn>>;
const post = (b: Signed, path: string, body: Record<string, unknown> = {}) =>
  b.post(path, { _csrf: b.csrf, ...body });

describe('staff cancel or move a booking for a couple on the phone', () => {
  let t: TestApp;
  let w: World;
  let events: DomainEvent[];
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    w = await createWorld();
    events = recordEvents(t);
  });

  const counter = async (date: string, start: string) => {
    const s = await SlotModel.findOne({ office: w.officeA, date, start }).lean();
    return [s?.booked, s?.remaining];
  };
  const eventsOf = (type: DomainEvent['type']) => events.filter((e) => e.type === type);

  it('cancels with a reason: recorded, audited, the place and holds freed, the couple told once', async () => {
    const { appointment } = await book(t, w.officeA, DAY, '10:00');
    const id = appointment._id.toString();
    const b = await signIn(t, 'registrar-a@example.com');
    const page = await b.get(`/staff/appointments/${id}`);
    assert.equal(page.$(`a[href="/staff/appointments/${id}/cancel"]`).length, 1);
    const form = await b.get(`/staff/appointments/${id}/cancel`);
    assert.equal(form.res.status, 200);
    assert.equal(form.$('textarea[name=reason]').length, 1);

    const blank = await post(b, `/staff/appointments/${id}/cancel`, { reason: '  ' });
    assert.equal(blank.res.status, 422);
    assert.equal(blank.$('#reason-error').text().trim(), '请填写原因。');
    assert.equal((await AppointmentModel.findById(id).lean())?.status, 'booked');
    assert.deepEqual(await counter(DAY, '10:00'), [1, 11]);

    const done = await post(b, `/staff/appointments/${id}/cancel`, { reason: '新人来电：家中有事' });
    assert.equal(done.res.status, 303);
    assert.equal(done.res.headers.location, `/staff/appointments/${id}`);
    const a = await AppointmentModel.findById(id).lean();
    assert.equal(a?.status, 'cancelled');
    assert.equal(a?.cancelledBy, 'staff');
    assert.equal(a?.cancelReason, '新人来电：家中有事');
    assert.equal(a?.history.at(-1)?.by, w.users.registrarA.id);
    assert.deepEqual(await counter(DAY, '10:00'), [0, 12]);
    assert.equal(await PersonHoldModel.countDocuments({ appointment: id }), 0);
    const entry = await AuditLogModel.findOne({ action: 'appointment.staff_cancel' }).lean();
    assert.equal(entry?.actor, w.users.registrarA.id);
    assert.equal(entry?.office?.toString(), w.officeA);
    assert.deepEqual(entry?.after, { status: 'cancelled', reason: '新人来电：家中有事' });
    assert.deepEqual(eventsOf('appointment.cancelled'), [
      { type: 'appointment.cancelled', appointmentId: id, by: 'staff', reason: '新人来电：家中有事' },
    ]);
    const after = await b.get(`/staff/appointments/${id}`);
    assert.match(after.$('.flash-success').text(), /已为新人取消预约/);
    assert.match(after.$('li[data-action="appointment.staff_cancel"]').text(), /为新人取消预约/);

    // Twice is refused, and changes nothing more.
    const again = await post(b, `/staff/appointments/${id}/cancel`, { reason: '重复提交' });
    assert.equal(again.res.status, 409);
    assert.deepEqual(await counter(DAY, '10:00'), [0, 12]);
    assert.equal(eventsOf('appointment.cancelled').length, 1);
  });

  it("moves to one of the day's open slots with a reason: counters exact, audited, the couple told once", async () => {
    const { appointment } = await book(t, w.officeA, DAY, '10:00');
    const id = appointment._id.toString();
    for (let i = 0; i < 12; i++) await book(t, w.officeA, DAY, '14:00'); // 14:00 is full
    const b = await signIn(t, 'registrar-a@example.com');
    const page = await b.get(`/staff/appointments/${id}/move`);
    const starts = page
      .$('input[name=start]')
      .map((_i, el) => page.$(el).val())
      .get();
    assert.ok(starts.includes('09:00') && starts.includes('16:30'));
    assert.ok(!starts.includes('10:00'), 'not the slot it is in');
    assert.ok(!starts.includes('14:00'), 'not a full slot');
    assert.equal(page.$('.keeps-seat, .loses-seat').length, 0, 'no ceremony, nothing said of seats');

    // Another day, chosen on the page: its own slots.
    const other = await b.get(`/staff/appointments/${id}/move?date=2026-08-11`);
    assert.equal(other.$('input[name=date]').last().val(), '2026-08-11');
    // A closed day (Saturday) offers nothing.
    const closed = await b.get(`/staff/appointments/${id}/move?date=2026-08-08`);
    assert.equal(closed.$('input[name=start]').length, 0);

    const noReason = await post(b, `/staff/appointments/${id}/move`, { date: DAY, start: '15:00' });
    assert.equal(noReason.res.status, 422);
    assert.equal(noReason.$('#reason-error').text().trim(), '请填写原因。');
    assert.equal(
      noReason.$('input[name=start][value="15:00"]').attr('checked'),
      'checked',
      'the choice is kept',
    );
    const full = await post(b, `/staff/appointments/${id}/move`, {
      date: DAY,
      start: '14:00',
      reason: '来电改约',
    });
    assert.equal(full.res.status, 409);
    assert.deepEqual(await counter(DAY, '10:00'), [1, 11]);
    assert.deepEqual(await counter(DAY, '14:00'), [12, 0]);

    const moved = await post(b, `/staff/appointments/${id}/move`, {
      date: DAY,
      start: '15:00',
      reason: '来电改约',
    });
    assert.equal(moved.res.status, 303);
    const a = await AppointmentModel.findById(id).lean();
    assert.deepEqual([a?.status, a?.date, a?.start], ['booked', DAY, '15:00']);
    assert.deepEqual(a?.history.at(-1)?.detail, {
      from: { date: DAY, start: '10:00' },
      to: { date: DAY, start: '15:00' },
      reason: '来电改约',
    });
    assert.equal(a?.history.at(-1)?.by, w.users.registrarA.id);
    assert.deepEqual(await counter(DAY, '10:00'), [0, 12]);
    assert.deepEqual(await counter(DAY, '15:00'), [1, 11]);
    assert.equal(
      await PersonHoldModel.countDocuments({ appointment: id }),
      2,
      'the couple still holds its booking',
    );
    const entry = await AuditLogModel.findOne({ action: 'appointment.staff_move' }).lean();
    assert.deepEqual(entry?.before, { date: DAY, start: '10:00' });
    assert.deepEqual(entry?.after, { date: DAY, start: '15:00', reason: '来电改约' });
    assert.deepEqual(eventsOf('appointment.moved'), [
      { type: 'appointment.moved', appointmentId: id, from: { date: DAY, start: '10:00' } },
    ]);
    assert.match((await b.get(`/staff/appointments/${id}`)).$('.flash-success').text(), /15:00/);
  });

  it('keeps the ceremony seat when the new slot allows it, and gives it up only when confirmed', async () => {
    const ceremony = await openCeremony(t, w.officeA); // 16:00; slots must end by 15:30
    const { appointment } = await book(t, w.officeA, DAY, '09:00');
    const id = appointment._id.toString();
    await t.container.services.ceremonies.join(ceremony._id.toString(), appointment, { channel: 'online' });
    const seatState = async () => (await CeremonySeatModel.findOne({ appointment: id }).lean())?.state;
    assert.equal(await seatState(), 'seated');
    const b = await signIn(t, 'registrar-a@example.com');

    const page = await b.get(`/staff/appointments/${id}/move`);
    assert.match(page.$('.seat-notice').text(), /集体颁证仪式/);
    const option = (start: string) => page.$(`.move-option[data-start="${start}"]`);
    assert.equal(option('14:30').find('.keeps-seat').length, 1);
    assert.equal(option('15:00').find('.keeps-seat').length, 1, '15:00-15:30 still ends in time');
    assert.equal(option('15:30').find('.loses-seat').length, 1);
    assert.equal(page.$('input[name=giveUpSeat]').length, 1);

    await post(b, `/staff/appointments/${id}/move`, { date: DAY, start: '14:30', reason: '来电改约' });
    assert.equal((await AppointmentModel.findById(id).lean())?.start, '14:30');
    await t.container.services.ceremonies.whenIdle();
    assert.equal(await seatState(), 'seated', 'the seat stays');

    const warned = await post(b, `/staff/appointments/${id}/move`, {
      date: DAY,
      start: '15:30',
      reason: '来电改约',
    });
    assert.equal(warned.res.status, 409);
    assert.match(warned.$('.flash-error').text(), /改到 15:30 后新人将不能参加当天的集体颁证仪式/);
    assert.equal((await AppointmentModel.findById(id).lean())?.start, '14:30', 'nothing moved');
    assert.deepEqual(await counter(DAY, '15:30'), [0, 12]);

    await post(b, `/staff/appointments/${id}/move`, {
      date: DAY,
      start: '15:30',
      reason: '来电改约',
      giveUpSeat: 'yes',
    });
    assert.equal((await AppointmentModel.findById(id).lean())?.start, '15:30');
    await t.container.services.ceremonies.whenIdle();
    const seat = await CeremonySeatModel.findOne({ appointment: id }).lean();
    assert.deepEqual([seat?.state, seat?.leftReason], ['left', 'appointment_moved']);
    const entry = await AuditLogModel.findOne({
      action: 'appointment.staff_move',
      'after.start': '15:30',
    }).lean();
    assert.equal((entry!.after as Record<string, unknown>).seatGivenUp, 'yes');

    // Cancelling says so too.
    const cancel = await b.get(`/staff/appointments/${id}/cancel`);
    assert.equal(cancel.$('.seat-warning').length, 0, 'no seat left to lose');
  });

  it('warns before a cancellation gives up a ceremony seat, and speaks English', async () => {
    const ceremony = await openCeremony(t, w.officeA);
    const { appointment } = await book(t, w.officeA, DAY, '09:00');
    await t.container.services.ceremonies.join(ceremony._id.toString(), appointment, { channel: 'online' });
    const b = await signIn(t, 'registrar-a@example.com');
    await b.get('/staff?lang=en');
    const page = await b.get(`/staff/appointments/${appointment._id}/cancel`);
    assert.match(page.$('.seat-warning').text(), /gives up their ceremony seat/);
    const blank = await post(b, `/staff/appointments/${appointment._id}/cancel`, {});
    assert.equal(blank.$('#reason-error').text().trim(), 'Please give a reason.');
    const move = await post(b, `/staff/appointments/${appointment._id}/move`, {
      date: DAY,
      start: '16:00',
      reason: 'phoned',
    });
    assert.match(move.$('.flash-error').text(), /Moved to 16:00, the couple can no longer join/);
  });

  it("keeps the office scope and the roles: office B's staff and coordinators cannot act", async () => {
    const { appointment } = await book(t, w.officeA, DAY, '10:00');
    const id = appointment._id.toString();
    for (const email of ['admin-b@example.com', 'registrar-b@example.com', 'coordinator-a@example.com']) {
      const b = await signIn(t, email);
      assert.equal((await b.get(`/staff/appointments/${id}/cancel`)).res.status, 403, email);
      assert.equal((await b.get(`/staff/appointments/${id}/move`)).res.status, 403, email);
      assert.equal(
        (await post(b, `/staff/appointments/${id}/cancel`, { reason: 'x' })).res.status,
        403,
        email,
      );
      const move = await post(b, `/staff/appointments/${id}/move`, {
        date: DAY,
        start: '11:00',
        reason: 'x',
      });
      assert.equal(move.res.status, 403, email);
    }
    const a = await AppointmentModel.findById(id).lean();
    assert.deepEqual([a?.status, a?.start], ['booked', '10:00']);
    assert.equal(events.filter((e) => e.type !== 'appointment.booked').length, 0);
    // The administrator of every office may.
    const admin = await signIn(t, 'admin@example.com');
    const done = await post(admin, `/staff/appointments/${id}/cancel`, { reason: '来电取消' });
    assert.equal(done.res.status, 303);
  });
});
