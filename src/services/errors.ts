// Typed errors of the use cases. They carry message keys (translated by the web layer
// into the user's language) and never an HTTP status: src/web/middleware/error-handler.ts
// maps each code to one.
import type { SlotAlternative } from '../domain/slot-alternatives.ts';
import type { MessageKey, MessageParams } from '../i18n/translate.ts';

export type ErrorCode =
  | 'invalid'
  | 'not_found'
  | 'slot_full'
  | 'already_booked'
  | 'conflict'
  | 'forbidden'
  | 'unauthorized'
  | 'rate_limited'
  | 'booking_not_open'
  | 'booking_closed'
  | 'no_show_blocked'
  | 'not_eligible'
  | 'unavailable';

export interface FieldMessage {
  key: MessageKey;
  params?: MessageParams;
}

/** What an error says when its use case names no message of its own. */
const GENERIC_MESSAGE: Record<ErrorCode, MessageKey> = {
  invalid: 'error.invalid',
  not_found: 'error.not_found',
  slot_full: 'error.409',
  already_booked: 'error.409',
  conflict: 'error.conflict',
  forbidden: 'error.forbidden',
  unauthorized: 'error.unauthorized',
  rate_limited: 'error.rate_limited',
  booking_not_open: 'error.422',
  booking_closed: 'error.422',
  no_show_blocked: 'error.422',
  not_eligible: 'error.422',
  unavailable: 'error.unavailable',
};

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly messageKey: MessageKey = GENERIC_MESSAGE[code],
    readonly params: MessageParams = {},
    readonly fields: Record<string, FieldMessage> = {},
    /** What the refusal offers instead (a full slot's nearest open slots), for pages and the API. */
    readonly offers: { alternatives?: SlotAlternative[] } = {},
  ) {
    // A "full" is most answers of a peak day and never logged with its stack: capturing one
    // for each would cost more than the rest of the error.
    const limit = Error.stackTraceLimit;
    if (code === 'slot_full') Error.stackTraceLimit = 0;
    super(`${code}: ${messageKey}`);
    Error.stackTraceLimit = limit;
    this.name = 'AppError';
  }
}

export function invalid(
  fields: Record<string, FieldMessage>,
  messageKey: MessageKey = 'error.invalid',
): AppError {
  return new AppError('invalid', messageKey, {}, fields);
}

export function notFound(messageKey: MessageKey = 'error.not_found'): AppError {
  return new AppError('not_found', messageKey);
}
