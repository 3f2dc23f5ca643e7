import type { Request } from 'express';
import type { MessageKey } from '../i18n/translate.ts';
import { bearerToken } from '../lib/bearer.ts';
import { AppError } from '../services/errors.ts';
import type { LookupGuard } from './limits/lookup-guard.ts';

/** The token of `Authorization: Bearer <token>`; without one, the thing is simply not found. */
export function bearer(req: Request, notFoundKey: MessageKey = 'booking.not_found'): string {
  const token = bearerToken(req.get('authorization'));
  if (!token) throw new AppError('not_found', notFoundKey);
  return token;
}

/**
 * What the URL's reference and the Authorization header's token name (a booking, a lottery
 * application), through the look-up guard: the right token always passes, wrong ones count.
 */
export function tokenLookup<T>(
  guard: LookupGuard,
  req: Request,
  find: (reference: string, token: string) => Promise<T>,
  notFoundKey?: MessageKey,
): Promise<T> {
  const reference = String(req.params.reference);
  return guard.byToken(req, reference, () => find(reference, bearer(req, notFoundKey)));
}
