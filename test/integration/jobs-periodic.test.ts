// The periodic jobs and the notices of change: no-shows marked after the slot's end plus
// grace (and the couple told), the morning roster to each office's staff, the monthly
// peak-day suggestions to administrators, emergency closures, and the nightly reconciliation
// repairing counters that drifted. Handlers are run directly at chosen test-clock times.
import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import { markNoShows } from '../../jobs/handlers/no-shows.ts';
import { reconcile } from '../../jobs/handlers/reconcile.ts';
import { sendDailyRosters, sendPeakDigests } from '../../jobs/handlers/staff-digests.ts';
import { JOB } from '../../jobs/job-names.ts';
import { createLogger } from '../../src/logger.ts';
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { DayPlanModel } from '../../src/models/day-plan.model.ts';
import { NotificationModel } from '../../src/models/notification.model.ts';
import { PersonHoldModel } from '../../src/models/person-hold.model.ts';
import { SlotModel } from '../../src/models/slot.model.ts';
import { createOffice, resetDatabase } from '../helpers/test-app.ts';
import { createUser } from '../http/staff-fixtures.ts';
import {
  book,
  DAY,
  header,
  type JobWorld,
  jobsNamed,
  type SmtpSink,
  startJobWorld,
  startSmtpSink,
  stopJobWorld,
  textOf,
  waitFor,
} from './jobs-fixtures.ts';

