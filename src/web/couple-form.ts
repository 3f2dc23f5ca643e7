// The forms and endpoints that book or apply for a couple (the booking form, a walk-in, a
// priority booking, a lottery application, and the API's) carry an idempotency key: a form is
// shown blank with a fresh one, and after a refusal as it was typed with the same one, so
// that sending it again (after a 503, or twice by a double click) books once.
import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import type { Locale } from '../i18n/locales.ts';
import { AppError } from '../services/errors.ts';
import type { Refused } from './route.ts';

export const newIdempotencyKey = () => randomBytes(18).toString('base64url');

/** A blank form: two partners with resident ID cards, in the language given, and a fresh key. */
export function blankCoupleForm(language: Locale, values: Record<string, unknown> = {}) {
  return {
    idempotencyKey: newIdempotencyKey(),
    values: { language, partners: [{ idType: 'resident_id' }, { idType: 'resident_id' }], ...values },
  };
}

/** The form again after a refusal: what was typed, the key it was sent with, and why. */
export function refusedCoupleForm(refused: Refused<unknown>) {
  const sent = refused.values.idempotencyKey;
  return {
    values: refused.values,
    idempotencyKey: typeof sent === 'string' && sent ? sent : newIdempotencyKey(),
    fields: refused.fields,
    formError: refused.message,
  };
}

/**
 * The booking form again after a refusal: as refusedCoupleForm, with the refusal's code (an
 * "already booked" links to the look-up) and, for a full slot, the nearest open slots, each
 * one tap that books it with what was typed.
 */
export function refusedBookingForm(refused: Refused<unknown>) {
  return {
    ...refusedCoupleForm(refused),
    refusedCode: refused.code,
    ...(refused.code === 'slot_full' ? { alternatives: refused.error?.offers.alternatives ?? [] } : {}),
  };
}

/** What an idempotency key may be: 16 to 64 characters of base64url. */
export const isIdempotencyKey = (key: string) => /^[A-Za-z0-9_-]{16,64}$/.test(key);

/** The API's Idempotency-Key header, when sent: 16 to 64 characters of base64url. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key !== undefined && !isIdempotencyKey(key))
    throw new AppError('invalid', 'error.invalid', {}, { 'Idempotency-Key': { key: 'field.invalid' } });
  return key;
}

/** What a couple's form asks the booking (or the lottery) for: its partners, e-mail, language and key. */
export function coupleRequest<P>(form: {
  partners: P;
  email?: string | undefined;
  contactPartner?: number | undefined;
  verificationCode?: string | undefined;
  language: Locale;
  idempotencyKey?: string | undefined;
}) {
  return {
    partners: form.partners,
    email: form.email ?? '',
    ...(form.contactPartner === 1 ? { contactPartner: 1 } : {}),
    ...(form.verificationCode ? { verificationCode: form.verificationCode } : {}),
    language: form.language,
    ...(form.idempotencyKey ? { idempotencyKey: form.idempotencyKey } : {}),
  };
}
