// Windows (counters): add, rename, open/close, couples per window, temporary windows.
// Changes apply to the counters at once; the flash says how many days and flagged slots.
import { type Request, type Response, Router } from 'express';
import type { Container } from '../../../container.ts';
import { translate } from '../../../i18n/translate.ts';
import type { OfficeRecord } from '../../../services/schedule-service.ts';
import type { OfficeWidePreview } from '../../../services/staff/planning-service.ts';
import { couplesPerWindowOf } from '../../../services/staff/window-service.ts';
import { requireStaff } from '../../middleware/staff-auth.ts';
import {
  couplesPerWindowSchema,
  windowAddSchema,
  windowUpdateSchema,
} from '../../schemas/staff-window.schema.ts';
import { fieldsOf, isFormError, me, officeOf, parseForm, renderStaff, statusOfFormError } from './support.ts';

export function windowRoutes(container: Container): Router {
  const router = Router();
  const { staff: s, schedule } = container.services;
  const planners = requireStaff('admin', 'registrar');

  async function page(
    req: Request,
    res: Response,
    office: OfficeRecord,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const windows = await s.windows.list(office);
    renderStaff(
      res,
      'staff/windows',
      {
        title: translate(req.locale, 'staff.windows.title'),
        office,
        windows,
        today: schedule.today(office),
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

  router.get('/offices/:officeId/windows', planners, async (req, res) => {
    await page(req, res, await officeOf(req, container.services));
  });

  router.post('/offices/:officeId/windows', planners, async (req, res) => {
    const office = await officeOf(req, container.services);
    const parsed = parseForm(req, windowAddSchema);
    if (!parsed.ok)
      return page(
        req,
        res,
        office,
        { addValues: req.body, addFields: parsed.fields, addError: parsed.message },
        422,
      );
    try {
      applied(res, await s.windows.add(office, parsed.data, me(req)));
    } catch (err) {
      if (!isFormError(err)) throw err;
      return page(
        req,
        res,
        office,
        {
          addValues: req.body,
          addFields: fieldsOf(req, err),
          addError: translate(req.locale, err.messageKey, err.params),
        },
        statusOfFormError(err),
      );
    }
    res.redirect(303, `/staff/offices/${office._id}/windows`);
  });

  router.post('/offices/:officeId/windows/couples', planners, async (req, res) => {
    const office = await officeOf(req, container.services);
    const parsed = parseForm(req, couplesPerWindowSchema);
    if (!parsed.ok) {
      return page(req, res, office, { couplesFields: parsed.fields, couplesError: parsed.message }, 422);
    }
    applied(res, await s.windows.setCouplesPerWindow(office, parsed.data.couplesPerWindow, me(req)));
    res.redirect(303, `/staff/offices/${office._id}/windows`);
  });

  router.post('/offices/:officeId/windows/:windowId', planners, async (req, res) => {
    const office = await officeOf(req, container.services);
    const parsed = parseForm(req, windowUpdateSchema);
    try {
      if (!parsed.ok) {
        res.flash('error', 'error.invalid');
      } else {
        const { open, ...rest } = parsed.data;
        applied(
          res,
          await s.windows.update(
            office,
            String(req.params.windowId),
            { ...rest, ...(open ? { open: open === 'yes' } : {}) },
            me(req),
          ),
        );
      }
    } catch (err) {
      if (!isFormError(err)) throw err;
      res.flash('error', err.messageKey, err.params);
    }
    res.redirect(303, `/staff/offices/${office._id}/windows`);
  });

  router.post('/offices/:officeId/windows/:windowId/delete', planners, async (req, res) => {
    const office = await officeOf(req, container.services);
    try {
      applied(res, await s.windows.remove(office, String(req.params.windowId), me(req)));
    } catch (err) {
      if (!isFormError(err)) throw err;
      res.flash('error', err.messageKey, err.params);
    }
    res.redirect(303, `/staff/offices/${office._id}/windows`);
  });

  return router;
}
