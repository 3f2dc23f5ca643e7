// Texts beside the e-mails: each couple-facing notice goes once by SMS to the contact phone,
// under its own key; a provider that fails is retried, then the text shows at /staff/outbox
// (marked SMS) with a resend button; and a booking's confirmation reaches each provider's
// fake server (SMS_ENDPOINT) through its official SDK, signed as the provider checks.
import assert from 'node:assert/strict';
import { NotificationModel } from '../../src/models/notification.model.ts';
import { OutboxMessageModel } from '../../src/models/outbox-message.model.ts';
import { countSegments, signedText } from '../../src/sms/segments.ts';
import { type FakeAliyunSms, startFakeAliyunSms } from '../helpers/fake-aliyun-sms.ts';
import { startFakeTencentSms } from '../helpers/fake-tencent-sms.ts';
import { couple } from '../helpers/ids.ts';
import { buildTestApp, createOffice, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { createUser, signIn } from '../http/staff-fixtures.ts';

const NOW = '2026-08-03T02:00:00.000Z'; // Mon 10:00 in Chengdu
const DAY = '2026-08-10';
const TEXTS = { SMS_NOTICES: 'true', SMS_SIGN_NAME: '锦江区民政局' };

async function booked(t: TestApp, officeId: string, over: { contactPartner?: number; email?: string } = {}) {
  const c = couple();
  const result = await t.container.services.booking.book({
    officeId,
    date: DAY,
    start: '09:00',
    partners: c.partners,
    email: over.email ?? c.email,
    ...(over.contactPartner !== undefined ? { contactPartner: over.contactPartner } : {}),
    language: 'zh-CN',
    channel: 'online',
  });
  return { appointment: result.appointment, couple: c, manageToken: result.manageToken };
}

describe('SMS notices', () => {
  let officeId: string;
  beforeEach(async () => {
    await resetDatabase();
    officeId = (await createOffice())._id.toString();
  });

  describe('through the development outbox', () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await buildTestApp({ now: NOW, env: TEXTS });
    });

    it('sends each notice once by text to the contact phone, beside the e-mail', async () => {
      const { appointment, couple: c } = await booked(t, officeId, { contactPartner: 1 });
      const id = appointment._id.toString();
      const { notifications } = t.container.services;
      const first = await notifications.deliver({ kind: 'confirmation', appointmentId: id });
      assert.equal(first.outcome, 'sent');
      assert.equal(first.sms?.outcome, 'sent');
      assert.equal(first.sms?.key, `confirmation:${id}:sms`);
      const again = await notifications.deliver({ kind: 'confirmation', appointmentId: id });
      assert.equal(again.sms?.outcome, 'duplicate');
      const texts = await OutboxMessageModel.find({ channel: 'sms' }).lean();
      assert.equal(texts.length, 1);
      assert.equal(texts[0]!.to, c.partners[1]!.phone);
      assert.ok(texts[0]!.text.includes(appointment.reference));
      assert.ok(texts[0]!.text.includes('8月10日周一 09:00'), texts[0]!.text);
      assert.match(texts[0]!.text, /http:\/\/localhost:3000\/m\/[A-Za-z0-9_-]{12}/);
      assert.ok(countSegments(texts[0]!.text).segments <= 2);
      const reminder = {
        kind: 'reminder' as const,
        appointmentId: id,
        reminder: 'day_before',
        startsAt: appointment.startsAt.toISOString(),
      };
      t.clock.set('2026-08-09T10:00:00.000Z');
      assert.equal((await notifications.deliver(reminder)).sms?.outcome, 'sent');
      assert.equal((await notifications.deliver(reminder)).sms?.outcome, 'duplicate');
      const keys = (await NotificationModel.find({ channel: 'sms' }).lean()).map((n) => n.key).sort();
      assert.deepEqual(keys, [
        `confirmation:${id}:sms`,
        `reminder:${id}:day_before:${reminder.startsAt}:sms`,
      ]);
      const reminderText = await OutboxMessageModel.findOne({ channel: 'sms', subject: /预约提醒/ }).lean();
      assert.ok(reminderText, 'the day-before reminder text');
    });

    it('goes by text only when the couple gave no e-mail', async () => {
      const { appointment } = await booked(t, officeId, { email: '' });
      const result = await t.container.services.notifications.deliver({
        kind: 'cancelled',
        appointmentId: appointment._id.toString(),
        by: 'couple',
      });
      // Not cancelled yet: neither applies.
      assert.equal(result.outcome, 'skipped');
      await t.container.services.booking.cancel(appointment._id, 'couple');
      const sent = await t.container.services.notifications.deliver({
        kind: 'cancelled',
        appointmentId: appointment._id.toString(),
        by: 'couple',
      });
      assert.equal(sent.outcome, 'skipped');
      assert.equal(sent.detail, 'no e-mail address');
      assert.equal(sent.sms?.outcome, 'sent');
      const text = await OutboxMessageModel.findOne({ channel: 'sms' }).lean();
      assert.match(text?.text ?? '', /已取消/);
      assert.equal(countSegments(signedText('', text?.subject ?? '')).segments <= 2, true);
    });
  });

  describe('through a provider', () => {
    let fake: FakeAliyunSms;
    let t: TestApp;
    beforeEach(async () => {
      fake = await startFakeAliyunSms({
        keys: { LTAI5tTestKeyId: 'test-secret-0123456789abcdef' },
        signNames: ['锦江区民政局'],
        templates: { SMS_460915001: ['reference', 'time', 'office', 'link'] },
      });
      t = await buildTestApp({
        now: NOW,
        env: {
          ...TEXTS,
          SMS_PROVIDER: 'aliyun',
          SMS_ACCESS_KEY_ID: 'LTAI5tTestKeyId',
          SMS_ACCESS_KEY_SECRET: 'test-secret-0123456789abcdef',
          SMS_ENDPOINT: fake.endpoint,
          SMS_TEMPLATES: 'confirmation=SMS_460915001:reference|time|office|link',
        },
      });
    });
    afterEach(async () => {
      t.container.smsSender.close();
      await fake.stop();
    });

    it('reaches Alibaba Cloud with the template and its parameters, from a booking', async () => {
      const { appointment, couple: c } = await booked(t, officeId);
      const result = await t.container.services.notifications.deliver({
        kind: 'confirmation',
        appointmentId: appointment._id.toString(),
      });
      assert.equal(result.sms?.outcome, 'sent', result.sms?.detail);
      assert.equal(fake.accepted.length, 1);
      assert.equal(fake.accepted[0]!.phoneNumbers, c.partners[0]!.phone);
      assert.equal(fake.accepted[0]!.templateCode, 'SMS_460915001');
      assert.equal(fake.accepted[0]!.templateParam.reference, appointment.reference);
      assert.equal(fake.accepted[0]!.templateParam.time, '8月10日周一 09:00');
      assert.equal(await OutboxMessageModel.countDocuments({ channel: 'sms' }), 0);
    });

    it('retries a failing provider, then shows the text at /staff/outbox with a resend button', async () => {
      const { appointment } = await booked(t, officeId);
      fake.failNext('server_error', 'server_error');
      const { notifications } = t.container.services;
      const first = await notifications.deliver(
        { kind: 'confirmation', appointmentId: appointment._id.toString() },
        { maxAttempts: 2 },
      );
      assert.equal(first.sms?.outcome, 'retrying');
      const second = await notifications.retry(first.sms!.notificationId!, { maxAttempts: 2 });
      assert.equal(second.outcome, 'failed');
      assert.equal(fake.accepted.length, 0);

      await createUser('admin@example.com', 'admin', []);
      const b = await signIn(t, 'admin@example.com');
      const page = await b.get('/staff/outbox');
      const card = page.$(`#failed [data-notification="${first.sms!.notificationId}"]`);
      assert.equal(card.length, 1);
      assert.equal(card.find('[data-channel="sms"]').length, 1);
      const action = card.find('form').attr('action')!;
      const resent = await b.post(action, { _csrf: card.find('input[name=_csrf]').val() });
      assert.equal(resent.res.status, 303);
      assert.equal(fake.accepted.length, 1);
      const stored = await NotificationModel.findById(first.sms!.notificationId).lean();
      assert.equal(stored?.status, 'sent');
      assert.equal(stored?.channel, 'sms');
    });

    it('fails at once, for staff to see, a kind the provider has no template for', async () => {
      const { appointment } = await booked(t, officeId);
      await t.container.services.booking.cancel(appointment._id, 'couple');
      const result = await t.container.services.notifications.deliver({
        kind: 'cancelled',
        appointmentId: appointment._id.toString(),
        by: 'couple',
      });
      assert.equal(result.sms?.outcome, 'failed');
      assert.match(result.sms?.detail ?? '', /no template for cancelled/);
    });
  });

  it('reaches Tencent Cloud through its SDK from a booking', async () => {
    const fake = await startFakeTencentSms({
      keys: { AKIDTestSecretId0123456789: 'test-secret-key-0123456789' },
      sdkAppIds: ['1400787878'],
      signNames: ['锦江区民政局'],
      templates: { '1893501': 4 },
    });
    const t = await buildTestApp({
      now: NOW,
      env: {
        ...TEXTS,
        SMS_PROVIDER: 'tencent',
        SMS_ACCESS_KEY_ID: 'AKIDTestSecretId0123456789',
        SMS_ACCESS_KEY_SECRET: 'test-secret-key-0123456789',
        SMS_SDK_APP_ID: '1400787878',
        SMS_ENDPOINT: fake.endpoint,
        SMS_TEMPLATES: 'confirmation=1893501:reference|time|office|link',
      },
    });
    try {
      const { appointment, couple: c } = await booked(t, officeId);
      const result = await t.container.services.notifications.deliver({
        kind: 'confirmation',
        appointmentId: appointment._id.toString(),
      });
      assert.equal(result.sms?.outcome, 'sent', result.sms?.detail);
      assert.equal(fake.accepted[0]!.phoneNumber, `+86${c.partners[0]!.phone}`);
      assert.deepEqual(fake.accepted[0]!.templateParamSet.slice(0, 2), [
        appointment.reference,
        '8月10日周一 09:00',
      ]);
    } finally {
      t.container.smsSender.close();
      await fake.stop();
    }
  });
});
