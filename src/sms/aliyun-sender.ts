// Alibaba Cloud SMS (短信服务, API version 2017-05-25) through its official SDK. The SDK signs
// each request (ACS3-HMAC-SHA256) and sends SendSms with the parameters in the query string.
// A refused request comes back two ways: an HTTP error (credentials, signature, throttling,
// the service's own failures), which the SDK throws, or HTTP 200 with a Code other than "OK"
// (template, signature name, number, per-number limits), which is read here.
import Dysmsapi, { SendSmsRequest } from '@alicloud/dysmsapi20170525';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { networkSmsError, SmsError, type SmsMessage, type SmsSender } from './message.ts';
import type { SmsEndpoint } from './settings.ts';

export interface AliyunSmsOptions {
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  region: string;
  endpoint?: Readonly<SmsEndpoint> | undefined;
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
}

/**
 * Codes in a 200 answer that will pass: the per-number frequency limit (one a minute, five an
 * hour...) and the service's own errors. Every other code is a problem with the request.
 */
const RETRYABLE_CODES = new Set(['isv.BUSINESS_LIMIT_CONTROL', 'isp.SYSTEM_ERROR', 'isp.GATEWAY_ERROR']);

/** Alibaba Cloud takes a mainland mobile as its 11 digits, any other as country code and number. */
export function aliyunPhoneNumber(to: string): string {
  return to.startsWith('+') ? to.slice(1) : to;
}

/** An error the SDK threw: an HTTP error answer, or a failure before any answer. */
export function aliyunError(err: unknown): SmsError {
  const e = err as { statusCode?: unknown; code?: unknown; message?: unknown; requestId?: unknown };
  if (typeof e?.statusCode !== 'number') return networkSmsError('aliyun', err);
  const code = typeof e.code === 'string' ? e.code : `HTTP${e.statusCode}`;
  const retryable = e.statusCode >= 500 || e.statusCode === 429 || code.includes('Throttling');
  return new SmsError(String(e.message ?? code).slice(0, 300), {
    provider: 'aliyun',
    code,
    retryable,
    maybeDelivered: false,
    ...(typeof e.requestId === 'string' ? { requestId: e.requestId } : {}),
  });
}

/** A 200 answer whose Code is not "OK". */
export function aliyunRefusal(body: { code?: string; message?: string; requestId?: string }): SmsError {
  const code = body.code ?? 'NoCode';
  return new SmsError(body.message ?? code, {
    provider: 'aliyun',
    code,
    retryable: RETRYABLE_CODES.has(code),
    maybeDelivered: false,
    ...(body.requestId ? { requestId: body.requestId } : {}),
  });
}

/**
 * The SDK is a CommonJS module whose class is `exports.default`. Loaded as ESM, the default
 * import is the exports object; loaded through a CommonJS transform (as Mocha loads the tests),
 * it is the class itself.
 */
const loaded = Dysmsapi as unknown as typeof Dysmsapi | typeof Dysmsapi.default;
const AliyunClient = typeof loaded === 'function' ? loaded : loaded.default;

export function aliyunSmsSender(opts: AliyunSmsOptions): SmsSender {
  const client = new AliyunClient(
    new $OpenApiUtil.Config({
      accessKeyId: opts.accessKeyId,
      accessKeySecret: opts.accessKeySecret,
      regionId: opts.region,
      ...(opts.endpoint ? { endpoint: opts.endpoint.host, protocol: opts.endpoint.protocol } : {}),
      connectTimeout: opts.connectTimeoutMs ?? 5_000,
      readTimeout: opts.readTimeoutMs ?? 10_000,
    }),
  );
  return {
    kind: 'aliyun',
    async send(message: SmsMessage) {
      const request = new SendSmsRequest({
        phoneNumbers: aliyunPhoneNumber(message.to),
        signName: opts.signName,
        templateCode: message.templateCode,
        ...(message.params.length
          ? { templateParam: JSON.stringify(Object.fromEntries(message.params)) }
          : {}),
      });
      let body: { code?: string; message?: string; bizId?: string; requestId?: string } | undefined;
      try {
        body = (await client.sendSms(request)).body;
      } catch (err) {
        throw aliyunError(err);
      }
      if (body?.code !== 'OK') throw aliyunRefusal(body ?? {});
      return { messageId: body.bizId ?? body.requestId ?? '' };
    },
    close() {},
  };
}
