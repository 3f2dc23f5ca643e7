// Where jobs run: in the web process by default (JOBS=inline), in a separate worker when
// JOBS=worker (the web process then only queues them, and sends the booking confirmation
// itself because only it knows the manage token), and nowhere when JOBS=off.
import assert from 'node:assert/strict';
import mongoose from 'mongoose';
import { JOB } from '../../jobs/job-names.ts';
import { startJobRunner } from '../../jobs/runner.ts';
import { buildTestApp, createOffice, resetDatabase } from '../helpers/test-app.ts';
import {
  book,
  header,
  jobsNamed,
  type SmtpSink,
  startSmtpSink,
  TEST_JOB_SETTINGS,
  textOf,
  waitFor,
} from './jobs-fixtures.ts';

describe('jobs: where they run (JOBS)', () => {
  let sink: SmtpSink;
  const stops: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    await resetDatabase();
    sink = await startSmtpSink();
  });
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    await sink.close();
  });

  it('JOBS=off: no runner, nothing queued, nothing sent', async () => {
    const officeId = (await createOffice())._id.toString();
    const app = await buildTestApp({
      now: '2031-06-09T02:00:00.000Z',
      env: { SMTP_URL: sink.url, JOBS: 'off' },
    });
    assert.equal(await startJobRunner(app.container, { settings: TEST_JOB_SETTINGS }), undefined);
    await book(app, officeId, '09:00');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(sink.messages.length, 0);
    assert.equal(await mongoose.connection.db!.collection('agendaJobs').countDocuments(), 0);
    app.container.mailer.close();
  });

  it('JOBS=worker: the web process queues jobs and the worker runs them', async () => {
    const officeId = (await createOffice())._id.toString();
    const env = { SMTP_URL: sink.url, JOBS: 'worker' };
    const web = await buildTestApp({ now: '2031-06-09T02:00:00.000Z', env });
    const webRunner = (await startJobRunner(web.container, { settings: TEST_JOB_SETTINGS }))!;
    stops.push(async () => {
      await webRunner.stop();
      web.container.mailer.close();
    });
    assert.equal(webRunner.role, 'web');
    assert.ok(webRunner.healthy());

    const { appointment, manageToken } = await book(web, officeId, '09:00');
    // The confirmation comes from the web process, with the private manage link.
    const [confirmation] = await sink.waitForMessages(1);
    assert.ok(textOf(confirmation!).includes(`/booking/${manageToken}`));
    await web.container.services.booking.cancel(appointment._id, 'couple');
    await waitFor(async () => (await jobsNamed(JOB.notice)).length === 1);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(sink.messages.length, 1, 'the web process does not run the queued notice');

    const worker = await buildTestApp({ now: '2031-06-09T02:00:00.000Z', env });
    const workerRunner = (await startJobRunner(worker.container, {
      role: 'worker',
      settings: TEST_JOB_SETTINGS,
    }))!;
    stops.push(async () => {
      await workerRunner.stop();
      worker.container.mailer.close();
    });
    assert.equal(workerRunner.role, 'worker');
    await sink.waitForMessages(2);
    const notice = sink.messages[1]!;
    assert.equal(header(notice, 'x-notification-key'), `cancelled:${appointment._id}`);
    assert.equal(notice.subject, '预约已取消：2031年6月11日 周三 09:00 · 锦江区婚姻登记处');
    assert.match(textOf(notice), /您已取消下列预约，名额已释放。/);
  });

  it('JOBS=inline: one runner both queues and runs; stop() leaves it unhealthy', async () => {
    const app = await buildTestApp({ now: '2031-06-09T02:00:00.000Z', env: { SMTP_URL: sink.url } });
    const runner = (await startJobRunner(app.container, {
      settings: { ...TEST_JOB_SETTINGS, periodic: true },
    }))!;
    assert.equal(runner.role, 'inline');
    assert.ok(runner.healthy());
    // Periodic jobs are single documents, however many processes start.
    const second = (await startJobRunner(app.container, {
      settings: { ...TEST_JOB_SETTINGS, periodic: true },
    }))!;
    const names = [
      JOB.catchUp,
      JOB.noShows,
      JOB.roster,
      JOB.peakDigest,
      JOB.reconcile,
      JOB.ceremonies,
      JOB.lottery,
      JOB.retention,
    ];
    for (const name of names) assert.equal((await jobsNamed(name)).length, 1, name);
    const reconcile = (await jobsNamed(JOB.reconcile))[0]!;
    assert.equal(reconcile.repeatInterval, '30 3 * * *');
    assert.equal(reconcile.repeatTimezone, 'Asia/Shanghai');
    const retention = (await jobsNamed(JOB.retention))[0]!;
    assert.equal(retention.repeatInterval, '0 4 * * *');
    assert.equal(retention.repeatTimezone, 'Asia/Shanghai');
    await second.stop();
    await runner.stop();
    app.container.mailer.close();
    assert.equal(runner.healthy(), false);
  });
});
