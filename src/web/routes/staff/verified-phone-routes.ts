// Whether booking asks for a verified phone: an office's default (administrators) and one
// planned day's choice (planners), each a button on the office's or the plan's page.
import { Router } from 'express';
import { z } from 'zod';
import type { Container } from '../../../container.ts';
import { requireStaff } from '../../middleware/staff-auth.ts';
import { action } from '../../route.ts';
import { dateParam, me, officeOf } from './support.ts';

const officeChoice = z.object({ on: z.enum(['1', '0']) });
const dayChoice = z.object({ on: z.enum(['1', '0', 'inherit']) });

export function verifiedPhoneRoutes(c: Container): Router {
  const router = Router();
  const { verifiedPhone } = c.services.staff;
  router.post(
    '/offices/:officeId/verified-phone',
    requireStaff('admin'),
    action({
      load: (req) => officeOf(req, c),
      schema: officeChoice,
      run: async ({ on }, req, res, office) => {
        await verifiedPhone.setOffice(office._id.toString(), on === '1', me(req));
        res.flash('success', 'verification.staff.saved');
      },
      back: (req) => `/staff/offices/${req.params.officeId}`,
    }),
  );
  router.post(
    '/offices/:officeId/plans/:date/verified-phone',
    requireStaff('admin', 'registrar'),
    action({
      load: async (req) => ({ office: await officeOf(req, c), date: dateParam(req) }),
      schema: dayChoice,
      shows: ['not_found'],
      run: async ({ on }, req, res, { office, date }) => {
        const value = on === 'inherit' ? undefined : on === '1';
        await verifiedPhone.setDay(office._id.toString(), date, value, me(req));
        res.flash('success', 'verification.staff.saved');
      },
      back: (req) => `/staff/offices/${req.params.officeId}/plans/${req.params.date}`,
    }),
  );
  return router;
}
