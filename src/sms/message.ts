// What the application hands an SMS sender, whichever sender it is, and how a failure is
// told apart: worth retrying later (the network, throttling, the provider's own trouble) or
// not (a template, signature or number the provider refuses, wrong credentials).

export interface SmsMessage {
  /** A mainland mobile's 11 digits, or an E.164 number (src/domain/phone.ts). */
  to: string;
  /** The provider's approved template; for the development outbox, the kind of text. */
  templateCode: string;
  /** Template parameters in the template's order: Alibaba Cloud takes them by name, Tencent Cloud by position. */
  params: ReadonlyArray<readonly [string, string]>;
  /** The text as built here: the development outbox keeps it; a provider sends its own template's words. */
  text: string;
  /** The notification this text belongs to (kept with the outbox copy). */
  notificationKey?: string;
  /** The office the text is about (who among staff may read the outbox copy). */
  officeId?: string;
}

export type SmsSenderKind = 'aliyun' | 'tencent' | 'outbox';

export interface SmsSender {
  readonly kind: SmsSenderKind;
  /** Resolves once the provider (or the outbox) has accepted the text; rejects with an SmsError otherwise. */
  send(message: SmsMessage): Promise<{ messageId: string }>;
  close(): void;
}

export interface SmsErrorDetails {
  provider: SmsSenderKind;
  /** The provider's code (isv.SMS_TEMPLATE_ILLEGAL, LimitExceeded.PhoneNumberDailyLimit...) or the network error's. */
  code: string;
  retryable: boolean;
  /**
   * The request may have reached the provider before the failure (a reset connection, a read
   * timeout): a retry may deliver the text twice. False when it surely did not (refused).
   */
  maybeDelivered: boolean;
  requestId?: string;
}

/** Marks an SmsError whatever copy of this module made it (see SmsError's `hasInstance`). */
const SMS_ERROR = Symbol.for('registry-scheduler.sms-error');

export class SmsError extends Error implements SmsErrorDetails {
  /**
   * A provider's sender is loaded with the first text (a dynamic import); a loader that gives
   * that import a copy of this module of its own (a CommonJS hook, as under the test runner)
   * would otherwise make its errors fail `instanceof SmsError`, and a permanent refusal would be
   * retried as an unknown failure.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SMS_ERROR] === true
    );
  }
  readonly [SMS_ERROR] = true;
  readonly provider: SmsSenderKind;
  readonly code: string;
  readonly retryable: boolean;
  readonly maybeDelivered: boolean;
  readonly requestId?: string;

  constructor(message: string, details: SmsErrorDetails) {
    super(message);
    this.name = 'SmsError';
    this.provider = details.provider;
    this.code = details.code;
    this.retryable = details.retryable;
    this.maybeDelivered = details.maybeDelivered;
    if (details.requestId) this.requestId = details.requestId;
  }
}

/** A failure that will not get better by waiting: the notification should fail at once. */
export function isPermanentSmsError(err: unknown): boolean {
  return err instanceof SmsError && !err.retryable;
}

export function smsErrorText(err: unknown): string {
  if (err instanceof SmsError) return `${err.provider} ${err.code}: ${err.message}`.slice(0, 500);
  return String((err as { message?: unknown })?.message ?? err).slice(0, 500);
}

/** Node's codes for a connection that was never made: the provider surely got nothing. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** An error below HTTP (no answer from the provider): always worth retrying. */
export function networkSmsError(provider: SmsSenderKind, err: unknown): SmsError {
  const e = err as { code?: unknown; message?: unknown; name?: unknown };
  const message = String(e?.message ?? err);
  const code =
    typeof e?.code === 'string'
      ? e.code
      : ([...NOT_CONNECTED].find((c) => message.includes(c)) ??
        (/timeout/i.test(message) ? 'ETIMEDOUT' : 'ENETWORK'));
  const notConnected = NOT_CONNECTED.has(code) || /^ConnectTimeout/.test(message);
  return new SmsError(message.slice(0, 300), {
    provider,
    code,
    retryable: true,
    maybeDelivered: !notConnected,
  });
}
