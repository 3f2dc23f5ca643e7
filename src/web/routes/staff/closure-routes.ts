// The emergency closure of a day (the office shuts at short notice): a preview of the
// bookings it touches, then the closure itself, which tells every couple.
import { type Request, type Response, Router } from 'express';
import type { Container } from '../../../container.ts';
import { translate } from '../../../i18n/translate.ts';
import type { OfficeRecord } from '../../../services/schedule-service.ts';
import { formEcho } from '../../form-values.ts';
import { requireStaff } from '../../middleware/staff-auth.ts';
import { form } from '../../route.ts';
import { closeDaySchema } from '../../schemas/staff-plan.schema.ts';
import { dateParam, me, officeOf, refusedForm, renderStaff } from './support.ts';

const CLOSE = '/offices/:officeId/days/:date/close';

export function closureRoutes(c: Container): Router {
  const router = Router();
  const planners = requireStaff('admin', 'registrar');
  const day = async (req: Request) => ({ office: await officeOf(req, c), date: dateParam(req) });

  router.get(CLOSE, planners, async (req, res) => {
    const { office, date } = await day(req);
    await closePage(c, req, res, office, date);
  });
  router.post(
    CLOSE,
    planners,
    form({
      load: day,
      schema: closeDaySchema,
      show: (req, res, refused) =>
        closePage(
          c,
          req,
          res,
          refused.ctx.office,
          refused.ctx.date,
          // A refusal of the closure itself keeps the confirmation step.
          { ...refusedForm(refused), confirming: refused.code !== 'invalid' || undefined },
          refused.status,
        ),
      run: async (input, req, res, { office, date }) => {
        if (input.step === 'preview')
          return closePage(c, req, res, office, date, { values: formEcho(req.body), confirming: true });
        const closure = { kind: 'closed' as const, messageZh: input.messageZh, messageEn: input.messageEn };
        const result = await c.services.staff.planning.applyPlan(
          office,
          date,
          closure,
          me(req),
          input.fingerprint,
        );
        res.flash('success', 'staff.day_closed', { date, n: result.closedAppointments.length });
        res.redirect(303, `/staff/offices/${office._id}/roster?date=${date}`);
      },
    }),
  );
  return router;
}

async function closePage(
  c: Container,
  req: Request,
  res: Response,
  office: OfficeRecord,
  date: string,
  extra: { values?: Record<string, unknown> } & Record<string, unknown> = {},
  status = 200,
) {
  const typed = extra.values as Record<string, string> | undefined;
  const preview = await c.services.staff.planning.previewPlan(office, date, {
    kind: 'closed',
    messageZh: typed?.messageZh,
    messageEn: typed?.messageEn,
  });
  renderStaff(
    res,
    'staff/close-day',
    {
      title: translate(req.locale, 'staff.close.title', { date }),
      office,
      date,
      preview,
      values: {},
      ...extra,
    },
    status,
  );
}
