// Nothing lost, nothing doubled: bookings saved by a process that died before scheduling
// their jobs are caught up when a runner starts (in this process, and across a real kill and
// restart of the app), and two runners on one database never send a message twice.
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import mongoose from 'mongoose';
import { JOB } from '../../jobs/job-names.ts';
import { startJobRunner } from '../../jobs/runner.ts';
import { connectDatabase, ensureIndexes } from '../../src/db.ts';
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { NotificationModel } from '../../src/models/notification.model.ts';
import { couple } from '../helpers/ids.ts';
import { type AppProcess, type SpawnedEngine, spawnEngine, startAppProcess } from '../helpers/server.ts';
import {
  buildTestApp,
  connectTestDatabase,
  createOffice,
  resetDatabase,
  weekdays,
} from '../helpers/test-app.ts';
import {
  book,
  header,
  type JobWorld,
  jobsNamed,
  releaseDueJobs,
  type SmtpSink,
  startJobWorld,
  startSmtpSink,
  stopJobWorld,
  TEST_JOB_SETTINGS,
  textOf,
  waitFor,
} from './jobs-fixtures.ts';

describe('jobs: recovery and several runners', () => {
  let sink: SmtpSink;
  const worlds: JobWorld[] = [];

  beforeEach(async () => {
    await resetDatabase();
    sink = await startSmtpSink();
  });
  afterEach(async () => {
    for (const w of worlds.splice(0)) await stopJobWorld(w);
    await sink.close();
  });

  it('a booking saved without its jobs (the process died in between) gets them when a runner starts', async () => {
    const officeId = (await createOffice())._id.toString();
    // The app without a job runner: the booking is saved, nothing listens to the event.
    const app = await buildTestApp({ now: '2031-06-09T02:00:00.000Z', env: { SMTP_URL: sink.url } });
    const { appointment, manageToken } = await book(app, officeId, '09:00');
    const saved = await AppointmentModel.findById(appointment._id).lean();
    assert.equal(saved?.jobsScheduledAt ?? null, null);
    assert.equal(sink.messages.length, 0);

    const runner = (await startJobRunner(app.container, { settings: TEST_JOB_SETTINGS }))!;
    worlds.push({ ...app, runner });
    const [mail] = await sink.waitForMessages(1);
    assert.equal(header(mail!, 'x-notification-key'), `confirmation:${appointment._id}`);
    // The manage token died with the process: the message leads to the look-up page instead.
    assert.ok(!textOf(mail!).includes(manageToken));
    assert.match(textOf(mail!), new RegExp(`输入预约编号 ${appointment.reference}`));
    await waitFor(async () =>
      Boolean((await AppointmentModel.findById(appointment._id).lean())?.jobsScheduledAt),
    );
    assert.equal((await jobsNamed(JOB.reminders)).length, 2);

    // Starting again (another restart) schedules nothing twice and sends nothing again.
    await runner.sweep();
    await AppointmentModel.updateOne({ _id: appointment._id }, { $unset: { jobsScheduledAt: 1 } });
    await runner.sweep();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(sink.messages.length, 1);
    assert.equal((await jobsNamed(JOB.reminders)).length, 2);
  });

  it('two runners on one database send each message once', async () => {
    const offices = [];
    for (const slug of ['a', 'b', 'c']) {
      offices.push(
        (await createOffice({ slug, name: { zh: `第${slug}登记处`, en: `Office ${slug}` } }))._id.toString(),
      );
    }
    const first = await startJobWorld({ smtpUrl: sink.url });
    const second = await startJobWorld({ smtpUrl: sink.url });
    worlds.push(first, second);
    const booked = [];
    for (const [i, officeId] of offices.entries()) {
      for (const start of ['09:00', '09:30', '10:00', '10:30', '11:00']) {
        // Bookings arrive through either process.
        booked.push((await book(i % 2 ? second : first, officeId, start)).appointment);
      }
    }
    await sink.waitForMessages(booked.length);
    await waitFor(
      async () =>
        (await AppointmentModel.countDocuments({ jobsScheduledAt: { $ne: null } })) === booked.length,
    );
    // Every batch job twice over, so both runners work on the same bookings at once.
    const jobs = mongoose.connection.db!.collection('agendaJobs');
    for (const job of await jobsNamed(JOB.reminders)) {
      const { _id, ...copy } = job;
      await jobs.insertOne(copy);
    }
    const started = [0, 0];
    first.runner.agenda.on(`start:${JOB.reminders}`, () => started[0]!++);
    second.runner.agenda.on(`start:${JOB.reminders}`, () => started[1]!++);
    first.clock.set('2031-06-10T10:00:00.000Z');
    second.clock.set('2031-06-10T10:00:00.000Z');
    await releaseDueJobs(first.clock());
    const reminderMails = () =>
      sink.messages.filter((m) => header(m, 'x-notification-key').startsWith('reminder:'));
    await waitFor(
      () => reminderMails().length >= booked.length,
      20_000,
      () => `${reminderMails().length} reminders`,
    );
    await waitFor(async () =>
      (await jobsNamed(JOB.reminders)).every((j) => j.nextRunAt > new Date(Date.now() + 1000)),
    );
    const keys = reminderMails().map((m) => header(m, 'x-notification-key'));
    assert.equal(keys.length, booked.length, 'one reminder per booking');
    assert.equal(new Set(keys).size, keys.length, 'no reminder twice');
    assert.equal(started[0]! + started[1]!, 6, 'three batches, each twice');
    assert.ok(started[0]! > 0 && started[1]! > 0, `both runners worked: ${started.join(' + ')}`);
    assert.equal(await NotificationModel.countDocuments({ kind: 'reminder', status: 'sent' }), booked.length);
  });
});