describe('jobs: periodic work and notices of change', () => {
  let sink: SmtpSink;
  let world: JobWorld;
  let officeId: string;

  beforeEach(async () => {
    await resetDatabase();
    sink = await startSmtpSink();
    world = await startJobWorld({ smtpUrl: sink.url });
    officeId = (await createOffice())._id.toString();
  });
  afterEach(async () => {
    await stopJobWorld(world);
    await sink.close();
  });

  const keyed = (prefix: string) =>
    sink.messages.filter((m) => header(m, 'x-notification-key').startsWith(prefix));
  const confirmed = (n: number) => waitFor(() => keyed('confirmation:').length >= n);

  it('marks a booking not checked in by its slot end plus grace as a no-show, and tells the couple', async () => {
    const missed = await book(world, officeId, '09:00');
    const arrived = await book(world, officeId, '09:00');
    const later = await book(world, officeId, '10:00');
    await confirmed(3);
    world.clock.set('2031-06-11T01:00:00.000Z'); // 09:00 in Chengdu
    await world.container.services.dayOps.checkIn(arrived.appointment._id, 'test');
    // 09:30 slot end + 30 minutes grace = 10:00 (02:00 UTC): not yet at 09:59.
    world.clock.set('2031-06-11T01:59:00.000Z');
    assert.equal(await markNoShows(world.runner.context), 0);
    world.clock.set('2031-06-11T02:00:00.000Z');
    assert.equal(await markNoShows(world.runner.context), 1);
    const statuses = await AppointmentModel.find({}, { status: 1, noShowBy: 1 }).lean();
    const byId = new Map(statuses.map((s) => [s._id.toString(), s]));
    assert.equal(byId.get(missed.appointment._id.toString())?.status, 'no_show');
    assert.equal(byId.get(missed.appointment._id.toString())?.noShowBy, 'system');
    assert.equal(byId.get(arrived.appointment._id.toString())?.status, 'arrived');
    assert.equal(byId.get(later.appointment._id.toString())?.status, 'booked');
    await waitFor(() => keyed('no_show:').length === 1);
    const notice = keyed('no_show:')[0]!;
    assert.equal(notice.subject, '未到场记录：2031年6月11日 周三 09:00');
    assert.match(textOf(notice), /180 天内未到场 3 次，将暂停网上预约 30 天。/);
    assert.equal(await markNoShows(world.runner.context), 0, 'nothing more to mark');
  });

  it('sends each office its morning roster once, to the staff of that office only', async () => {
    const otherOffice = (
      await createOffice({ slug: 'wuhou', name: { zh: '武侯区婚姻登记处', en: 'Wuhou' } })
    )._id.toString();
    await createUser('registrar@example.com', 'registrar', [officeId]);
    await createUser('admin@example.com', 'admin', []);
    await createUser('other@example.com', 'registrar', [otherOffice]);
    await createUser('gone@example.com', 'registrar', [officeId], { active: false });
    const a = await book(world, officeId, '09:00');
    const b = await book(world, officeId, '14:00');
    const cancelled = await book(world, officeId, '10:00');
    await confirmed(3);
    await world.container.services.booking.cancel(cancelled.appointment._id, 'couple');

    world.clock.set('2031-06-10T22:59:00.000Z'); // 06:59 on the day
    assert.equal(await sendDailyRosters(world.runner.context), 0);
    world.clock.set('2031-06-10T23:05:00.000Z'); // 07:05
    assert.equal(await sendDailyRosters(world.runner.context), 2);
    assert.equal(await sendDailyRosters(world.runner.context), 0, 'once a day');
    const rosters = keyed('roster:');
    assert.deepEqual(rosters.map((m) => (m.to && 'text' in m.to ? m.to.text : '')).sort(), [
      'admin@example.com',
      'registrar@example.com',
    ]);
    const mail = rosters[0]!;
    assert.equal(mail.subject, '2031年6月11日 周三 预约名单 · 锦江区婚姻登记处（2 对）');
    const text = textOf(mail);
    assert.ok(text.indexOf(a.appointment.reference) < text.indexOf(b.appointment.reference), 'in time order');
    assert.match(text, new RegExp(`09:00–09:30 ${a.appointment.reference} 张伟\\d+ & 李娜\\d+ \\(已预约\\)`));
    assert.ok(!text.includes(cancelled.appointment.reference));
    assert.match(text, new RegExp(`/staff/offices/${officeId}/roster\\?date=${DAY}`));
  });

  it('sends a member of staff the roster in the language of their last sign-in', async () => {
    await createUser('english@example.com', 'registrar', [officeId], { language: 'en' });
    await book(world, officeId, '09:00');
    await confirmed(1);
    world.clock.set('2031-06-10T23:05:00.000Z');
    assert.equal(await sendDailyRosters(world.runner.context), 1);
    const [mail] = keyed('roster:');
    assert.match(mail!.subject ?? '', /Jinjiang|Wed 11 Jun 2031/);
    assert.doesNotMatch(mail!.subject ?? '', /预约名单/);
  });

  it('sends administrators the peak days ahead once a month, planned ones marked', async () => {
    await OfficeWithCustomDay(officeId);
    await createUser('admin@example.com', 'admin', []);
    await createUser('registrar@example.com', 'registrar', [officeId]);
    await DayPlanModel.create({
      office: new Types.ObjectId(officeId),
      date: '2031-08-24',
      kind: 'peak',
      quotaPerSlot: 20,
    });
    world.clock.set('2031-07-01T00:30:00.000Z'); // 08:30 on the 1st in Chengdu: too early
    assert.equal(await sendPeakDigests(world.runner.context), 0);
    world.clock.set('2031-07-01T01:30:00.000Z'); // 09:30
    assert.equal(await sendPeakDigests(world.runner.context), 1);
    world.clock.set('2031-07-15T01:30:00.000Z');
    assert.equal(await sendPeakDigests(world.runner.context), 0, 'once a month');
    const [mail] = keyed('peak_days:');
    assert.equal(mail!.subject, '热门日期提醒：未来 3 个月有 2 个建议热门日');
    const text = textOf(mail!);
    assert.match(text, /2031年8月24日 周日 七夕 \[已安排\]/);
    assert.match(text, /2031年9月9日 周二 久久 \[未安排\]/);
    assert.match(text, new RegExp(`/staff/offices/${officeId}/peak-days`));
  });

  it('tells the couples of a day the office closes, and sends them no reminder for it', async () => {
    const a = await book(world, officeId, '09:00', { language: 'en' });
    await confirmed(1);
    await waitFor(async () => (await jobsNamed(JOB.reminders)).length === 2);
    await world.container.services.staff.closure.closeDay(new Types.ObjectId(officeId), DAY, 'staff-1', {
      zh: '因停电闭馆',
      en: 'Closed: power cut',
    });
    await waitFor(() => keyed('office_closed:').length === 1);
    const mail = keyed('office_closed:')[0]!;
    assert.equal(mail.subject, 'Important: Jinjiang District Marriage Registry is closed on Wed 11 Jun 2031');
    assert.match(textOf(mail), /From the office: Closed: power cut/);
    assert.match(textOf(mail), /Please move it to another day/);
    const result = await world.container.services.notifications.deliver({
      kind: 'reminder',
      appointmentId: a.appointment._id.toString(),
      reminder: 'day_before',
      startsAt: a.appointment.startsAt.toISOString(),
    });
    assert.deepEqual([result.outcome, result.detail], ['skipped', 'office closed that day']);
  });

  it('reconciliation repairs drifted slot counters and person holds, and logs each repair', async () => {
    const a = await book(world, officeId, '09:00');
    await book(world, officeId, '09:00');
    const c = await book(world, officeId, '10:00');
    await confirmed(3);
    const slot = await SlotModel.findById(a.appointment.slot).lean();
    // A fault: two places taken by nobody; a hold lost; a hold left by a cancelled booking.
    await SlotModel.updateOne({ _id: slot!._id }, { $inc: { booked: 2, remaining: -2 } });
    await PersonHoldModel.deleteOne({ appointment: c.appointment._id });
    await PersonHoldModel.create({
      _id: 'stale-fingerprint',
      appointment: new Types.ObjectId(),
      createdAt: new Date(0),
    });
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => lines.push(line) });
    const report = await reconcile({ ...world.runner.context, logger });
    assert.deepEqual(report.slots, { checked: 13, drifted: 1, repaired: 1 });
    assert.deepEqual({ ...report.holds, holds: 0 }, { holds: 0, released: 1, restored: 1, conflicts: 0 });
    const repaired = await SlotModel.findById(slot!._id).lean();
    assert.deepEqual([repaired?.booked, repaired?.remaining], [2, slot!.capacity - 2]);
    assert.equal(await PersonHoldModel.countDocuments(), 6);
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; before?: unknown; after?: unknown });
    const slotLog = logged.find((l) => l.msg === 'reconcile: slot counter repaired');
    assert.deepEqual(
      [slotLog?.before, slotLog?.after],
      [
        { booked: 4, remaining: slot!.capacity - 4 },
        { booked: 2, remaining: slot!.capacity - 2 },
      ],
    );
    assert.ok(logged.some((l) => l.msg === 'reconcile: missing person hold restored'));
    assert.ok(logged.some((l) => l.msg === 'reconcile: stale person hold released'));
    const again = await reconcile(world.runner.context);
    assert.deepEqual([again.slots.repaired, again.holds.released, again.holds.restored], [0, 0, 0]);
  });

  it('a notice is sent once even if its job is queued twice', async () => {
    const a = await book(world, officeId, '09:00');
    await confirmed(1);
    const spec = {
      kind: 'cancelled' as const,
      appointmentId: a.appointment._id.toString(),
      by: 'staff' as const,
    };
    await world.container.services.booking.cancel(a.appointment._id, 'staff', { reason: '材料不全' });
    await world.runner.scheduler.notice(spec);
    await waitFor(() => keyed('cancelled:').length >= 1);
    await waitFor(async () => (await jobsNamed(JOB.notice)).length === 0);
    assert.equal(keyed('cancelled:').length, 1);
    assert.match(textOf(keyed('cancelled:')[0]!), /登记处已取消您的下列预约。/);
    assert.match(textOf(keyed('cancelled:')[0]!), /说明：材料不全/);
    assert.equal(await NotificationModel.countDocuments({ kind: 'cancelled' }), 1);
  });
});

async function OfficeWithCustomDay(officeId: string) {
  const { OfficeModel } = await import('../../src/models/office.model.ts');
  await OfficeModel.updateOne(
    { _id: officeId },
    { $set: { customPeakDays: [{ month: 9, day: 9, label: { zh: '久久', en: 'Double nine' } }] } },
  );
}
