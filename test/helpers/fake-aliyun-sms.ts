// A local stand-in for Alibaba Cloud SMS's SendSms (API 2017-05-25), checking each request as
// the service does. The SDK installed here (@alicloud/openapi-core 1.x, through
// @alicloud/dysmsapi20170525 4.x) signs with ACS3-HMAC-SHA256, the "V3" signature: it puts the
// API parameters in the query string and signs a canonical request made of
//   method \n path \n sorted query (RFC 3986 encoded) \n signed headers (name:value) \n
//   their names joined by ';' \n hex SHA-256 of the body
// hashed again into "ACS3-HMAC-SHA256\n<hex>", signed with HMAC-SHA256 under the secret.
// This server recomputes that from what it received and refuses a mismatch the service's way.
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { type FakeAnswer, type FakeRequest, type FakeSmsServer, startFakeServer } from './fake-sms-server.ts';

export interface AliyunAccepted {
  phoneNumbers: string;
  signName: string;
  templateCode: string;
  templateParam: Record<string, string>;
}

export interface FakeAliyunOptions {
  /** Access key id -> secret. */
  keys: Record<string, string>;
  signNames: string[];
  /** Template code -> the parameters it needs. */
  templates: Record<string, string[]>;
}

export interface FakeAliyunSms extends FakeSmsServer {
  accepted: AliyunAccepted[];
}

const AUTH = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/;
const MAX_SKEW_MS = 15 * 60_000;

/** RFC 3986 percent-encoding, as the V3 signature wants it. */
function encode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function httpError(status: number, code: string, message: string): FakeAnswer {
  return {
    status,
    body: { RequestId: randomUUID(), HostId: 'dysmsapi.aliyuncs.com', Code: code, Message: message },
  };
}

function refusal(code: string, message: string): FakeAnswer {
  return { status: 200, body: { RequestId: randomUUID(), Code: code, Message: message } };
}

function header(req: FakeRequest, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : (v ?? '');
}

/** Why the request's signature is refused, or null when it holds. */
function checkSignature(
  req: FakeRequest,
  keys: Record<string, string>,
  nonces: Set<string>,
): FakeAnswer | null {
  const auth = AUTH.exec(header(req, 'authorization'));
  if (!auth)
    return httpError(
      400,
      'IncompleteSignature',
      'The request signature does not conform to Aliyun standards.',
    );
  const [, keyId, signedList, signature] = auth as unknown as [string, string, string, string];
  const secret = keys[keyId];
  if (!secret) return httpError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
  const signed = signedList.split(';');
  const mustSign = Object.keys(req.headers).filter(
    (h) => h.startsWith('x-acs-') || h === 'host' || h === 'content-type',
  );
  if (mustSign.some((h) => !signed.includes(h)) || [...signed].sort().join(';') !== signedList)
    return httpError(
      400,
      'IncompleteSignature',
      'The request signature does not conform to Aliyun standards.',
    );
  const date = Date.parse(header(req, 'x-acs-date'));
  if (!Number.isFinite(date) || Math.abs(Date.now() - date) > MAX_SKEW_MS)
    return httpError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
  const url = new URL(req.url, 'http://fake');
  const query = [...url.searchParams.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${encode(k)}=${encode(v)}`)
    .join('&');
  const canonical = [
    req.method,
    url.pathname,
    query,
    signed.map((h) => `${h}:${header(req, h).trim()}\n`).join(''),
    signedList,
    createHash('sha256').update(req.body).digest('hex'),
  ].join('\n');
  const toSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonical).digest('hex')}`;
  const expected = createHmac('sha256', secret).update(toSign).digest();
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex')))
    return httpError(400, 'SignatureDoesNotMatch', 'Specified signature does not match our calculation.');
  const nonce = header(req, 'x-acs-signature-nonce');
  if (!nonce || nonces.has(nonce))
    return httpError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
  nonces.add(nonce);
  return null;
}

/** The SendSms checks the service makes of a well-signed request. */
function sendSms(req: FakeRequest, opts: FakeAliyunOptions, accepted: AliyunAccepted[]): FakeAnswer {
  if (header(req, 'x-acs-action') !== 'SendSms' || header(req, 'x-acs-version') !== '2017-05-25')
    return httpError(
      404,
      'InvalidAction.NotFound',
      'Specified api is not found, please check your url and method.',
    );
  const q = new URL(req.url, 'http://fake').searchParams;
  const phoneNumbers = q.get('PhoneNumbers') ?? '';
  const signName = q.get('SignName') ?? '';
  const templateCode = q.get('TemplateCode') ?? '';
  if (!/^(1[3-9]\d{9}|[1-9]\d{7,14})$/.test(phoneNumbers))
    return refusal('isv.MOBILE_NUMBER_ILLEGAL', '非法手机号');
  if (!opts.signNames.includes(signName))
    return refusal('isv.SMS_SIGNATURE_ILLEGAL', '该账号下找不到对应签名');
  const needs = opts.templates[templateCode];
  if (!needs) return refusal('isv.SMS_TEMPLATE_ILLEGAL', '该账号下找不到对应模板');
  let templateParam: Record<string, string> = {};
  try {
    templateParam = JSON.parse(q.get('TemplateParam') ?? '{}') as Record<string, string>;
  } catch {
    return refusal('isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值');
  }
  if (needs.some((p) => typeof templateParam[p] !== 'string'))
    return refusal('isv.TEMPLATE_MISSING_PARAMETERS', '模板变量缺少对应参数值');
  accepted.push({ phoneNumbers, signName, templateCode, templateParam });
  const bizId = `${Date.now()}${accepted.length}^0`;
  return { status: 200, body: { RequestId: randomUUID(), Code: 'OK', Message: 'OK', BizId: bizId } };
}

export async function startFakeAliyunSms(opts: FakeAliyunOptions): Promise<FakeAliyunSms> {
  const accepted: AliyunAccepted[] = [];
  const nonces = new Set<string>();
  const server = await startFakeServer((req, nextFailure) => {
    const refused = checkSignature(req, opts.keys, nonces);
    if (refused) return refused;
    switch (nextFailure()) {
      case 'drop':
        return 'drop';
      case 'throttle':
        return httpError(400, 'Throttling.User', 'Request was denied due to user flow control.');
      case 'server_error':
        return httpError(
          500,
          'InternalError',
          'The request processing has failed due to some unknown error.',
        );
      case 'number_limit':
        return refusal('isv.BUSINESS_LIMIT_CONTROL', '触发号码天级流控Permits:10');
      default:
        return sendSms(req, opts, accepted);
    }
  });
  return { ...server, accepted };
}
