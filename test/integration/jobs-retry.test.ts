// SMTP failures: a server that refuses and then accepts gets exactly one message; one that
// keeps refusing leaves the notification failed, shown to administrators at /staff/outbox
// with a resend button that sends it once; a permanent refusal is not retried; a claim left
// by a process that died while sending is marked failed, never sent blindly a second time.
import assert from 'node:assert/strict';
import { NotificationModel } from '../../src/models/notification.model.ts';
import { createOffice, resetDatabase } from '../helpers/test-app.ts';
import { createUser, signIn } from '../http/staff-fixtures.ts';
import {
  book,
  header,
  type JobWorld,
  type SmtpSink,
  startJobWorld,
  startSmtpSink,
  stopJobWorld,
  waitFor,
} from './jobs-fixtures.ts';

describe('jobs: delivery retries and failures', () => {
  let sink: SmtpSink | undefined;
  let world: JobWorld | undefined;
  let officeId: string;

  beforeEach(async () => {
    await resetDatabase();
    officeId = (await createOffice())._id.toString();
  });
  afterEach(async () => {
    await stopJobWorld(world);
    world = undefined;
    await sink?.close();
  });

  const statusOf = async (key: string) => (await NotificationModel.findOne({ key }).lean())?.status;

  it('a server that refuses twice, then accepts, receives exactly one message', async () => {
    sink = await startSmtpSink({ refuse: (n) => (n <= 2 ? 451 : null) });
    world = await startJobWorld({ smtpUrl: sink.url });
    const { appointment } = await book(world, officeId, '09:00');
    const key = `confirmation:${appointment._id}`;
    await waitFor(
      async () => (await statusOf(key)) === 'sent',
      15_000,
      () => 'the confirmation to be sent',
    );
    // Give any stray retry the time to show itself.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(sink.refusals, 2);
    assert.equal(sink.messages.length, 1);
    assert.equal(header(sink.messages[0]!, 'x-notification-key'), key);
    const stored = await NotificationModel.findOne({ key }).lean();
    assert.equal(stored?.attempts, 3);
    assert.equal(stored?.lastError, undefined);
  });

  it('after the last attempt the failure is shown to administrators, whose resend delivers it once', async () => {
    let accept = false;
    sink = await startSmtpSink({ refuse: () => (accept ? null : 451) });
    world = await startJobWorld({ smtpUrl: sink.url });
    const { appointment } = await book(world, officeId, '09:00');
    const key = `confirmation:${appointment._id}`;
    await waitFor(
      async () => (await statusOf(key)) === 'failed',
      15_000,
      () => 'the confirmation to fail',
    );
    const failed = await NotificationModel.findOne({ key }).lean();
    assert.equal(failed?.attempts, 3);
    assert.match(failed?.lastError ?? '', /451/);
    assert.equal(sink.messages.length, 0);

    const admin = await createUser('admin@example.com', 'admin', []);
    const registrar = await createUser('registrar@example.com', 'registrar', [officeId]);
    const registrarBrowser = await signIn(world, registrar.email);
    assert.equal((await registrarBrowser.get('/staff/outbox')).res.status, 403);

    const b = await signIn(world, admin.email);
    const page = await b.get('/staff/outbox');
    assert.equal(page.res.status, 200);
    const row = page.$(`#failed [data-notification="${failed!._id}"]`);
    assert.equal(row.length, 1);
    assert.match(row.text(), new RegExp(appointment.email));
    assert.match(row.text(), /451/);
    const form = row.find('form');
    assert.equal(form.attr('action'), `/staff/outbox/notifications/${failed!._id}/resend`);
    assert.equal(page.$('nav.staff-nav a[href="/staff/outbox"]').attr('aria-current'), 'page');

    accept = true;
    const csrf = String(form.find('input[name=_csrf]').val());
    const sent = await b.post(form.attr('action')!, { _csrf: csrf });
    assert.equal(sent.res.status, 303);
    assert.equal(sent.res.headers.location, '/staff/outbox');
    assert.equal(sink.messages.length, 1, 'delivered by the resend');
    assert.equal(await statusOf(key), 'sent');
    const after = await b.get('/staff/outbox');
    assert.match(after.$('.flash').text(), /已重新发送/);
    assert.equal(after.$('#failed').length, 0);

    // A second press (a stale page) sends nothing more.
    const again = await b.post(form.attr('action')!, { _csrf: csrf });
    assert.equal(again.res.status, 303);
    assert.match((await b.get('/staff/outbox')).$('.flash').text(), /不能重新发送/);
    assert.equal(sink.messages.length, 1);
  });

  it('a permanent refusal (550) is not retried', async () => {
    sink = await startSmtpSink({ refuse: () => 550 });
    world = await startJobWorld({ smtpUrl: sink.url });
    const { appointment } = await book(world, officeId, '09:00');
    const key = `confirmation:${appointment._id}`;
    await waitFor(async () => (await statusOf(key)) === 'failed');
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(sink.refusals, 1);
    assert.equal((await NotificationModel.findOne({ key }).lean())?.attempts, 1);
  });

  it('a claim left by a process that died while sending is marked failed, not sent again', async () => {
    sink = await startSmtpSink();
    world = await startJobWorld({ smtpUrl: sink.url, env: { JOBS: 'inline' } });
    const { appointment } = await book(world, officeId, '09:00');
    const key = `confirmation:${appointment._id}`;
    await waitFor(async () => (await statusOf(key)) === 'sent');
    // As if a process had claimed it an hour ago and died before the server answered.
    await NotificationModel.updateOne(
      { key },
      { $set: { status: 'sending', claimedAt: new Date(Date.now() - 3_600_000) } },
    );
    const result = await world.container.services.notifications.deliver({
      kind: 'confirmation',
      appointmentId: appointment._id.toString(),
    });
    assert.equal(result.outcome, 'duplicate');
    const stored = await NotificationModel.findOne({ key }).lean();
    assert.equal(stored?.status, 'failed');
    assert.match(stored?.lastError ?? '', /interrupted/);
    assert.equal(sink.messages.length, 1);
  });
});
