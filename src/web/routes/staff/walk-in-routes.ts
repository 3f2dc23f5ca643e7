// Walk-in and phone bookings, taken by staff at the desk: the same booking rules as the
// couple's own form, without the booking window, and past a full slot only when confirmed.
import { type Request, type Response, Router } from 'express';
import type { Container } from '../../../container.ts';
import { translate } from '../../../i18n/translate.ts';
import type { OfficeRecord } from '../../../services/schedule-service.ts';
import { blankCoupleForm, coupleRequest, refusedCoupleForm } from '../../couple-form.ts';
import { requireStaff } from '../../middleware/staff-auth.ts';
import { form } from '../../route.ts';
import { walkInSchema } from '../../schemas/staff-roster.schema.ts';
import { dateOf } from './day-routes.ts';
import { me, officeOf, renderStaff } from './support.ts';

const WALK_IN = '/offices/:officeId/walk-in';

export function walkInRoutes(c: Container): Router {
  const router = Router();
  const registrars = requireStaff('admin', 'registrar');
  const dayOf = async (req: Request) => {
    const office = await officeOf(req, c);
    return { office, date: dateOf(c, req, office) };
  };

  router.get(WALK_IN, registrars, async (req, res) => {
    const { office, date } = await dayOf(req);
    const start = typeof req.query.start === 'string' ? req.query.start : '';
    await walkInPage(c, req, res, office, date, blankCoupleForm('zh-CN', { start }));
  });
  router.post(
    WALK_IN,
    registrars,
    form({
      schema: walkInSchema,
      load: dayOf,
      show: (req, res, refused) => {
        // A full slot: the form offers to book past it, after an explicit confirmation.
        const full = refused.code === 'slot_full';
        const locals = {
          ...refusedCoupleForm(refused),
          ...(full ? { formError: translate(req.locale, 'staff.walkin_full', refused.params) } : {}),
          needsOverbook: full,
        };
        return walkInPage(c, req, res, refused.ctx.office, refused.ctx.date, locals, refused.status);
      },
      run: async (input, req, res, { office, date }) => {
        const result = await c.services.booking.walkIn({
          officeId: office._id.toString(),
          date,
          start: input.start,
          ...coupleRequest(input),
          allowOverbook: input.confirmOverbook === 'yes',
          actor: me(req).id,
        });
        res.flash('success', 'staff.walkin_booked', { reference: result.appointment.reference });
        res.redirect(303, `/staff/appointments/${result.appointment._id}`);
      },
    }),
  );
  return router;
}

async function walkInPage(
  c: Container,
  req: Request,
  res: Response,
  office: OfficeRecord,
  date: string,
  locals: object,
  status = 200,
) {
  const [found] = await c.services.schedule.availability(office, date, date);
  // A slot that has begun cannot be booked any more (the booking service refuses it).
  const now = c.clock();
  const day = found && { ...found, slots: found.slots.filter((slot) => slot.startsAt > now) };
  renderStaff(
    res,
    'staff/walk-in',
    { title: translate(req.locale, 'staff.walkin.title'), office, date, day, ...locals },
    status,
  );
}
