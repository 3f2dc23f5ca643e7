// The booking and lottery forms' "send code" button without JavaScript: the form is posted
// with sendCode=1, a code goes to the contact phone as typed, and the form comes back as it
// was typed (the same idempotency key), saying so. Nothing is booked.
import type { Request, RequestHandler, Response } from 'express';
import type { Container } from '../../../container.ts';
import { AppError } from '../../../services/errors.ts';
import { contactPhoneOf } from '../../../services/verification/verified-phone.ts';
import { formEcho } from '../../form-values.ts';
import { issueCode } from './issue-code.ts';

export function sendCodeStep<C>(
  c: Container,
  load: (req: Request) => Promise<C>,
  render: (res: Response, ctx: C, locals: object, status?: number) => void,
): RequestHandler {
  return async (req, res, next) => {
    if (req.body?.sendCode !== '1') {
      next();
      return;
    }
    const ctx = await load(req);
    const values = formEcho(req.body);
    const idempotencyKey = typeof values.idempotencyKey === 'string' ? values.idempotencyKey : undefined;
    const partners = Array.isArray(req.body.partners) ? (req.body.partners as { phone?: unknown }[]) : [];
    const contact = Number(req.body.contactPartner) === 1 ? 1 : 0;
    const phone = contactPhoneOf(
      partners.map((p) => ({ phone: typeof p?.phone === 'string' ? p.phone : '' })),
      contact,
    );
    try {
      await issueCode(c, req, phone, 'booking');
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'invalid' && err.code !== 'rate_limited')) throw err;
      const message = res.locals.t(err.messageKey, err.params);
      const fields = err.code === 'invalid' ? { [`partners.${contact}.phone`]: message } : {};
      render(
        res,
        ctx,
        { values, idempotencyKey, fields, formError: message },
        err.code === 'invalid' ? 422 : 429,
      );
      return;
    }
    render(res, ctx, { values, idempotencyKey, codeNotice: res.locals.t('verification.sent') });
  };
}
