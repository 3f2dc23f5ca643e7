// Sending a verification code, as every door asks for one (the API, the booking form's
// button, the look-up page): the same answer whether or not the phone is known to anyone;
// too many asked for one phone or from one address is the only refusal (429).
import type { Request } from 'express';
import type { Container } from '../../../container.ts';

import { AppError } from '../../../services/errors.ts';

export async function issueCode(c: Container, req: Request, phone: string, purpose: 'booking' | 'lookup') {
  const { outcome } = await c.services.verification.issue({
    phone,
    purpose,
    address: req.ip ?? 'unknown',
    locale: req.locale,
  });
  if (outcome === 'limited') {
    const seconds = Math.ceil(c.services.verification.policy.resendAfterMs / 1000);
    throw new AppError('rate_limited', 'verification.too_many', { seconds });
  }
}
