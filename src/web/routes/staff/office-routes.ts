// Offices: the list in scope, an office's details, zone, documents and booking rules
// (administrators edit; others may read), and creating an office.
import { type Request, type Response, Router } from 'express';
import type { Container } from '../../../container.ts';
import { translate } from '../../../i18n/translate.ts';
import { AppError } from '../../../services/errors.ts';
import type { OfficeRecord } from '../../../services/schedule-service.ts';
import { isGlobalAdmin } from '../../../services/staff/principal.ts';
import { requireStaff } from '../../middleware/staff-auth.ts';
import {
  newOfficeSchema,
  officeDetailsSchema,
  officeRulesSchema,
} from '../../schemas/staff-office.schema.ts';
import { fieldsOf, isFormError, me, officeOf, parseForm, renderStaff, statusOfFormError } from './support.ts';

const ZONES = ['Asia/Shanghai', 'Asia/Urumqi', 'Asia/Hong_Kong', 'Asia/Macau', 'Asia/Taipei'];

export function officeRoutes(container: Container): Router {
  const router = Router();
  const { staff: s } = container.services;

  router.get('/offices', requireStaff(), async (req, res) => {
    renderStaff(res, 'staff/offices', {
      title: translate(req.locale, 'staff.offices.title'),
      offices: await s.offices.listFor(me(req)),
      canCreate: isGlobalAdmin(me(req)),
    });
  });

  function newPage(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
    renderStaff(
      res,
      'staff/office-new',
      { title: translate(req.locale, 'staff.offices.new'), zones: ZONES, ...extra },
      status,
    );
  }

  /** Only an administrator of every office creates offices (a scoped one would not see it). */
  function assertGlobalAdmin(req: Request) {
    if (!isGlobalAdmin(me(req))) throw new AppError('forbidden', 'error.forbidden');
  }

  router.get('/offices/new', requireStaff('admin'), (req, res) => {
    assertGlobalAdmin(req);
    newPage(req, res, { values: { timezone: 'Asia/Shanghai' } });
  });

  router.post('/offices', requireStaff('admin'), async (req, res) => {
    assertGlobalAdmin(req);
    const parsed = parseForm(req, newOfficeSchema);
    if (!parsed.ok)
      return newPage(req, res, { values: req.body, fields: parsed.fields, formError: parsed.message }, 422);
    try {
      const office = await s.offices.create(parsed.data, me(req));
      res.flash('success', 'staff.office_created');
      res.redirect(303, `/staff/offices/${office._id}`);
    } catch (err) {
      if (!isFormError(err)) throw err;
      newPage(
        req,
        res,
        { values: req.body, fields: fieldsOf(req, err), formError: translate(req.locale, err.messageKey) },
        statusOfFormError(err),
      );
    }
  });

  function officePage(
    req: Request,
    res: Response,
    office: OfficeRecord,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    renderStaff(
      res,
      'staff/office',
      {
        title: translate(req.locale, 'staff.office.title'),
        office,
        zones: ZONES.includes(office.timezone) ? ZONES : [office.timezone, ...ZONES],
        canEdit: me(req).role === 'admin',
        ...extra,
      },
      status,
    );
  }

  router.get('/offices/:officeId', requireStaff(), async (req, res) => {
    officePage(req, res, await officeOf(req, container.services));
  });

  router.post('/offices/:officeId/details', requireStaff('admin'), async (req, res) => {
    const office = await officeOf(req, container.services);
    const parsed = parseForm(req, officeDetailsSchema);
    const bad = (fields: Record<string, string>, message: string, status: number) =>
      officePage(
        req,
        res,
        office,
        { detailsValues: req.body, detailsFields: fields, detailsError: message },
        status,
      );
    if (!parsed.ok) return bad(parsed.fields, parsed.message, 422);
    try {
      await s.offices.updateDetails(office._id.toString(), parsed.data, me(req));
    } catch (err) {
      if (!isFormError(err)) throw err;
      return bad(fieldsOf(req, err), translate(req.locale, err.messageKey), statusOfFormError(err));
    }
    res.flash('success', 'flash.saved');
    res.redirect(303, `/staff/offices/${office._id}`);
  });

  router.post('/offices/:officeId/rules', requireStaff('admin'), async (req, res) => {
    const office = await officeOf(req, container.services);
    const parsed = parseForm(req, officeRulesSchema);
    if (!parsed.ok) {
      return officePage(
        req,
        res,
        office,
        { rulesValues: req.body, rulesFields: parsed.fields, rulesError: parsed.message },
        422,
      );
    }
    const r = parsed.data;
    await s.offices.updateRules(
      office._id.toString(),
      {
        bookingRules: {
          daysAhead: r.daysAhead,
          cutoffDaysBefore: r.cutoffDaysBefore,
          cutoffTime: r.cutoffTime,
          openTime: r.openTime,
        },
        eligibility: { minAgeMale: r.minAgeMale, minAgeFemale: r.minAgeFemale },
        noShowPolicy: { maxNoShows: r.maxNoShows, withinDays: r.withinDays, blockDays: r.blockDays },
        ceremonyBufferMinutes: r.ceremonyBufferMinutes,
      },
      me(req),
    );
    res.flash('success', 'flash.saved');
    res.redirect(303, `/staff/offices/${office._id}`);
  });

  return router;
}
