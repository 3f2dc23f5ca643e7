// Tencent Cloud SMS (短信, API version 2021-01-11) through its official SDK, which signs each
// request with TC3-HMAC-SHA256 and posts it as JSON. A request the service refuses as a whole
// (credentials, signature, throttling, its own failures) comes back as Response.Error, which
// the SDK throws; a text refused for its number (template, signature name, number, per-number
// limits) comes back with a status per number, read here.
import http from 'node:http';
import https from 'node:https';
import { sms } from 'tencentcloud-sdk-nodejs-sms';
import { networkSmsError, SmsError, type SmsMessage, type SmsSender } from './message.ts';
import type { SmsEndpoint } from './settings.ts';

export interface TencentSmsOptions {
  secretId: string;
  secretKey: string;
  sdkAppId: string;
  signName: string;
  region: string;
  endpoint?: Readonly<SmsEndpoint> | undefined;
  timeoutSeconds?: number;
}

/**
 * Codes that will pass: throttling of the account or of the number over a short span, and
 * the service's own errors. A number's daily limit is not among them: the retries are over
 * long before the day is.
 */
function isRetryableCode(code: string): boolean {
  return (
    code.startsWith('InternalError') ||
    code.startsWith('RequestLimitExceeded') ||
    code === 'LimitExceeded.PhoneNumberThirtySecondLimit' ||
    code === 'LimitExceeded.PhoneNumberOneHourLimit' ||
    code === 'LimitExceeded.DeliveryFrequencyLimit'
  );
}

/** Tencent Cloud takes every number in E.164 form. */
export function tencentPhoneNumber(to: string): string {
  return to.startsWith('+') ? to : `+86${to}`;
}

/** An error the SDK threw: Response.Error (it has a code), an HTTP error status, or no answer at all. */
export function tencentError(err: unknown): SmsError {
  const e = err as { code?: unknown; httpCode?: unknown; message?: unknown; requestId?: unknown };
  const requestId = typeof e?.requestId === 'string' && e.requestId ? { requestId: e.requestId } : {};
  if (typeof e?.code === 'string' && e.code) {
    return new SmsError(String(e.message ?? e.code).slice(0, 300), {
      provider: 'tencent',
      code: e.code,
      retryable: isRetryableCode(e.code),
      maybeDelivered: false,
      ...requestId,
    });
  }
  if (typeof e?.httpCode === 'number') {
    return new SmsError(String(e.message ?? e.httpCode), {
      provider: 'tencent',
      code: `HTTP${e.httpCode}`,
      retryable: e.httpCode >= 500 || e.httpCode === 429,
      maybeDelivered: false,
      ...requestId,
    });
  }
  return networkSmsError('tencent', err);
}

/** A number's status other than "Ok". */
export function tencentRefusal(status: { Code?: string; Message?: string } | undefined, requestId?: string) {
  const code = status?.Code ?? 'NoStatus';
  return new SmsError(status?.Message ?? code, {
    provider: 'tencent',
    code,
    retryable: isRetryableCode(code),
    maybeDelivered: false,
    ...(requestId ? { requestId } : {}),
  });
}

export function tencentSmsSender(opts: TencentSmsOptions): SmsSender {
  const protocol = opts.endpoint?.protocol ?? 'https';
  // Our own kept-open connections; without an agent the SDK would also take a proxy from the
  // environment (http_proxy), which this application does not read.
  const agent =
    protocol === 'http' ? new http.Agent({ keepAlive: true }) : new https.Agent({ keepAlive: true });
  const client = new sms.v20210111.Client({
    credential: { secretId: opts.secretId, secretKey: opts.secretKey },
    region: opts.region,
    profile: {
      httpProfile: {
        protocol: `${protocol}://`,
        ...(opts.endpoint ? { endpoint: opts.endpoint.host } : {}),
        reqTimeout: opts.timeoutSeconds ?? 10,
        agent,
      },
    },
  });
  return {
    kind: 'tencent',
    async send(message: SmsMessage) {
      let response: Awaited<ReturnType<typeof client.SendSms>>;
      try {
        response = await client.SendSms({
          PhoneNumberSet: [tencentPhoneNumber(message.to)],
          SmsSdkAppId: opts.sdkAppId,
          SignName: opts.signName,
          TemplateId: message.templateCode,
          TemplateParamSet: message.params.map(([, value]) => value),
        });
      } catch (err) {
        throw tencentError(err);
      }
      const status = response.SendStatusSet?.[0];
      if (status?.Code !== 'Ok') throw tencentRefusal(status, response.RequestId);
      return { messageId: status.SerialNo ?? response.RequestId ?? '' };
    },
    close() {
      agent.destroy();
    },
  };
}
