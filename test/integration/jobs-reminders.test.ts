// Reminders: scheduled when a booking is made (the day before at 18:00 and the day itself at
// 07:30, in the office's zone, while this process runs in New York time), sent once per
// couple when due, never to a cancelled booking, moved with a moved booking, and not doubled
// when a reminder comes due late or its job runs twice.
import assert from 'node:assert/strict';
import mongoose from 'mongoose';
import { JOB } from '../../jobs/job-names.ts';
import { NotificationModel } from '../../src/models/notification.model.ts';
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

const DAY_BEFORE_1800 = '2031-06-10T10:00:00.000Z';
const SAME_DAY_0730 = '2031-06-10T23:30:00.000Z';

describe('jobs: appointment reminders', () => {
  let sink: SmtpSink;
  let world: JobWorld | undefined;
  let officeId: string;
  const savedTz = process.env.TZ;

  before(() => {
    // Reminder times must not depend on the server's zone: run these tests in New York time.
    process.env.TZ = 'America/New_York';
  });
  after(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  beforeEach(async () => {
    await resetDatabase();
    sink = await startSmtpSink();
    world = await startJobWorld({ smtpUrl: sink.url });
    officeId = (await createOffice())._id.toString();
  });
  afterEach(async () => {
    await stopJobWorld(world);
    world = undefined;
    await sink.close();
  });

  const reminders = () =>
    sink.messages.filter((m) => header(m, 'x-notification-key').startsWith('reminder:'));

  /** Moves the test clock to `iso`, hands Agenda what is due, and waits until those jobs ran. */
  async function runDue(iso: string) {
    world!.clock.set(iso);
    const released = await releaseDueJobs(world!.clock());
    await waitFor(
      async () => (await jobsNamed(JOB.reminders)).every((j) => j.nextRunAt > new Date(Date.now() + 1000)),
      15_000,
      () => 'reminder batches to finish',
    );
    return released;
  }

  async function scheduled(appointmentId: unknown) {
    await waitFor(async () => {
      const doc = await mongoose.connection
        .db!.collection('appointments')
        .findOne({ _id: appointmentId as never });
      return Boolean(doc?.jobsScheduledAt);
    });
  }

  it('schedules the day-before 18:00 and same-day 07:30 reminders in the office zone, one batch per instant', async () => {
    assert.notEqual(
      new Date('2031-06-10T10:00:00Z').getTimezoneOffset(),
      -480,
      'the process is not on Chengdu time',
    );
    const first = await book(world!, officeId, '09:00');
    const second = await book(world!, officeId, '15:00', { language: 'en' });
    await scheduled(first.appointment._id);
    await scheduled(second.appointment._id);
    const jobs = await jobsNamed(JOB.reminders);
    assert.deepEqual(
      jobs.map((j) => ({ at: j.nextRunAt.toISOString(), data: j.data })),
      [
        {
          at: DAY_BEFORE_1800,
          data: { officeId, reminder: 'day_before', dueAt: DAY_BEFORE_1800, date: DAY },
        },
        { at: SAME_DAY_0730, data: { officeId, reminder: 'same_day', dueAt: SAME_DAY_0730, date: DAY } },
      ],
    );
  });

  it('sends each couple its reminder when due, in its language, with times in the office zone', async () => {
    const zh = await book(world!, officeId, '09:00');
    const en = await book(world!, officeId, '14:00', { language: 'en' });
    await sink.waitForMessages(2); // the confirmations
    await scheduled(en.appointment._id);

    await runDue(DAY_BEFORE_1800);
    await waitFor(() => reminders().length >= 2);
    const byKey = new Map(reminders().map((m) => [header(m, 'x-notification-key'), m]));
    const zhMail = byKey.get(`reminder:${zh.appointment._id}:day_before:2031-06-11T01:00:00.000Z`);
    const enMail = byKey.get(`reminder:${en.appointment._id}:day_before:2031-06-11T06:00:00.000Z`);
    assert.ok(zhMail && enMail, [...byKey.keys()].join(', '));
    assert.equal(zhMail.subject, '预约提醒：2031年6月11日 周三 09:00 · 锦江区婚姻登记处');
    assert.match(textOf(zhMail), /您预约的婚姻登记在明天 09:00。/);
    assert.match(textOf(zhMail), /地址：成都市锦江区东大街 88 号/);
    assert.match(textOf(zhMail), /http:\/\/localhost:3000\/lookup/);
    assert.match(textOf(zhMail), new RegExp(`输入预约编号 ${zh.appointment.reference}`));
    assert.equal(enMail.subject, 'Reminder: Wed 11 Jun 2031 14:00 · Jinjiang District Marriage Registry');
    assert.match(textOf(enMail), /Your marriage registration is tomorrow at 14:00\./);
    assert.match(textOf(enMail), /http:\/\/localhost:3000\/lookup\?lang=en/);

    await runDue(SAME_DAY_0730);
    await waitFor(() => reminders().length >= 4);
    const today = reminders().filter((m) => header(m, 'x-notification-key').includes(':same_day:'));
    assert.equal(today.length, 2);
    assert.ok(today.some((m) => /您预约的婚姻登记就在今天 09:00。/.test(textOf(m))));
    assert.ok(today.some((m) => /Your marriage registration is today at 14:00\./.test(textOf(m))));
  });

  it('sends no reminder to a cancelled booking', async () => {
    const kept = await book(world!, officeId, '09:00');
    const cancelled = await book(world!, officeId, '09:30');
    await scheduled(cancelled.appointment._id);
    await world!.container.services.booking.cancel(cancelled.appointment._id, 'couple');

    await runDue(DAY_BEFORE_1800);
    await waitFor(() => reminders().length >= 1);
    // The batch has finished: exactly one reminder, to the booking that was kept.
    assert.deepEqual(
      reminders().map((m) => header(m, 'x-notification-key')),
      [`reminder:${kept.appointment._id}:day_before:2031-06-11T01:00:00.000Z`],
    );
    const keys = (await NotificationModel.find({ appointment: cancelled.appointment._id }).lean()).map(
      (n) => n.kind,
    );
    assert.deepEqual(keys.sort(), ['cancelled', 'confirmation']);
  });

  it('follows a moved booking: no reminder for the old day, reminders for the new one, and a moved notice', async () => {
    const { appointment } = await book(world!, officeId, '09:00');
    await scheduled(appointment._id);
    await world!.container.services.booking.move(appointment._id, { date: '2031-06-12', start: '10:00' });
    await waitFor(async () => (await jobsNamed(JOB.reminders)).length === 4);
    const moved = await sink.waitForMessages(2);
    assert.ok(moved.some((m) => m.subject === '预约已改期：2031年6月12日 周四 10:00 · 锦江区婚姻登记处'));
    const notice = moved.find((m) => header(m, 'x-notification-key').startsWith('moved:'))!;
    assert.match(textOf(notice), /原预约时间：2031年6月11日 周三 09:00/);
    assert.ok(notice.attachments.some((a) => a.filename?.endsWith('.ics')));

    await runDue(DAY_BEFORE_1800);
    assert.equal(reminders().length, 0, 'the old day batch finds nobody to remind');
    await runDue('2031-06-11T10:00:00.000Z');
    await waitFor(() => reminders().length >= 1);
    assert.equal(reminders().length, 1);
    assert.match(textOf(reminders()[0]!), /您预约的婚姻登记在明天 10:00。/);
  });

  it('sends only the later reminder when both came due while no process was running', async () => {
    const { appointment } = await book(world!, officeId, '09:00');
    await scheduled(appointment._id);
    // 08:00 on the day: the 18:00 reminder of the day before is stale, the 07:30 one is not.
    await runDue('2031-06-11T00:00:00.000Z');
    await waitFor(() => reminders().length >= 1);
    assert.deepEqual(
      reminders().map((m) => header(m, 'x-notification-key')),
      [`reminder:${appointment._id}:same_day:2031-06-11T01:00:00.000Z`],
    );
  });

  it('sends a reminder once even when its batch job runs twice', async () => {
    const { appointment } = await book(world!, officeId, '09:00');
    await scheduled(appointment._id);
    const [job] = await jobsNamed(JOB.reminders);
    const { _id, ...copy } = job!;
    await mongoose.connection.db!.collection('agendaJobs').insertOne({ ...copy, lastModifiedBy: 'a copy' });
    assert.equal((await jobsNamed(JOB.reminders)).length, 3);

    await runDue(DAY_BEFORE_1800);
    await waitFor(() => reminders().length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(reminders().length, 1);
    assert.equal(await NotificationModel.countDocuments({ kind: 'reminder' }), 1);
  });

  it('supports reminders a number of minutes before the slot, one batch per start time', async () => {
    await stopJobWorld(world);
    world = await startJobWorld({
      smtpUrl: sink.url,
      settings: { reminders: [{ id: 'two_hours', minutesBefore: 120 }] },
    });
    const a = await book(world, officeId, '09:00');
    const b = await book(world, officeId, '10:00');
    await scheduled(a.appointment._id);
    await scheduled(b.appointment._id);
    const jobs = await jobsNamed(JOB.reminders);
    assert.deepEqual(
      jobs.map((j) => j.nextRunAt.toISOString()),
      ['2031-06-10T23:00:00.000Z', '2031-06-11T00:00:00.000Z'],
    );
    await runDue('2031-06-10T23:00:00.000Z');
    await waitFor(() => reminders().length >= 1);
    assert.equal(reminders().length, 1);
    assert.match(textOf(reminders()[0]!), /您预约的婚姻登记就在今天 09:00。/);
  });
});
