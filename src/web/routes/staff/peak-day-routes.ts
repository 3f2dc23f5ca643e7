// The peak-day planner: the peak days ahead (Qixi, 520, Valentine's Day and the office's own),
// each with a link to plan it, and the office's own peak dates to add or remove.
import { type Request, Router } from 'express';
import type { Container } from '../../../container.ts';
import { translate } from '../../../i18n/translate.ts';
import { AppError } from '../../../services/errors.ts';
import { requireStaff } from '../../middleware/staff-auth.ts';
import { action } from '../../route.ts';
import { customPeakRemoveSchema, customPeakSchema } from '../../schemas/staff-plan.schema.ts';
import { me, officeOf, renderStaff } from './support.ts';

const PEAK_DAYS = '/offices/:officeId/peak-days';

export function peakDayRoutes(c: Container): Router {
  const router = Router();
  const s = c.services.staff;
  const planners = requireStaff('admin', 'registrar');
  const office = (req: Request) => officeOf(req, c);
  const back = (req: Request) => `/staff/offices/${req.params.officeId}/peak-days`;

  router.get(PEAK_DAYS, planners, async (req, res) => {
    const at = await office(req);
    renderStaff(res, 'staff/peak-days', {
      title: translate(req.locale, 'staff.peak.title'),
      office: at,
      suggestions: await s.planning.peakSuggestions(at),
    });
  });
  router.post(
    PEAK_DAYS,
    planners,
    action({
      load: office,
      schema: customPeakSchema,
      whenInvalid: () => new AppError('invalid', 'error.invalid'),
      run: async ({ month, day, labelZh, labelEn }, req, res, at) => {
        const label = { zh: labelZh, en: labelEn ?? labelZh };
        await s.offices.addPeakDay(at._id.toString(), { month, day, label }, me(req));
        res.flash('success', 'flash.saved');
      },
      back,
    }),
  );
  router.post(
    `${PEAK_DAYS}/remove`,
    planners,
    action({
      load: office,
      schema: customPeakRemoveSchema,
      whenInvalid: () => new AppError('invalid', 'error.invalid'),
      run: async ({ month, day }, req, res, at) => {
        await s.offices.removePeakDay(at._id.toString(), month, day, me(req));
        res.flash('success', 'flash.saved');
      },
      back,
    }),
  );
  return router;
}
