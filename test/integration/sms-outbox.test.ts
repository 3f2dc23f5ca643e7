// Without SMS_PROVIDER, texts go to the development outbox beside the e-mails, marked as
// texts; e-mails written before texts existed (no channel) still read as e-mails, and the
// staff outbox pages, which do not yet tell the two apart, keep working with texts in them.
import assert from 'node:assert/strict';
import { OutboxMessageModel } from '../../src/models/outbox-message.model.ts';
import { prepareSms } from '../../src/sms/prepare.ts';
import { createSmsSender } from '../../src/sms/sender.ts';
import { buildSms } from '../../src/sms/texts.ts';
import { createOffice, resetDatabase, testConfig } from '../helpers/test-app.ts';
import { createUser, signIn } from '../http/staff-fixtures.ts';
import { smsInput } from '../unit/support/sms-inputs.ts';
import { type JobWorld, startJobWorld, stopJobWorld } from './jobs-fixtures.ts';

describe('SMS: the development outbox', () => {
  let world: JobWorld;

  beforeEach(async () => {
    await resetDatabase();
    world = await startJobWorld();
    await createOffice();
  });
  afterEach(async () => {
    await stopJobWorld(world);
  });

  it('keeps each text as the phone would show it, with the template it stands for', async () => {
    const config = testConfig({ SMS_SIGN_NAME: '锦江区民政局' });
    const sender = createSmsSender(config.sms);
    assert.equal(sender.kind, 'outbox');
    const built = buildSms(smsInput('confirmation', 'zh-CN', 'typical'), config.sms);
    const message = prepareSms(built, '13800138000', config.sms, 'confirmation:abc');
    assert.ok(message);
    const { messageId } = await sender.send(message);

    const kept = await OutboxMessageModel.findOne({ messageId }).lean();
    assert.equal(kept?.channel, 'sms');
    assert.equal(kept?.to, '13800138000');
    assert.equal(kept?.text, `【锦江区民政局】${built.text}`);
    assert.equal(kept?.notificationKey, 'confirmation:abc');
    assert.deepEqual(kept?.smsTemplate, {
      code: 'confirmation',
      params: Object.entries(built.params).map(([name, value]) => ({ name, value })),
    });
    await OutboxMessageModel.collection.insertOne({
      messageId: '<old@outbox.localhost>',
      from: 'x',
      to: 'couple@example.com',
      subject: 'an e-mail from before texts',
      text: '',
      html: '',
      attachments: [],
      createdAt: new Date(),
    });
    const old = await OutboxMessageModel.findOne({ messageId: '<old@outbox.localhost>' });
    assert.equal(old?.channel, 'email');
    assert.equal(await OutboxMessageModel.countDocuments({ channel: { $ne: 'sms' } }), 1);

    await createUser('admin@example.com', 'admin', []);
    const admin = await signIn(world, 'admin@example.com');
    const list = await admin.get('/staff/outbox');
    assert.equal(list.res.status, 200);
    assert.equal(list.$('#messages a').length, 2);
    const page = await admin.get(`/staff/outbox/messages/${kept?._id}`);
    assert.equal(page.res.status, 200);
    assert.ok(page.$('pre.mail-text').text().includes(built.text));
  });
});
