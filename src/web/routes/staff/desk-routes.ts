// Cancelling or moving a booking for a couple who phones, from the staff booking page:
// registrars and administrators of the booking's office, a reason each time. The use cases
// are the staff desk's (services/staff/booking-desk.ts), built on the couple's own.
import { type Request, type Response, Router } from 'express';
import type { Container } from '../../../container.ts';
import { formatDate } from '../../../i18n/format.ts';
import type { AppointmentRecord } from '../../../services/booking/booking-service.ts';
import { requireStaff } from '../../middleware/staff-auth.ts';
import { form, query } from '../../route.ts';
import { deskCancelSchema, deskMoveQuerySchema, deskMoveSchema } from '../../schemas/staff-desk.schema.ts';
import { appointmentInScope, me, refusedForm, renderStaff } from './support.ts';

interface DeskPage {
  values?: Record<string, unknown>;
  fields?: Record<string, string>;
  formError?: string;
}

const pageOf = (a: AppointmentRecord) => `/staff/appointments/${a._id}`;

async function cancelPage(c: Container, res: Response, a: AppointmentRecord, locals: DeskPage, status = 200) {
  const office = await c.services.staff.offices.get(a.office.toString());
  const seat = await c.services.ceremonies.seatOnMove(a, []);
  renderStaff(
    res,
    'staff/desk-cancel',
    {
      title: res.locals.t('staff.desk.cancel_title', { reference: a.reference }),
      office,
      appointment: a,
      seat,
      ...locals,
    },
    status,
  );
}

async function movePage(
  c: Container,
  res: Response,
  a: AppointmentRecord,
  date: string,
  locals: DeskPage,
  status = 200,
) {
  const office = await c.services.staff.offices.get(a.office.toString());
  const plan = await c.services.staff.desk.movePlan(a, date);
  renderStaff(
    res,
    'staff/desk-move',
    {
      title: res.locals.t('staff.desk.move_title', { reference: a.reference }),
      office,
      appointment: a,
      plan,
      ...locals,
    },
    status,
  );
}

export function deskRoutes(c: Container): Router {
  const router = Router();
  const registrars = requireStaff('admin', 'registrar');
  const { desk } = c.services.staff;
  const load = (req: Request) => appointmentInScope(req, c);

  router.get('/appointments/:id/cancel', registrars, async (req, res) => {
    await cancelPage(c, res, await load(req), {});
  });
  router.post(
    '/appointments/:id/cancel',
    registrars,
    form({
      schema: deskCancelSchema,
      load,
      show: (_req, res, refused) => cancelPage(c, res, refused.ctx, refusedForm(refused), refused.status),
      run: async ({ reason }, req, res, a) => {
        const cancelled = await desk.cancel(a, { reason, actor: me(req).id });
        res.flash('success', 'staff.desk.cancelled', { reference: cancelled.reference });
        res.redirect(303, pageOf(a));
      },
    }),
  );
  router.get('/appointments/:id/move', registrars, async (req, res) => {
    const a = await load(req);
    await movePage(c, res, a, query(req, deskMoveQuerySchema, {}).date ?? a.date, {});
  });
  router.post(
    '/appointments/:id/move',
    registrars,
    form({
      schema: deskMoveSchema,
      load,
      show: (req, res, refused) => {
        const posted = deskMoveQuerySchema.safeParse(req.body ?? {});
        const date = (posted.success && posted.data.date) || refused.ctx.date;
        return movePage(c, res, refused.ctx, date, refusedForm(refused), refused.status);
      },
      run: async (input, req, res, a) => {
        const moved = await desk.move(a, {
          ...input,
          giveUpSeat: input.giveUpSeat === 'yes',
          actor: me(req).id,
        });
        const date = formatDate(moved.date, req.locale);
        res.flash('success', 'staff.desk.moved', { reference: moved.reference, date, start: moved.start });
        res.redirect(303, pageOf(a));
      },
    }),
  );
  return router;
}
