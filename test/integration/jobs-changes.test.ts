// Notices of a change the couples did not make: a coordinator moving a ceremony's time or hall
// (the couples seated or offered a seat are told, the seated couples' reminders carry the new
// time), staff opening a closed day after all (the couples whose booking was marked are told it
// stands), and staff cancelling or moving a booking for a couple who phoned (told once each). Driven by the real services' events, sent to a real SMTP server.
import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import { sendNotice } from '../../jobs/handlers/messages.ts';
import { JOB, type NoticeSpec } from '../../jobs/job-names.ts';
import { NotificationModel } from '../../src/models/notification.model.ts';
import type { CeremonyInput } from '../../src/services/ceremony/ceremony-service.ts';
import type { DomainEvent } from '../../src/services/events.ts';
import { createOffice, resetDatabase } from '../helpers/test-app.ts';
import {
  book,
  DAY,
  header,
  type JobWorld,
  jobsNamed,
  releaseDueJobs,
  type SmtpSink,
  startJobWorld,
  startSmtpSink,
  stopJobWorld,
  textOf,
  waitFor,
} from './jobs-fixtures.ts';

describe('jobs: notices of ceremony changes and reopened days', () => {
  let sink: SmtpSink;
  let world: JobWorld;
  let officeId: string;
  let events: DomainEvent[];

  beforeEach(async () => {
    await resetDatabase();
    sink = await startSmtpSink();
    world = await startJobWorld({ smtpUrl: sink.url });
    officeId = (await createOffice())._id.toString();
    events = [];
    world.container.events.subscribe((e) => {
      events.push(e);
    });
  });
  afterEach(async () => {
    await stopJobWorld(world);
    await sink.close();
  });

  const keyed = (prefix: string) =>
    sink.messages.filter((m) => header(m, 'x-notification-key').startsWith(prefix));
  const addr = (m: (typeof sink.messages)[number]) =>
    (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address ?? '';
  const to = (prefix: string, email: string) => keyed(prefix).filter((m) => addr(m) === email);

  /** A retried notice job: the stored spec delivered again must send nothing. */
  async function retryEvery(kind: string) {
    const stored = await NotificationModel.find({ kind }).lean();
    assert.ok(stored.length > 0);
    for (const n of stored) {
      const result = await sendNotice(world.runner.context, { spec: n.spec as unknown as NoticeSpec });
      assert.equal(result.outcome, 'duplicate', n.key);
    }
  }

  const INPUT: CeremonyInput = {
    date: DAY,
    start: '16:00',
    durationMinutes: 45,
    title: { zh: '七夕集体颁证仪式', en: 'Qixi group ceremony' },
    hall: { zh: '二楼颁证大厅', en: 'Certificate Hall' },
    presenter: { zh: '王芳', en: 'Wang Fang' },
    seats: 2,
    minCouples: 1,
    signupDeadline: '2031-06-10T17:00',
    offerHours: 24,
  };

  it('a changed ceremony time moves the reminder and tells each seated or offered couple once, in its language', async () => {
    const { ceremonies } = world.container.services;
    const ceremony = await ceremonies.create(officeId, INPUT, { status: 'open', actor: 'test' });
    const id = ceremony._id.toString();
    const leaves = await book(world, officeId, '09:00', { email: 'leaves@example.com' });
    const seated = await book(world, officeId, '09:30', { language: 'en', email: 'seated@example.com' });
    const offered = await book(world, officeId, '10:00', { email: 'offered@example.com' });
    await sink.waitForMessages(3);
    await ceremonies.join(id, leaves.appointment, { channel: 'online' });
    await ceremonies.join(id, seated.appointment, { channel: 'online' });
    await ceremonies.join(id, offered.appointment, { channel: 'online' });
    await ceremonies.leave(leaves.appointment);
    // Seated: `seated`; offered the seat freed: `offered`; left: `leaves` (not told of changes).
    await waitFor(
      () => keyed('ceremony:').filter((m) => /:offer:/.test(header(m, 'x-notification-key'))).length === 1,
    );
    await waitFor(async () => (await jobsNamed(JOB.ceremonyReminder)).length === 1);

    // An edit that leaves the date, start and hall alone tells nobody.
    await ceremonies.update(
      id,
      { ...INPUT, presenter: { zh: '李明', en: 'Li Ming' }, seats: 3 },
      'coordinator',
    );
    await new Promise((r) => setImmediate(r));
    assert.equal(events.filter((e) => e.type === 'ceremony.changed').length, 0);

    await ceremonies.update(id, { ...INPUT, seats: 3, start: '17:00' }, 'coordinator');
    await waitFor(() => keyed('ceremony_changed:').length === 2);
    const changed = events.filter((e) => e.type === 'ceremony.changed');
    assert.equal(changed.length, 1);
    const event = changed[0]!;
    assert.deepEqual(
      [...event.appointmentIds].sort(),
      [seated.appointment._id.toString(), offered.appointment._id.toString()].sort(),
    );
    assert.deepEqual(event.previous, { date: DAY, start: '16:00' });
    assert.equal(event.ceremony.start, '17:00');
    assert.equal(event.ceremony.startsAt.toISOString(), '2031-06-11T09:00:00.000Z');

    const en = to('ceremony_changed:', 'seated@example.com');
    assert.equal(en.length, 1);
    assert.equal(en[0]!.subject, 'Ceremony changed: Qixi group ceremony · Wed 11 Jun 2031 17:00');
    assert.match(
      textOf(en[0]!),
      /it is now on Wed 11 Jun 2031 at 17:00 in Certificate Hall\. Please go by the new arrangement\./,
    );
    assert.match(textOf(en[0]!), /Was at: Wed 11 Jun 2031 16:00/);
    assert.doesNotMatch(textOf(en[0]!), /Was in:/);
    assert.match(en[0]!.html || '', /Your group ceremony has changed/);
    const zh = to('ceremony_changed:', 'offered@example.com');
    assert.equal(zh.length, 1);
    assert.equal(zh[0]!.subject, '仪式安排变更：七夕集体颁证仪式 · 2031年6月11日 周三 17:00');
    assert.match(textOf(zh[0]!), /现为 2031年6月11日 周三 17:00，地点：二楼颁证大厅。/);
    assert.match(textOf(zh[0]!), /原仪式时间：2031年6月11日 周三 16:00/);
    assert.match(textOf(zh[0]!), new RegExp(`预约编号：${offered.appointment.reference}`));
    assert.match(zh[0]!.html || '', /集体颁证仪式安排有变/);
    assert.equal(to('ceremony_changed:', 'leaves@example.com').length, 0);

    // The seated couple's reminder: the same noon the day before, now carrying 17:00.
    const reminders = await jobsNamed(JOB.ceremonyReminder);
    assert.equal(reminders.length, 1);
    assert.equal(reminders[0]!.data.appointmentId, seated.appointment._id.toString());
    assert.equal(reminders[0]!.data.ceremony.start, '17:00');
    assert.equal(reminders[0]!.data.ceremony.startsAt, '2031-06-11T09:00:00.000Z');
    assert.equal(reminders[0]!.nextRunAt.toISOString(), '2031-06-10T04:00:00.000Z');

    // A retried notice job sends nothing again.
    await retryEvery('ceremony_changed');

    // A second change (the hall), an hour later, is told again, with the hall it was in.
    world.clock.set('2031-06-09T03:00:00.000Z');
    await ceremonies.update(
      id,
      { ...INPUT, seats: 3, start: '17:00', hall: { zh: '三楼礼堂', en: 'Third-floor Hall' } },
      'coordinator',
    );
    await waitFor(() => keyed('ceremony_changed:').length === 4);
    const second = to('ceremony_changed:', 'offered@example.com').at(-1)!;
    assert.match(textOf(second), /地点：三楼礼堂/);
    assert.match(textOf(second), /原仪式地点：二楼颁证大厅/);
    const secondEn = to('ceremony_changed:', 'seated@example.com').at(-1)!;
    assert.match(textOf(secondEn), /Was in: Certificate Hall/);

    // The reminder fires the day before at noon, with the new time and hall.
    world.clock.set('2031-06-10T04:00:00.000Z');
    await releaseDueJobs(world.clock());
    await waitFor(() => keyed('ceremony_reminder:').length === 1);
    const reminder = keyed('ceremony_reminder:')[0]!;
    assert.equal(reminder.subject, 'Ceremony reminder: Qixi group ceremony · Wed 11 Jun 2031 17:00');
    assert.match(textOf(reminder), /at 17:00 in Third-floor Hall/);
    assert.equal(
      header(reminder, 'x-notification-key'),
      `ceremony_reminder:${seated.appointment._id}:${id}:2031-06-11T09:00:00.000Z`,
    );
    const keys = sink.messages.map((m) => header(m, 'x-notification-key'));
    assert.equal(new Set(keys).size, keys.length, 'no message twice');
  });

  it('reopening a closed day tells each couple whose booking was marked, once, in its language', async () => {
    const { closure } = world.container.services.staff;
    const office = new Types.ObjectId(officeId);
    const zh = await book(world, officeId, '09:00', { email: 'zh@example.com' });
    const en = await book(world, officeId, '10:00', { language: 'en', email: 'en@example.com' });
    const cancels = await book(world, officeId, '11:00', { email: 'cancels@example.com' });
    await sink.waitForMessages(3);
    await closure.closeDay(office, DAY, 'staff-1', { zh: '因停电闭馆', en: 'Closed: power cut' });
    await waitFor(() => keyed('office_closed:').length === 3);
    await world.container.services.booking.cancel(cancels.appointment._id, 'couple');
    await waitFor(() => keyed('cancelled:').length === 1);

    world.clock.set('2031-06-09T06:00:00.000Z');
    assert.equal(await closure.reopenDay(office, DAY, 'staff-1'), 3);
    await waitFor(() => keyed('office_reopened:').length === 2);
    const reopened = events.filter((e) => e.type === 'office.reopened');
    assert.equal(reopened.length, 1);
    assert.deepEqual(
      [...reopened[0]!.appointmentIds].sort(),
      [zh.appointment._id.toString(), en.appointment._id.toString()].sort(),
    );

    const enMail = to('office_reopened:', 'en@example.com');
    assert.equal(enMail.length, 1);
    assert.equal(
      enMail[0]!.subject,
      'Jinjiang District Marriage Registry is open on Wed 11 Jun 2031 after all: your booking stands',
    );
    assert.match(textOf(enMail[0]!), /Your booking stands: please come at the time booked\./);
    assert.equal(
      header(enMail[0]!, 'x-notification-key'),
      `office_reopened:${en.appointment._id}:${DAY}:2031-06-09T06:00:00.000Z`,
    );
    const zhMail = to('office_reopened:', 'zh@example.com');
    assert.equal(zhMail.length, 1);
    assert.match(zhMail[0]!.subject ?? '', /2031年6月11日 周三 恢复办公，您的预约照常$/);
    assert.match(textOf(zhMail[0]!), /您的预约继续有效，请按原定时间前来办理。/);
    assert.match(textOf(zhMail[0]!), new RegExp(`预约编号：${zh.appointment.reference}`));
    assert.equal(to('office_reopened:', 'cancels@example.com').length, 0);

    // A retried job sends nothing twice; reopening an open day again tells nobody.
    await retryEvery('office_reopened');
    assert.equal(await closure.reopenDay(office, DAY, 'staff-1'), 0);
    assert.equal(events.filter((e) => e.type === 'office.reopened').length, 1);
    const keys = sink.messages.map((m) => header(m, 'x-notification-key'));
    assert.equal(new Set(keys).size, keys.length, 'no message twice');
  });

  it('a booking cancelled or moved by staff for a couple who phoned: told once each, in its language, with the reason', async () => {
    const { desk } = world.container.services.staff;
    const zh = await book(world, officeId, '09:00', { email: 'zh@example.com' });
    const en = await book(world, officeId, '10:00', { language: 'en', email: 'en@example.com' });
    await sink.waitForMessages(2);

    await desk.cancel(zh.appointment, { reason: '新人来电：家中有事', actor: 'staff-1' });
    await desk.move(en.appointment, {
      date: DAY,
      start: '14:00',
      reason: 'phoned: cannot make the morning',
      actor: 'staff-1',
      giveUpSeat: false,
    });
    await waitFor(() => keyed('cancelled:').length === 1 && keyed('moved:').length === 1);

    const cancelled = keyed('cancelled:')[0]!;
    assert.equal(header(cancelled, 'x-notification-key'), `cancelled:${zh.appointment._id}`);
    assert.match(textOf(cancelled), /新人来电：家中有事/);
    const moved = keyed('moved:')[0]!;
    assert.equal(header(moved, 'x-notification-key'), `moved:${en.appointment._id}:1`);
    assert.match(textOf(moved), /14:00/);

    // A retried job sends nothing twice.
    await retryEvery('cancelled');
    await retryEvery('moved');
    const keys = sink.messages.map((m) => header(m, 'x-notification-key'));
    assert.equal(new Set(keys).size, keys.length, 'no message twice');
  });
});
