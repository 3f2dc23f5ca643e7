// Windows (counters): add, rename, open/close, couples per window, temporary windows.
// Changes apply to the counters at once; the flash says how many days and flagged slots.
import { type Request, type Response, Router } from 'express';
import type { Container } from '../../../container.ts';
import { translate } from '../../../i18n/translate.ts';
import type { OfficeRecord } from '../../../services/schedule-service.ts';
import type { OfficeWidePreview } from '../../../services/staff/planning-service.ts';
import { couplesPerWindowOf } from '../../../services/staff/window-service.ts';
import { requireStaff } from '../../middleware/staff-auth.ts';
import { action, form } from '../../route.ts';
import {
  couplesPerWindowSchema,
  windowAddSchema,
  windowUpdateSchema,
} from '../../schemas/staff-window.schema.ts';
import { me, officeOf, refusedForm, renderStaff } from './support.ts';

const WINDOWS = '/offices/:officeId/windows';

export function windowRoutes(c: Container): Router {
  const router = Router();
  const planners = requireStaff('admin', 'registrar');
  const s = c.services.staff;
  const office = (req: Request) => officeOf(req, c);
  const back = (req: Request) => `/staff/offices/${req.params.officeId}/windows`;

  router.get(WINDOWS, planners, async (req, res) => windowsPage(c, req, res, await office(req)));
  router.post(
    WINDOWS,
    planners,
    form({
      schema: windowAddSchema,
      load: office,
      show: (req, res, refused) =>
        windowsPage(c, req, res, refused.ctx, refusedForm(refused, 'add'), refused.status),
      run: async (input, req, res, at) => {
        applied(res, await s.windows.add(at, input, me(req)));
        res.redirect(303, back(req));
      },
    }),
  );
  router.post(
    `${WINDOWS}/couples`,
    planners,
    form({
      schema: couplesPerWindowSchema,
      load: office,
      show: (req, res, refused) =>
        windowsPage(c, req, res, refused.ctx, refusedForm(refused, 'couples'), refused.status),
      run: async (input, req, res, at) => {
        applied(res, await s.windows.setCouplesPerWindow(at, input.couplesPerWindow, me(req)));
        res.redirect(303, back(req));
      },
    }),
  );
  router.post(
    `${WINDOWS}/:windowId`,
    planners,
    action({
      load: office,
      schema: windowUpdateSchema,
      run: async ({ open, ...rest }, req, res, at) => {
        const change = { ...rest, ...(open ? { open: open === 'yes' } : {}) };
        applied(res, await s.windows.update(at, String(req.params.windowId), change, me(req)));
      },
      back,
    }),
  );
  router.post(
    `${WINDOWS}/:windowId/delete`,
    planners,
    action({
      load: office,
      run: async (_input, req, res, at) => {
        applied(res, await s.windows.remove(at, String(req.params.windowId), me(req)));
      },
      back,
    }),
  );
  return router;
}

async function windowsPage(
  c: Container,
  req: Request,
  res: Response,
  office: OfficeRecord,
  extra: object = {},
  status = 200,
) {
  const windows = await c.services.staff.windows.list(office);
  renderStaff(
    res,
    'staff/windows',
    {
      title: translate(req.locale, 'staff.windows.title'),
      office,
      windows,
      today: c.services.schedule.today(office),
      couplesPerWindow: couplesPerWindowOf(office),
      ...extra,
    },
    status,
  );
}

function applied(res: Response, result: OfficeWidePreview) {
  if (result.overbookedSlots > 0) {
    res.flash('error', 'staff.windows_applied_flagged', {
      days: result.days.length,
      slots: result.overbookedSlots,
    });
  } else {
    res.flash('success', 'staff.windows_applied', { days: result.days.length });
  }
}