describe('jobs: the app killed between saving bookings and scheduling them', function () {
  this.timeout(120_000);
  let engine: SpawnedEngine;
  let app: AppProcess | undefined;
  let sink: SmtpSink;
  const DB = 'jobs_restart';

  before(async () => {
    engine = await spawnEngine();
    await mongoose.disconnect();
    await connectDatabase(engine.uri, DB);
    await ensureIndexes();
    sink = await startSmtpSink();
  });
  after(async () => {
    await app?.kill('SIGKILL');
    await sink.close();
    await mongoose.disconnect();
    await engine?.dispose();
    await connectTestDatabase();
  });

  it('after a restart every booking still gets its confirmation, once', async () => {
    const office = await createOffice({
      weeklyTemplate: weekdays({ sessions: [{ start: '09:00', end: '12:00' }] }).concat(
        [6, 7].map((weekday) => ({ ...weekdays()[0]!, weekday })),
      ),
    });
    // The app runs on the real clock: a day three days ahead is inside the booking window.
    const date = DateTime.now().setZone('Asia/Shanghai').plus({ days: 3 }).toISODate()!;
    // First life: bookings are saved, but the process schedules nothing (as if it died right
    // after each save), then it is killed without any shutdown.
    app = await startAppProcess({
      mongodbUri: engine.uri,
      dbName: DB,
      env: { JOBS: 'off', SMTP_URL: sink.url },
    });
    const references: string[] = [];
    for (const start of ['09:00', '09:30', '10:00']) {
      const res = await fetch(`${app.url}/api/v1/appointments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ officeId: office._id.toString(), date, start, ...couple() }),
      });
      const body = await res.text();
      assert.equal(res.status, 201, body);
      references.push((JSON.parse(body) as { reference: string }).reference);
    }
    await app.kill('SIGKILL');
    assert.equal(sink.messages.length, 0);
    assert.equal(await AppointmentModel.countDocuments({ jobsScheduledAt: null }), 3);

    // Second life, with jobs: the sweep at start finds the three bookings.
    app = await startAppProcess({
      mongodbUri: engine.uri,
      dbName: DB,
      env: { JOBS: 'inline', SMTP_URL: sink.url },
    });
    // Staff mail (the administrator's peak-day digest) may go out too: count the couples' confirmations.
    const confirmations = () =>
      sink.messages.filter((m) => header(m, 'x-notification-key').startsWith('confirmation:'));
    await waitFor(async () => confirmations().length >= 3, 30_000);
    await waitFor(
      async () => (await AppointmentModel.countDocuments({ jobsScheduledAt: null })) === 0,
      30_000,
    );
    const mentioned = confirmations().map((m) => references.find((r) => textOf(m).includes(r)));
    assert.deepEqual(mentioned.sort(), [...references].sort());
    await app.kill('SIGTERM');
    app = undefined;
    assert.equal(confirmations().length, 3);
  });
});
