// The couple's ceremony actions from its confirmation and manage pages, mounted at
// /booking/:token/ceremony: join (seat or waitlist), accept an offered seat, leave. Every
// answer is a redirect back to the page with a flash message; a refusal (not eligible, full,
// closed...) is an error flash and changes nothing.
import { type Request, type Response, Router } from 'express';
import type { Container } from '../../../container.ts';
import type { JoinResult } from '../../../services/ceremony/ceremony-service.ts';
import { AppError } from '../../../services/errors.ts';
import { appointmentAccess } from '../../middleware/appointment-access.ts';
import { action } from '../../route.ts';
import { coupleActionSchema, joinFormSchema } from '../../schemas/ceremony-couple.schema.ts';

/** Back to the page the button was on: the confirmation or the manage page. */
function back(req: Request, res: Response): string {
  const parsed = coupleActionSchema.safeParse(req.body);
  const page = parsed.success && parsed.data.back === 'confirmation' ? '/confirmation' : '';
  return `${res.locals.manageBase}${page}#ceremony`;
}

function flashResult(res: Response, result: JoinResult): void {
  if (result.status === 'seated') res.flash('success', 'ceremony.flash.seated');
  else if (result.status === 'offered') res.flash('info', 'ceremony.flash.offered');
  else res.flash('info', 'ceremony.flash.waitlisted', { position: result.position ?? '' });
}

export function ceremonyCoupleRoutes(c: Container): Router {
  const router = Router({ mergeParams: true });
  const { ceremonies } = c.services;
  const resolve = appointmentAccess(c.services);
  // A ceremony that is gone, or a seat that is no longer offered, is a refusal like any other.
  const shows = ['not_found', 'forbidden', 'rate_limited'] as const;

  router.post(
    '/join',
    resolve,
    action({
      schema: joinFormSchema,
      whenInvalid: () => new AppError('not_found', 'ceremony.not_found'),
      shows: [...shows],
      run: async ({ ceremonyId }, _req, res) =>
        flashResult(res, await ceremonies.join(ceremonyId, res.locals.appointment, { channel: 'online' })),
      back,
    }),
  );
  router.post(
    '/accept',
    resolve,
    action({
      shows: [...shows],
      run: async (_input, _req, res) => flashResult(res, await ceremonies.accept(res.locals.appointment)),
      back,
    }),
  );
  router.post(
    '/leave',
    resolve,
    action({
      shows: [...shows],
      run: async (_input, _req, res) => {
        await ceremonies.leave(res.locals.appointment);
        res.flash('success', 'ceremony.flash.left');
      },
      back,
    }),
  );
  return router;
}
