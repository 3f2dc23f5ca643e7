// The Alibaba Cloud sender, through the real SDK, against a local server that checks the
// request signature as the service does (test/helpers/fake-aliyun-sms.ts), reached through
// SMS_ENDPOINT.
import assert from 'node:assert/strict';
import { isPermanentSmsError, type SmsMessage } from '../../src/sms/message.ts';
import { type FakeAliyunSms, startFakeAliyunSms } from '../helpers/fake-aliyun-sms.ts';
import {
  assertNetworkFailures,
  assertRetryableRefusals,
  codeText,
  providerSender,
  refusal,
} from './sms-provider-support.ts';

const KEY_ID = 'LTAI5tTestKeyId';
const SECRET = 'test-secret-0123456789abcdef';

function senderFor(fake: FakeAliyunSms, env: Record<string, string> = {}) {
  return providerSender(fake, {
    SMS_PROVIDER: 'aliyun',
    SMS_ACCESS_KEY_ID: KEY_ID,
    SMS_ACCESS_KEY_SECRET: SECRET,
    SMS_TEMPLATES: 'verification_code=SMS_460915009:code|minutes',
    ...env,
  });
}

const message = (over: Partial<SmsMessage> = {}) => codeText('SMS_460915009', over);

describe('SMS: Alibaba Cloud through its SDK', () => {
  let fake: FakeAliyunSms;

  beforeEach(async () => {
    fake = await startFakeAliyunSms({
      keys: { [KEY_ID]: SECRET },
      signNames: ['锦江区民政局'],
      templates: { SMS_460915009: ['code', 'minutes'] },
    });
  });
  afterEach(async () => {
    await fake.stop();
  });

  it('sends a text with its template, signature and parameters, once', async () => {
    const sender = senderFor(fake);
    assert.equal(sender.kind, 'aliyun');
    const { messageId } = await sender.send(message());
    assert.match(messageId, /\^0$/);
    assert.deepEqual(fake.accepted, [
      {
        phoneNumbers: '13800138000',
        signName: '锦江区民政局',
        templateCode: 'SMS_460915009',
        templateParam: { code: '042917', minutes: '5' },
      },
    ]);
    assert.equal(fake.requests(), 1);
  });

  it('sends to a number outside the mainland as country code and number', async () => {
    await senderFor(fake).send(message({ to: '+85291234567' }));
    assert.equal(fake.accepted[0]?.phoneNumbers, '85291234567');
  });

  it('is refused with a wrong secret or an unknown key, for good', async () => {
    const wrong = await refusal(senderFor(fake, { SMS_ACCESS_KEY_SECRET: 'not-the-secret' }).send(message()));
    assert.equal(wrong.code, 'SignatureDoesNotMatch');
    assert.equal(wrong.retryable, false);
    assert.ok(isPermanentSmsError(wrong));
    const unknown = await refusal(senderFor(fake, { SMS_ACCESS_KEY_ID: 'LTAI5tNobody' }).send(message()));
    assert.equal(unknown.code, 'InvalidAccessKeyId.NotFound');
    assert.ok(isPermanentSmsError(unknown));
    assert.deepEqual(fake.accepted, []);
  });

  it('calls a template, signature or number the service refuses permanent', async () => {
    const sender = senderFor(fake);
    const cases: [Partial<SmsMessage>, string][] = [
      [{ templateCode: 'SMS_000000000' }, 'isv.SMS_TEMPLATE_ILLEGAL'],
      [{ params: [['code', '042917']] }, 'isv.TEMPLATE_MISSING_PARAMETERS'],
      [{ to: '+8612' }, 'isv.MOBILE_NUMBER_ILLEGAL'],
    ];
    for (const [over, code] of cases) {
      const err = await refusal(sender.send(message(over)));
      assert.equal(err.code, code);
      assert.ok(isPermanentSmsError(err), code);
      assert.equal(err.maybeDelivered, false);
    }
    const unsigned = await refusal(senderFor(fake, { SMS_SIGN_NAME: '别的签名' }).send(message()));
    assert.equal(unsigned.code, 'isv.SMS_SIGNATURE_ILLEGAL');
    assert.ok(isPermanentSmsError(unsigned));
    assert.deepEqual(fake.accepted, []);
  });

  it('calls throttling, the service failing and a number over its limit retryable', async () => {
    await assertRetryableRefusals(senderFor(fake), fake, message(), [
      'Throttling.User',
      'InternalError',
      'isv.BUSINESS_LIMIT_CONTROL',
    ]);
  });

  it('calls a dropped connection retryable, perhaps delivered; a refused one surely not', async () => {
    await assertNetworkFailures(senderFor(fake), fake, message());
  });
});
