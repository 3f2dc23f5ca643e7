// Offices: the list in scope, an office's details, zone, documents and booking rules
// (administrators edit; others may read), and creating an office.
import { type Request, type Response, Router } from 'express';
import type { Container } from '../../../container.ts';
import { translate } from '../../../i18n/translate.ts';
import { AppError } from '../../../services/errors.ts';
import type { OfficeRecord } from '../../../services/schedule-service.ts';
import { isGlobalAdmin } from '../../../services/staff/principal.ts';
import { requireStaff } from '../../middleware/staff-auth.ts';
import { form } from '../../route.ts';
import {
  newOfficeSchema,
  type OfficeRulesForm,
  officeDetailsSchema,
  officeRulesSchema,
} from '../../schemas/staff-office.schema.ts';
import { me, officeOf, refusedForm, renderStaff } from './support.ts';

const ZONES = ['Asia/Shanghai', 'Asia/Urumqi', 'Asia/Hong_Kong', 'Asia/Macau', 'Asia/Taipei'];

/** Only an administrator of every office creates offices (a scoped one would not see it). */
function assertGlobalAdmin(req: Request) {
  if (!isGlobalAdmin(me(req))) throw new AppError('forbidden', 'error.forbidden');
}

export function officeRoutes(c: Container): Router {
  const router = Router();
  const s = c.services.staff;
  const admins = requireStaff('admin');
  const office = (req: Request) => officeOf(req, c);
  const saved = (req: Request, res: Response) => {
    res.flash('success', 'flash.saved');
    res.redirect(303, `/staff/offices/${req.params.officeId}`);
  };

  router.get('/offices', requireStaff(), async (req, res) => {
    renderStaff(res, 'staff/offices', {
      title: translate(req.locale, 'staff.offices.title'),
      offices: await s.offices.listFor(me(req)),
      canCreate: isGlobalAdmin(me(req)),
    });
  });
  router.get('/offices/new', admins, (req, res) => {
    assertGlobalAdmin(req);
    newOfficePage(req, res, { values: { timezone: 'Asia/Shanghai' } });
  });
  router.post(
    '/offices',
    admins,
    form({
      schema: newOfficeSchema,
      load: assertGlobalAdmin,
      show: (req, res, refused) => newOfficePage(req, res, refusedForm(refused), refused.status),
      run: async (input, req, res) => {
        const created = await s.offices.create(input, me(req));
        res.flash('success', 'staff.office_created');
        res.redirect(303, `/staff/offices/${created._id}`);
      },
    }),
  );
  router.get('/offices/:officeId', requireStaff(), async (req, res) => {
    officePage(req, res, await office(req));
  });
  router.post(
    '/offices/:officeId/details',
    admins,
    form({
      schema: officeDetailsSchema,
      load: office,
      show: (req, res, refused) =>
        officePage(req, res, refused.ctx, refusedForm(refused, 'details'), refused.status),
      run: async (input, req, res, at) => {
        await s.offices.updateDetails(at._id.toString(), input, me(req));
        saved(req, res);
      },
    }),
  );
  router.post(
    '/offices/:officeId/rules',
    admins,
    form({
      schema: officeRulesSchema,
      load: office,
      show: (req, res, refused) =>
        officePage(req, res, refused.ctx, refusedForm(refused, 'rules'), refused.status),
      run: async (input, req, res, at) => {
        await s.offices.updateRules(at._id.toString(), rulesOf(input), me(req));
        saved(req, res);
      },
    }),
  );
  return router;
}

function rulesOf(r: OfficeRulesForm) {
  return {
    bookingRules: {
      daysAhead: r.daysAhead,
      cutoffDaysBefore: r.cutoffDaysBefore,
      cutoffTime: r.cutoffTime,
      openTime: r.openTime,
    },
    eligibility: { minAgeMale: r.minAgeMale, minAgeFemale: r.minAgeFemale },
    noShowPolicy: { maxNoShows: r.maxNoShows, withinDays: r.withinDays, blockDays: r.blockDays },
    ceremonyBufferMinutes: r.ceremonyBufferMinutes,
  };
}

function newOfficePage(req: Request, res: Response, extra: object = {}, status = 200) {
  renderStaff(
    res,
    'staff/office-new',
    { title: translate(req.locale, 'staff.offices.new'), zones: ZONES, ...extra },
    status,
  );
}

function officePage(req: Request, res: Response, office: OfficeRecord, extra: object = {}, status = 200) {
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
