// A local stand-in for Tencent Cloud SMS's SendSms (API 2021-01-11), checking each request as
// the service does. The SDK installed here (tencentcloud-sdk-nodejs-common 4.x) signs with
// TC3-HMAC-SHA256: a canonical request of
//   method \n path \n query \n content-type:<value>\n host:<host>\n \n content-type;host \n hex SHA-256 of the body
// hashed into "TC3-HMAC-SHA256\n<timestamp>\n<date>/<service>/tc3_request\n<hex>", signed with
// a key derived from the secret: HMAC("TC3"+secret, date) -> service -> "tc3_request".
// This server recomputes that from what it received and refuses a mismatch the service's way
// (HTTP 200 with Response.Error).
//
// Two details follow the SDK: the host it signs is the host name without the port (the
// service listens on the default port, so the two never differ there); and the service in
// the credential scope is the first label of the host name (sms.tencentcloudapi.com -> sms),
// which is how the SDK derives it and how the gateway knows which service it is. Addressed
// as 127.0.0.1, this server expects the scope the SDK builds for that address.
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { type FakeAnswer, type FakeRequest, type FakeSmsServer, startFakeServer } from './fake-sms-server.ts';

export interface TencentAccepted {
  phoneNumber: string;
  smsSdkAppId: string;
  signName: string;
  templateId: string;
  templateParamSet: string[];
}

export interface FakeTencentOptions {
  /** SecretId -> SecretKey. */
  keys: Record<string, string>;
  sdkAppIds: string[];
  signNames: string[];
  /** Template id -> how many parameters ({1}, {2}...) it has. */
  templates: Record<string, number>;
}

export interface FakeTencentSms extends FakeSmsServer {
  accepted: TencentAccepted[];
}

const AUTH =
  /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;
const MAX_SKEW_SECONDS = 300;

function error(code: string, message: string, status = 200): FakeAnswer {
  return { status, body: { Response: { Error: { Code: code, Message: message }, RequestId: randomUUID() } } };
}

function header(req: FakeRequest, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : (v ?? '');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** Why the request's signature is refused, or null when it holds. */
function checkSignature(req: FakeRequest, keys: Record<string, string>): FakeAnswer | null {
  const auth = AUTH.exec(header(req, 'authorization'));
  if (!auth) return error('AuthFailure.InvalidAuthorization', 'Authorization is invalid.');
  const [, secretId, date, service, signedList, signature] = auth as unknown as string[];
  const secret = keys[secretId!];
  if (!secret) return error('AuthFailure.SecretIdNotFound', 'The SecretId is not found.');
  const timestamp = Number(header(req, 'x-tc-timestamp'));
  if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > MAX_SKEW_SECONDS)
    return error('AuthFailure.SignatureExpire', 'Signature expired.');
  const hostname = header(req, 'host').replace(/:\d+$/, '').toLowerCase();
  const scopeHolds =
    date === new Date(timestamp * 1000).toISOString().slice(0, 10) && service === hostname.split('.')[0];
  const signed = signedList!.split(';');
  if (!scopeHolds || !signed.includes('content-type') || !signed.includes('host'))
    return error('AuthFailure.SignatureFailure', 'The provided credentials could not be validated.');
  const url = new URL(req.url, 'http://fake');
  const value = (h: string) => (h === 'host' ? hostname : header(req, h).trim().toLowerCase());
  const canonical = [
    req.method,
    url.pathname,
    url.search.slice(1),
    signed.map((h) => `${h}:${value(h)}\n`).join(''),
    signedList,
    createHash('sha256').update(req.body).digest('hex'),
  ].join('\n');
  const scope = `${date}/${service}/tc3_request`;
  const toSign = `TC3-HMAC-SHA256\n${timestamp}\n${scope}\n${createHash('sha256').update(canonical).digest('hex')}`;
  const key = hmac(hmac(hmac(`TC3${secret}`, date!), service!), 'tc3_request');
  if (!timingSafeEqual(hmac(key, toSign), Buffer.from(signature!, 'hex')))
    return error('AuthFailure.SignatureFailure', 'The provided credentials could not be validated.');
  return null;
}

interface SendSmsBody {
  PhoneNumberSet?: string[];
  SmsSdkAppId?: string;
  SignName?: string;
  TemplateId?: string;
  TemplateParamSet?: string[];
}

/** The SendSms checks the service makes of a well-signed request, with a status per number. */
function sendSms(req: FakeRequest, opts: FakeTencentOptions, accepted: TencentAccepted[], limit: boolean) {
  if (header(req, 'x-tc-action') !== 'SendSms' || header(req, 'x-tc-version') !== '2021-01-11')
    return error('InvalidAction', 'The action does not exist.');
  const body = JSON.parse(req.body.toString('utf8')) as SendSmsBody;
  if (!opts.sdkAppIds.includes(body.SmsSdkAppId ?? ''))
    return error('UnauthorizedOperation.SmsSdkAppIdVerifyFail', 'SmsSdkAppId verify fail.');
  if (!opts.signNames.includes(body.SignName ?? ''))
    return error(
      'FailedOperation.SignatureIncorrectOrUnapproved',
      'The signature is incorrect or unapproved.',
    );
  const count = opts.templates[body.TemplateId ?? ''];
  if (count === undefined)
    return error('FailedOperation.TemplateIncorrectOrUnapproved', 'The template is incorrect or unapproved.');
  const params = body.TemplateParamSet ?? [];
  if (params.length !== count)
    return error(
      'FailedOperation.TemplateParamSetNotMatchApprovedTemplate',
      'The parameters do not match the template.',
    );
  const statuses = (body.PhoneNumberSet ?? []).map((phone) => {
    const base = { SerialNo: '', PhoneNumber: phone, Fee: 0, SessionContext: '', IsoCode: 'CN' };
    if (!/^\+[1-9]\d{6,14}$/.test(phone))
      return {
        ...base,
        Code: 'InvalidParameterValue.IncorrectPhoneNumber',
        Message: 'The phone number is incorrect.',
      };
    if (limit)
      return {
        ...base,
        Code: 'LimitExceeded.PhoneNumberOneHourLimit',
        Message: 'The number exceeds its hourly limit.',
      };
    accepted.push({
      phoneNumber: phone,
      smsSdkAppId: body.SmsSdkAppId!,
      signName: body.SignName!,
      templateId: body.TemplateId!,
      templateParamSet: params,
    });
    return { ...base, SerialNo: randomUUID(), Fee: 1, Code: 'Ok', Message: 'send success' };
  });
  return { status: 200, body: { Response: { SendStatusSet: statuses, RequestId: randomUUID() } } };
}

export async function startFakeTencentSms(opts: FakeTencentOptions): Promise<FakeTencentSms> {
  const accepted: TencentAccepted[] = [];
  const server = await startFakeServer((req, nextFailure) => {
    const refused = checkSignature(req, opts.keys);
    if (refused) return refused;
    const failure = nextFailure();
    if (failure === 'drop') return 'drop';
    if (failure === 'throttle')
      return error('RequestLimitExceeded', 'Your requests exceed the frequency limit for a second.');
    if (failure === 'server_error') return { status: 500, body: 'Internal Server Error' };
    return sendSms(req, opts, accepted, failure === 'number_limit');
  });
  return { ...server, accepted };
}
