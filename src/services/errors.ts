// Typed errors of the use cases. They carry message keys (translated by the web layer
// into the user's language) and never an HTTP status: src/web/middleware/error-handler.ts
// maps each code to one.
import type { MessageParams } from '../i18n/translate.ts';

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
  key: string;
  params?: MessageParams;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly messageKey: string = `error.${code}`,
    readonly params: MessageParams = {},
    readonly fields: Record<string, FieldMessage> = {},
  ) {
    super(`${code}: ${messageKey}`);
    this.name = 'AppError';
  }
}

export function invalid(fields: Record<string, FieldMessage>, messageKey = 'error.invalid'): AppError {
  return new AppError('invalid', messageKey, {}, fields);
}

export function notFound(messageKey = 'error.not_found'): AppError {
  return new AppError('not_found', messageKey);
}
