// What the two providers' tests share: the text they send, how they catch a refusal, and the
// failures below the provider's own answers (a dropped connection, a server that is gone).
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.ts';
import { SmsError, type SmsMessage, type SmsSender } from '../../src/sms/message.ts';
import { createSmsSender } from '../../src/sms/sender.ts';
import type { FakeSmsServer } from '../helpers/fake-sms-server.ts';

/** A verification code text for the template `templateCode` (code, minutes). */
export function codeText(templateCode: string, over: Partial<SmsMessage> = {}): SmsMessage {
  return {
    to: '13800138000',
    templateCode,
    params: [
      ['code', '042917'],
      ['minutes', '5'],
    ],
    text: '验证码042917，5分钟内有效，仅用于婚姻登记预约，请勿告诉他人。',
    ...over,
  };
}

/** A sender configured as SMS_* would configure it, pointed at the fake through SMS_ENDPOINT. */
export function providerSender(fake: FakeSmsServer, env: Record<string, string>): SmsSender {
  return createSmsSender(
    loadConfig({ SMS_SIGN_NAME: '锦江区民政局', SMS_ENDPOINT: fake.endpoint, ...env }).sms,
  );
}

export async function refusal(promise: Promise<unknown>): Promise<SmsError> {
  const err = await promise.then(
    () => assert.fail('the text was accepted'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof SmsError, String(err));
  return err;
}

/** A dropped connection may have delivered the text; a refused one surely did not: both are retried. */
export async function assertNetworkFailures(sender: SmsSender, fake: FakeSmsServer, text: SmsMessage) {
  fake.failNext('drop');
  const dropped = await refusal(sender.send(text));
  assert.equal(dropped.retryable, true);
  assert.equal(dropped.maybeDelivered, true);
  await fake.stop();
  const refused = await refusal(sender.send(text));
  assert.equal(refused.code, 'ECONNREFUSED');
  assert.equal(refused.retryable, true);
  assert.equal(refused.maybeDelivered, false);
}

/** Throttling, the service failing and a number over a short limit: each retryable, and the SDK never retries alone. */
export async function assertRetryableRefusals(
  sender: SmsSender,
  fake: FakeSmsServer & { accepted: unknown[] },
  text: SmsMessage,
  codes: [throttled: string, failed: string, limited: string],
) {
  fake.failNext('throttle', 'server_error', 'number_limit');
  for (const code of codes) {
    const err = await refusal(sender.send(text));
    assert.equal(err.code, code);
    assert.equal(err.retryable, true, err.code);
    assert.equal(err.maybeDelivered, false, err.code);
  }
  await sender.send(text);
  assert.equal(fake.accepted.length, 1);
  assert.equal(fake.requests(), 4, 'the SDK does not retry by itself');
}
