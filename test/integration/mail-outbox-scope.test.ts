// The outbox and the failed notifications are scoped by office, and private links are masked.
// Tried as the attacker would: an administrator of office B reads office A's outbox, opens a
// message of office A by its id (page, HTML, calendar file), resends a failed notification
// of office A; any administrator copies a couple's manage link out of a message. Each is
// refused or shows the link masked; the message stays stored as sent.
import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import { NotificationModel } from '../../src/models/notification.model.ts';
import { OutboxMessageModel } from '../../src/models/outbox-message.model.ts';
import { createOffice, resetDatabase } from '../helpers/test-app.ts';
import { createUser, signIn } from '../http/staff-fixtures.ts';
import { book, type JobWorld, startJobWorld, stopJobWorld, waitFor } from './jobs-fixtures.ts';

describe('mail: the outbox by office, private links masked', () => {
  let world: JobWorld;
  let officeA: string;
  let officeB: string;
  let tokenA: string;
  let messageA: string;
  let messageB: string;

  beforeEach(async () => {
    await resetDatabase();
    world = await startJobWorld();
    officeA = (await createOffice())._id.toString();
    officeB = (
      await createOffice({
        slug: 'wuhou',
        name: { zh: '武侯区婚姻登记处', en: 'Wuhou District Marriage Registry' },
      })
    )._id.toString();
    const a = await book(world, officeA, '09:00', { email: 'couple-a@example.com' });
    await book(world, officeB, '09:00', { email: 'couple-b@example.com' });
    tokenA = a.manageToken;
    await waitFor(async () => (await OutboxMessageModel.countDocuments()) === 2);
    messageA = String((await OutboxMessageModel.findOne({ to: 'couple-a@example.com' }).lean())!._id);
    messageB = String((await OutboxMessageModel.findOne({ to: 'couple-b@example.com' }).lean())!._id);
    await createUser('admin@example.com', 'admin', []);
    await createUser('admin-b@example.com', 'admin', [officeB]);
  });
  afterEach(async () => {
    await stopJobWorld(world);
  });

  /** A notification that failed after its last attempt, about an office (or none). */
  async function failedNotice(office: string | undefined, to: string) {
    const n = await NotificationModel.create({
      key: `test:${to}`,
      kind: 'peak_days',
      spec: { kind: 'peak_days', staffId: new Types.ObjectId().toString(), month: '2031-06' },
      to,
      subject: `subject for ${to}`,
      ...(office ? { office: new Types.ObjectId(office) } : {}),
      status: 'failed',
      attempts: 5,
      claimedAt: new Date(),
      lastError: '550 refused',
    });
    return n._id.toString();
  }

  it('an office-B administrator sees only office B: messages, failures, recent notifications', async () => {
    const failedA = await failedNotice(officeA, 'failed-a@example.com');
    await failedNotice(officeB, 'failed-b@example.com');
    await failedNotice(undefined, 'failed-none@example.com');
    const b = await signIn(world, 'admin-b@example.com');
    const list = await b.get('/staff/outbox');
    assert.equal(list.res.status, 200);
    assert.match(list.res.text, /couple-b@example\.com/);
    assert.match(list.res.text, /failed-b@example\.com/);
    assert.doesNotMatch(
      list.res.text,
      /couple-a@example\.com|failed-a@example\.com|failed-none@example\.com/,
    );
    for (const path of [
      `/staff/outbox/messages/${messageA}`,
      `/staff/outbox/messages/${messageA}/html`,
      `/staff/outbox/messages/${messageA}/attachments/0`,
    ]) {
      assert.equal((await b.get(path)).res.status, 403, path);
    }
    assert.equal((await b.get(`/staff/outbox/messages/${messageB}`)).res.status, 200);
    const resend = await b.agent
      .post(`/staff/outbox/notifications/${failedA}/resend`)
      .type('form')
      .send({ _csrf: b.csrf });
    assert.equal(resend.status, 403);
    assert.equal((await NotificationModel.findById(failedA).lean())!.status, 'failed');
  });

  it('the global administrator sees every office and the messages about none', async () => {
    await failedNotice(undefined, 'failed-none@example.com');
    const admin = await signIn(world, 'admin@example.com');
    const list = await admin.get('/staff/outbox');
    assert.match(list.res.text, /couple-a@example\.com/);
    assert.match(list.res.text, /couple-b@example\.com/);
    assert.match(list.res.text, /failed-none@example\.com/);
  });

  it('shows a manage link masked in the text, the HTML and the calendar file; the message is stored as sent', async () => {
    const admin = await signIn(world, 'admin@example.com');
    const page = await admin.get(`/staff/outbox/messages/${messageA}`);
    const html = await admin.agent.get(`/staff/outbox/messages/${messageA}/html`);
    const ics = await admin.agent.get(`/staff/outbox/messages/${messageA}/attachments/0`);
    for (const [where, text] of [
      ['page', page.res.text],
      ['html', html.text],
      ['calendar file', ics.text],
    ] as const) {
      assert.ok(!text.includes(tokenA), `${where} shows the manage token`);
      assert.ok(!text.includes(tokenA.slice(8, 30)), `${where} shows part of the manage token`);
    }
    assert.match(page.$('pre.mail-text').text(), new RegExp(`/booking/${tokenA.slice(0, 4)}\\*+`));
    const stored = await OutboxMessageModel.findById(messageA).lean();
    assert.ok(stored!.text.includes(`/booking/${tokenA}`), 'the outbox keeps the message as sent');
  });
});
