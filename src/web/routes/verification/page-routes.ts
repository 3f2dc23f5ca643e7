// The pages' side of texts and codes: a text's short link (/m/<token>), and finding one's
// bookings by phone on the look-up page (step 1: send a code; step 2: the code lists them).
// Both steps are plain form posts: the page works without JavaScript.

import { type Response, Router } from 'express';
import type { Container } from '../../../container.ts';
import { AppError } from '../../../services/errors.ts';
import { openFoundBooking } from '../../middleware/appointment-access.ts';
import { form } from '../../route.ts';
import { phoneLookupSchema, phoneLookupStartSchema } from '../../schemas/verification.schema.ts';
import { issueCode } from './issue-code.ts';

/** The look-up page with the by-phone form at a step. */
function lookupPage(res: Response, byPhone: object, status = 200) {
  res.renderPage('public/lookup', { byPhone }, status);
}

export function verificationPageRoutes(c: Container): Router {
  const router = Router();

  router.get('/m/:token', c.limits.verificationCodes, async (req, res) => {
    const found = await c.services.notifications.openShortLink(String(req.params.token));
    if (!found) throw new AppError('not_found', 'booking.not_found');
    res.set('Referrer-Policy', 'no-referrer');
    if (found.target === 'application') {
      res.redirect(303, await c.services.lottery.statusPath(found.ref));
      return;
    }
    openFoundBooking(res, found.ref, c.config.cookieSecure);
  });

  router.post(
    '/lookup/phone/code',
    c.limits.verificationCodes,
    form({
      schema: phoneLookupStartSchema,
      shows: ['rate_limited'],
      show: (_req, res, refused) =>
        lookupPage(
          res,
          { step: 1, values: refused.values, fields: refused.fields, formError: refused.message },
          refused.status,
        ),
      run: async ({ who, phone }, req, res) => {
        await issueCode(c, req, phone, 'lookup');
        lookupPage(res, { step: 2, values: { who, phone }, notice: res.locals.t('verification.sent') });
      },
    }),
  );

  router.post(
    '/lookup/phone',
    c.limits.verificationCodes,
    form({
      schema: phoneLookupSchema,
      whenInvalid: () => new AppError('not_found', 'lookup_phone.failed'),
      shows: ['not_found', 'rate_limited'],
      show: (_req, res, refused) =>
        lookupPage(
          res,
          { step: 2, values: { ...refused.values, code: '' }, formError: refused.message },
          refused.status,
        ),
      run: async (input, _req, res) => {
        const found = await c.services.phoneLookup.findByPhone(input);
        if (!found) throw new AppError('not_found', 'lookup_phone.failed');
        res.set('Cache-Control', 'no-store');
        lookupPage(res, { step: 3, values: { who: input.who, phone: input.phone }, found });
      },
    }),
  );

  return router;
}
