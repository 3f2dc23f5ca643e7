// Verification codes: 6 digits by text, valid 5 minutes, stored hashed, five attempts, used
// once, a new one after 60 s, and allowances per phone and per address. The clock is fixed.
import assert from 'node:assert/strict';
import { createSystemRandom } from '../../src/lib/clock.ts';
import { OutboxMessageModel } from '../../src/models/outbox-message.model.ts';
import { VerificationModel } from '../../src/models/verification-code.model.ts';
import { AppError } from '../../src/services/errors.ts';
import { createVerificationService } from '../../src/services/verification/verification-codes.ts';
import { SmsError } from '../../src/sms/message.ts';
import { outboxSmsSender } from '../../src/sms/outbox-sender.ts';
import { resetDatabase, TEST_SECRET, testClock } from '../helpers/test-app.ts';
import { lastCode, otherThan, START, verificationWorld } from './verification-support.ts';

const PHONE = '13800138000';
const ADDRESS = '203.0.113.7';
const booking = { phone: PHONE, purpose: 'booking' as const, address: ADDRESS, locale: 'zh-CN' as const };

describe('verification codes', () => {
  beforeEach(async () => {
    await resetDatabase();
  });

  it('texts a 6-digit code in the person’s language and keeps only its hash', async () => {
    const { service, sender } = verificationWorld();
    assert.deepEqual(await service.issue({ ...booking, phone: '+86 138-0013-8000', locale: 'en' }), {
      outcome: 'sent',
    });
    assert.equal(sender.sent.length, 1);
    const [text] = sender.sent;
    const code = lastCode(sender);
    assert.match(code, /^\d{6}$/);
    assert.equal(text?.to, PHONE);
    assert.equal(text?.templateCode, 'verification_code');
    assert.equal(text?.text, `Your code is ${code}, valid 5 min. Never share it.`);
    const stored = await VerificationModel.findById(`phone:${PHONE}`).lean();
    assert.ok(stored?.codes?.booking?.hash);
    assert.ok(!JSON.stringify(stored).includes(code), 'the code itself is not stored');
    assert.equal(stored?.codes?.booking?.expiresAt.toISOString(), '2031-06-09T02:05:00.000Z');
  });

  it('accepts the code once, within 5 minutes, for its purpose only', async () => {
    const { service, sender, clock } = verificationWorld();
    await service.issue(booking);
    const code = lastCode(sender);
    assert.equal(await service.check({ phone: PHONE, purpose: 'lookup', code }), 'no_code');
    clock.advance(5 * 60_000 - 1);
    assert.equal(await service.check({ phone: PHONE, purpose: 'booking', code }), 'ok');
    assert.equal(await service.check({ phone: PHONE, purpose: 'booking', code }), 'no_code');

    clock.advance(60_000);
    await service.issue(booking);
    clock.advance(5 * 60_000);
    assert.equal(
      await service.check({ phone: PHONE, purpose: 'booking', code: lastCode(sender) }),
      'no_code',
    );
  });

  it('allows five attempts: a right fifth passes, nothing after five wrong ones', async () => {
    const { service, sender, clock } = verificationWorld();
    await service.issue(booking);
    let code = lastCode(sender);
    for (let i = 0; i < 4; i++)
      assert.equal(await service.check({ ...booking, code: otherThan(code) }), 'wrong');
    assert.equal(await service.check({ ...booking, code }), 'ok');

    clock.advance(60_000);
    await service.issue(booking);
    code = lastCode(sender);
    for (let i = 0; i < 5; i++)
      assert.equal(await service.check({ ...booking, code: otherThan(code) }), 'wrong');
    assert.equal(await service.check({ ...booking, code }), 'no_code');
    assert.equal(await service.check({ ...booking, code: '12345' }), 'wrong', 'not six digits');
  });

  it('sends a new code only after 60 s, and the new code replaces the old', async () => {
    const { service, sender, clock } = verificationWorld();
    await service.issue(booking);
    const first = lastCode(sender);
    clock.advance(59_999);
    assert.deepEqual(await service.issue(booking), { outcome: 'limited' });
    assert.equal(sender.sent.length, 1);
    clock.advance(1);
    assert.deepEqual(await service.issue(booking), { outcome: 'sent' });
    const second = lastCode(sender);
    if (first !== second) assert.equal(await service.check({ ...booking, code: first }), 'wrong');
    assert.equal(await service.check({ ...booking, code: second }), 'ok');
  });

  it('sends a phone at most 5 codes an hour and 10 a day', async () => {
    const { service, sender, clock } = verificationWorld();
    const outcomes: string[] = [];
    // Every 61 s: five pass, then the hour is full until the first send is an hour old.
    for (let i = 0; i < 6; i++) {
      outcomes.push((await service.issue(booking)).outcome);
      clock.advance(61_000);
    }
    assert.deepEqual(outcomes, ['sent', 'sent', 'sent', 'sent', 'sent', 'limited']);
    clock.set('2031-06-09T03:00:00.000Z');
    assert.equal((await service.issue(booking)).outcome, 'sent');
    for (let i = 0; i < 4; i++) {
      clock.advance(61_000);
      assert.equal((await service.issue(booking)).outcome, 'sent');
    }
    clock.set('2031-06-09T05:00:00.000Z');
    assert.equal((await service.issue(booking)).outcome, 'limited', 'ten today already');
    clock.set('2031-06-10T02:00:00.000Z');
    assert.equal((await service.issue(booking)).outcome, 'sent', 'a day after the first');
    assert.equal(sender.sent.length, 11);
  });

  it('keeps every bound when two fall on the same send (one code an hour, a new one after 60 s)', async () => {
    const { service, clock } = verificationWorld({ policy: { perPhone: { perHour: 1, perDay: 2 } } });
    assert.equal((await service.issue(booking)).outcome, 'sent');
    clock.advance(61_000);
    assert.equal((await service.issue(booking)).outcome, 'limited', 'the hour’s one code is spent');
    clock.advance(3_600_000 - 61_000);
    assert.equal((await service.issue(booking)).outcome, 'sent', 'an hour after the first');
    clock.advance(3_600_000);
    assert.equal((await service.issue(booking)).outcome, 'limited', 'two today already');
    const stored = await VerificationModel.findById(`phone:${PHONE}`).lean();
    assert.equal(stored?.sent.length, 2);
  });

  it('counts an address’s sends across phones, an IPv6 address by its /64', async () => {
    const { service, sender } = verificationWorld({ policy: { perAddress: { perHour: 3, perDay: 5 } } });
    const from = (address: string, n: number) =>
      service.issue({ ...booking, phone: `1380013${String(8000 + n)}`, address });
    const outcomes = [];
    for (let n = 0; n < 4; n++) outcomes.push((await from('2001:db8:1:2::a', n)).outcome);
    outcomes.push((await from('2001:db8:1:2:ffff::1', 5)).outcome);
    outcomes.push((await from('2001:db8:1:3::a', 6)).outcome);
    outcomes.push((await from('::ffff:203.0.113.9', 7)).outcome);
    assert.deepEqual(outcomes, ['sent', 'sent', 'sent', 'limited', 'limited', 'sent', 'sent']);
    assert.equal(sender.sent.length, 5);
  });

  it('answers alike for a number it has never seen and for one it has', async () => {
    const { service } = verificationWorld();
    const seen = await service.issue(booking);
    const unseen = await service.issue({ ...booking, phone: '13900139000' });
    assert.deepEqual(unseen, seen);
  });

  it('refuses a number no text can reach', async () => {
    const { service } = verificationWorld();
    await assert.rejects(service.issue({ ...booking, phone: '028-12345678' }), (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.code, 'invalid');
      assert.equal(err.fields.phone?.key, 'booking.phone_invalid');
      return true;
    });
    assert.equal(await VerificationModel.countDocuments(), 0);
  });

  it('sends through the provider’s verification template, and says when it cannot', async () => {
    const templates = { verification_code: { code: 'SMS_460915009', params: ['code'] as const } };
    const withTemplate = verificationWorld({ sms: { provider: 'aliyun', templates } });
    assert.equal((await withTemplate.service.issue(booking)).outcome, 'sent');
    assert.equal(withTemplate.sender.sent[0]?.templateCode, 'SMS_460915009');
    assert.deepEqual(withTemplate.sender.sent[0]?.params, [['code', lastCode(withTemplate.sender)]]);

    await resetDatabase();
    const without = verificationWorld({ sms: { provider: 'aliyun', templates: {} } });
    assert.equal((await without.service.issue(booking)).outcome, 'not_sent');
    await resetDatabase();
    const refusing = verificationWorld();
    refusing.sender.failWith = new SmsError('throttled', {
      provider: 'aliyun',
      code: 'Throttling.User',
      retryable: true,
      maybeDelivered: false,
    });
    assert.equal((await refusing.service.issue(booking)).outcome, 'not_sent');
  });

  it('leaves the text in the development outbox when no provider is set', async () => {
    const clock = testClock(START);
    const service = createVerificationService({
      clock,
      random: createSystemRandom(),
      secret: TEST_SECRET,
      sender: outboxSmsSender({ signName: '锦江区民政局' }),
      sms: { provider: undefined, templates: {}, signName: '锦江区民政局' },
    });
    await service.issue(booking);
    const kept = await OutboxMessageModel.findOne({ channel: 'sms' }).lean();
    assert.equal(kept?.to, PHONE);
    const code = /验证码(\d{6})/.exec(kept?.text ?? '')?.[1];
    assert.ok(code, kept?.text);
    assert.match(kept?.text ?? '', /^【锦江区民政局】验证码\d{6}，5分钟内有效/);
    assert.deepEqual(kept?.smsTemplate?.params, [
      { name: 'code', value: code },
      { name: 'minutes', value: '5' },
    ]);
    assert.equal(await service.check({ ...booking, code }), 'ok');
  });
});
