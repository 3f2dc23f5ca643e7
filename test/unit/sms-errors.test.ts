// How the senders tell a failure worth retrying from one that is not, from the errors the two
// SDKs throw and the refusals the services answer with.
import assert from 'node:assert/strict';
import { aliyunError, aliyunPhoneNumber, aliyunRefusal } from '../../src/sms/aliyun-sender.ts';
import { isPermanentSmsError, networkSmsError, SmsError, smsErrorText } from '../../src/sms/message.ts';
import { tencentError, tencentPhoneNumber, tencentRefusal } from '../../src/sms/tencent-sender.ts';

const errno = (code: string, message = `${code} failed`) => Object.assign(new Error(message), { code });

describe('SMS errors', () => {
  it('retries what failed below HTTP, knowing when the text surely did not leave', () => {
    const refused = networkSmsError('aliyun', errno('ECONNREFUSED'));
    assert.deepEqual(
      [refused.code, refused.retryable, refused.maybeDelivered],
      ['ECONNREFUSED', true, false],
    );
    const reset = networkSmsError('aliyun', errno('ECONNRESET'));
    assert.deepEqual([reset.retryable, reset.maybeDelivered], [true, true]);
    // Tencent's SDK keeps only the message.
    const wrapped = networkSmsError(
      'tencent',
      new Error('request to https://x/ failed, reason: connect ECONNREFUSED'),
    );
    assert.deepEqual([wrapped.code, wrapped.maybeDelivered], ['ECONNREFUSED', false]);
    const read = networkSmsError('aliyun', new Error('ReadTimeout(10000). POST http://x/ failed.'));
    assert.deepEqual([read.code, read.maybeDelivered], ['ETIMEDOUT', true]);
    const connect = networkSmsError(
      'aliyun',
      Object.assign(new Error('ConnectTimeout: Connect x failed.'), {}),
    );
    assert.equal(connect.maybeDelivered, false);
  });

  it('reads Alibaba Cloud’s HTTP errors and refusals', () => {
    const http = (statusCode: number, code: string) => Object.assign(new Error(code), { statusCode, code });
    assert.equal(aliyunError(http(503, 'ServiceUnavailable')).retryable, true);
    assert.equal(aliyunError(http(400, 'Throttling.User')).retryable, true);
    assert.equal(aliyunError(http(404, 'InvalidAccessKeyId.NotFound')).retryable, false);
    assert.equal(aliyunError(errno('ECONNRESET')).code, 'ECONNRESET');
    assert.equal(aliyunRefusal({ code: 'isv.BUSINESS_LIMIT_CONTROL' }).retryable, true);
    assert.equal(aliyunRefusal({ code: 'isp.SYSTEM_ERROR' }).retryable, true);
    for (const code of ['isv.SMS_TEMPLATE_ILLEGAL', 'isv.AMOUNT_NOT_ENOUGH', 'isv.SOMETHING_NEW'])
      assert.equal(aliyunRefusal({ code }).retryable, false, code);
    assert.equal(aliyunRefusal({}).code, 'NoCode');
  });

  it('reads Tencent Cloud’s errors and per-number statuses', () => {
    const api = (code: string) => Object.assign(new Error(code), { code, requestId: 'r1' });
    assert.equal(tencentError(api('InternalError.Timeout')).retryable, true);
    assert.equal(tencentError(api('RequestLimitExceeded')).retryable, true);
    assert.equal(tencentError(api('AuthFailure.SignatureFailure')).retryable, false);
    assert.equal(tencentError(api('AuthFailure.SignatureFailure')).requestId, 'r1');
    assert.equal(tencentError(Object.assign(new Error('Bad Gateway'), { httpCode: 502 })).retryable, true);
    assert.equal(tencentError(Object.assign(new Error('Forbidden'), { httpCode: 403 })).retryable, false);
    assert.equal(tencentRefusal({ Code: 'LimitExceeded.PhoneNumberThirtySecondLimit' }).retryable, true);
    assert.equal(tencentRefusal({ Code: 'LimitExceeded.PhoneNumberDailyLimit' }).retryable, false);
    assert.equal(tencentRefusal(undefined).code, 'NoStatus');
  });

  it('gives the notification log a permanence and a line of text', () => {
    const err = new SmsError('template refused', {
      provider: 'tencent',
      code: 'FailedOperation.TemplateIncorrectOrUnapproved',
      retryable: false,
      maybeDelivered: false,
    });
    assert.ok(isPermanentSmsError(err));
    assert.equal(
      smsErrorText(err),
      'tencent FailedOperation.TemplateIncorrectOrUnapproved: template refused',
    );
    assert.equal(isPermanentSmsError(new Error('database down')), false);
    assert.equal(smsErrorText(new Error('database down')), 'database down');
  });

  it('writes numbers as each provider takes them', () => {
    assert.equal(aliyunPhoneNumber('13800138000'), '13800138000');
    assert.equal(aliyunPhoneNumber('+85291234567'), '85291234567');
    assert.equal(tencentPhoneNumber('13800138000'), '+8613800138000');
    assert.equal(tencentPhoneNumber('+85291234567'), '+85291234567');
  });
});
