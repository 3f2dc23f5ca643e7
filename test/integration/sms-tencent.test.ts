// The Tencent Cloud sender, through the real SDK, against a local server that checks the
// request signature as the service does (test/helpers/fake-tencent-sms.ts), reached through
// SMS_ENDPOINT.
import assert from 'node:assert/strict';
import { isPermanentSmsError, type SmsMessage } from '../../src/sms/message.ts';
import { type FakeTencentSms, startFakeTencentSms } from '../helpers/fake-tencent-sms.ts';
import {
  assertNetworkFailures,
  assertRetryableRefusals,
  codeText,
  providerSender,
  refusal,
} from './sms-provider-support.ts';

const SECRET_ID = 'AKIDTestSecretId0123456789';
const SECRET_KEY = 'test-secret-key-0123456789';
const APP_ID = '1400787878';

function senderFor(fake: FakeTencentSms, env: Record<string, string> = {}) {
  return providerSender(fake, {
    SMS_PROVIDER: 'tencent',
    SMS_ACCESS_KEY_ID: SECRET_ID,
    SMS_ACCESS_KEY_SECRET: SECRET_KEY,
    SMS_SDK_APP_ID: APP_ID,
    SMS_TEMPLATES: 'verification_code=1893511:code|minutes',
    ...env,
  });
}

const message = (over: Partial<SmsMessage> = {}) => codeText('1893511', over);

describe('SMS: Tencent Cloud through its SDK', () => {
  let fake: FakeTencentSms;
  const senders: { close(): void }[] = [];
  const open = (env?: Record<string, string>) => {
    const sender = senderFor(fake, env);
    senders.push(sender);
    return sender;
  };

  beforeEach(async () => {
    fake = await startFakeTencentSms({
      keys: { [SECRET_ID]: SECRET_KEY },
      sdkAppIds: [APP_ID],
      signNames: ['锦江区民政局'],
      templates: { '1893511': 2 },
    });
  });
  afterEach(async () => {
    for (const s of senders.splice(0)) s.close();
    await fake.stop();
  });

  it('sends a text with its template, signature and parameters in order, once', async () => {
    const sender = open();
    assert.equal(sender.kind, 'tencent');
    const { messageId } = await sender.send(message());
    assert.ok(messageId);
    assert.deepEqual(fake.accepted, [
      {
        phoneNumber: '+8613800138000',
        smsSdkAppId: APP_ID,
        signName: '锦江区民政局',
        templateId: '1893511',
        templateParamSet: ['042917', '5'],
      },
    ]);
    assert.equal(fake.requests(), 1);
  });

  it('sends to a number outside the mainland in E.164 form', async () => {
    await open().send(message({ to: '+85291234567' }));
    assert.equal(fake.accepted[0]?.phoneNumber, '+85291234567');
  });

  it('is refused with a wrong secret or an unknown id, for good', async () => {
    const wrong = await refusal(open({ SMS_ACCESS_KEY_SECRET: 'not-the-secret' }).send(message()));
    assert.equal(wrong.code, 'AuthFailure.SignatureFailure');
    assert.ok(isPermanentSmsError(wrong));
    const unknown = await refusal(open({ SMS_ACCESS_KEY_ID: 'AKIDNobody' }).send(message()));
    assert.equal(unknown.code, 'AuthFailure.SecretIdNotFound');
    assert.ok(isPermanentSmsError(unknown));
    assert.deepEqual(fake.accepted, []);
  });

  it('calls a template, signature, application or number the service refuses permanent', async () => {
    const sender = open();
    const cases: [Partial<SmsMessage>, string][] = [
      [{ templateCode: '1000000' }, 'FailedOperation.TemplateIncorrectOrUnapproved'],
      [{ params: [['code', '042917']] }, 'FailedOperation.TemplateParamSetNotMatchApprovedTemplate'],
      [{ to: '+0123' }, 'InvalidParameterValue.IncorrectPhoneNumber'],
    ];
    for (const [over, code] of cases) {
      const err = await refusal(sender.send(message(over)));
      assert.equal(err.code, code);
      assert.ok(isPermanentSmsError(err), code);
    }
    const unsigned = await refusal(open({ SMS_SIGN_NAME: '别的签名' }).send(message()));
    assert.equal(unsigned.code, 'FailedOperation.SignatureIncorrectOrUnapproved');
    const otherApp = await refusal(open({ SMS_SDK_APP_ID: '1400000001' }).send(message()));
    assert.equal(otherApp.code, 'UnauthorizedOperation.SmsSdkAppIdVerifyFail');
    assert.ok(isPermanentSmsError(unsigned) && isPermanentSmsError(otherApp));
    assert.deepEqual(fake.accepted, []);
  });

  it('calls throttling, the service failing and a number over its hourly limit retryable', async () => {
    await assertRetryableRefusals(open(), fake, message(), [
      'RequestLimitExceeded',
      'HTTP500',
      'LimitExceeded.PhoneNumberOneHourLimit',
    ]);
  });

  it('calls a dropped connection retryable, perhaps delivered; a refused one surely not', async () => {
    await assertNetworkFailures(open(), fake, message());
  });
});
