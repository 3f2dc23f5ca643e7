import { type Request, type Response, Router } from 'express';
import type { Container } from '../../../container.ts';
import type { JoinResult } from '../../../services/ceremony/ceremony-service.ts';
import { AppError } from '../../../services/errors.ts';
import { appointmentAccess } from '../../middleware/appointment-access.ts';
import { coupleActionSchema, joinFormSchema } from '../../schemas/ceremony-couple.schema.ts';

/**
 * The couple's ceremony actions from its confirmation and manage pages, mounted at
 * /booking/:token/ceremony: join (seat or waitlist), accept an offered seat, leave. Every
 * answer is a redirect back to the page with a flash message; a refusal changes nothing.
 */
export function ceremonyCoupleRoutes(c: Container): Router {
  const { services } = c;
  const router = Router({ mergeParams: true });
  const { ceremonies } = services;
  const resolve = appointmentAccess(services);

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

  /** Runs the action; a refusal (not eligible, full, closed...) becomes an error flash. */
  async function attempt(req: Request, res: Response, action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'unavailable') throw err;
      res.flash('error', err.messageKey, err.params);
    }
    res.redirect(303, back(req, res));
  }

  router.post('/join', resolve, async (req, res) => {
    await attempt(req, res, async () => {
      const form = joinFormSchema.safeParse(req.body);
      if (!form.success) throw new AppError('not_found', 'ceremony.not_found');
      flashResult(
        res,
        await ceremonies.join(form.data.ceremonyId, res.locals.appointment, { channel: 'online' }),
      );
    });
  });

  router.post('/accept', resolve, async (req, res) => {
    await attempt(req, res, async () => {
      flashResult(res, await ceremonies.accept(res.locals.appointment));
    });
  });

  router.post('/leave', resolve, async (req, res) => {
    await attempt(req, res, async () => {
      await ceremonies.leave(res.locals.appointment);
      res.flash('success', 'ceremony.flash.left');
    });
  });

  return router;
}
