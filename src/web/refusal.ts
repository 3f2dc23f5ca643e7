// What an error means to a visitor: the one table of HTTP statuses, and the refusal a page or
// the API shows, with its message and field messages in the visitor's language. The error
// handler (middleware/error-handler.ts) is the only reader of this table.

import type { Locale } from '../i18n/locales.ts';
import { hasMessage, type MessageKey, type MessageParams, translate } from '../i18n/translate.ts';
import { isDatabaseUnavailable } from '../lib/database-errors.ts';
import { AppError, type ErrorCode } from '../services/errors.ts';

/**
 * Each use-case error's status, by HTTP's meaning: 409 when the request is sound but the
 * state of things refuses it (a full slot, a person already booked, a change that came too
 * late); 422 when what was sent cannot be accepted as it is (a failed check, a date outside
 * its booking window, a partner blocked or not eligible). docs/api.md lists them.
 */
const STATUS: Record<ErrorCode, number> = {
  invalid: 422,
  not_found: 404,
  slot_full: 409,
  already_booked: 409,
  conflict: 409,
  forbidden: 403,
  unauthorized: 401,
  rate_limited: 429,
  booking_not_open: 422,
  booking_closed: 422,
  no_show_blocked: 422,
  not_eligible: 422,
  unavailable: 503,
};

/**
 * The refusals a form shows on its own page (or an action flashes): what the visitor can put
 * right or needs to know. The others (not found, forbidden, signed out, too many requests,
 * the database away) are the error page, unless a route says its page shows them too.
 */
export const REFUSALS: readonly ErrorCode[] = [
  'invalid',
  'conflict',
  'slot_full',
  'already_booked',
  'booking_not_open',
  'booking_closed',
  'no_show_blocked',
  'not_eligible',
];

/** An error as the visitor is told it. */
export interface Refusal {
  status: number;
  /** The AppError's code, or csrf, too_large, bad_request, internal. */
  code: string;
  /** The message key and its parameters (a flash carries them to the next page). */
  key: MessageKey;
  params: MessageParams;
  /** The message in the visitor's language. */
  message: string;
  /** Field messages in the visitor's language, by field path. */
  fields: Record<string, string>;
  /** The use case's error, when it was one. */
  error?: AppError;
}

function refusal(
  status: number,
  code: string,
  key: MessageKey,
  locale: Locale,
  extra: Partial<Refusal> = {},
): Refusal {
  const params = extra.params ?? {};
  return { status, code, key, params, message: translate(locale, key, params), fields: {}, ...extra };
}

/** The status, code and messages of any error; `internal` (500) for what nobody foresaw. */
export function describeError(err: unknown, locale: Locale): Refusal {
  if (err instanceof AppError) {
    const fields = Object.fromEntries(
      Object.entries(err.fields).map(([k, f]) => [k, translate(locale, f.key, f.params)]),
    );
    return refusal(STATUS[err.code], err.code, err.messageKey, locale, {
      params: err.params,
      fields,
      error: err,
    });
  }
  if ((err as { code?: string })?.code === 'EBADCSRFTOKEN') return refusal(403, 'csrf', 'error.csrf', locale);
  if (isDatabaseUnavailable(err)) return refusal(503, 'unavailable', 'error.503', locale);
  const status = (err as { status?: unknown })?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = status === 413 ? 'too_large' : status === 404 ? 'not_found' : 'bad_request';
    const own = `error.${status}`;
    return refusal(status, code, hasMessage(own) ? own : 'error.400', locale);
  }
  return refusal(500, 'internal', 'error.500', locale);
}
