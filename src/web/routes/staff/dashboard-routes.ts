// The console's front page, and the navigation's shortcuts to the current office's pages.
import { type Request, Router } from 'express';
import type { Container } from '../../../container.ts';
import { translate } from '../../../i18n/translate.ts';
import { AppError } from '../../../services/errors.ts';
import { canAccessOffice, requireStaff } from '../../middleware/staff-auth.ts';
import { chartModel } from './chart-model.ts';
import { me, renderStaff } from './support.ts';

export function dashboardRoutes(container: Container): Router {
  const router = Router();
  const { staff: s } = container.services;

  /** The office asked for, else the last one worked on, else the first in scope. */
  async function currentOffice(req: Request, asked?: unknown) {
    const offices = await s.offices.listFor(me(req));
    const wanted = typeof asked === 'string' && asked ? asked : req.session?.officeId;
    if (typeof asked === 'string' && asked && !canAccessOffice(req.staff, asked)) {
      throw new AppError('forbidden', 'error.forbidden');
    }
    const office = offices.find((o) => o._id.toString() === wanted) ?? offices[0];
    return { offices, office };
  }

  router.get('/', requireStaff(), async (req, res) => {
    const { offices, office } = await currentOffice(req, req.query.office);
    if (office && req.session.officeId !== office._id.toString())
      req.session.officeId = office._id.toString();
    const dashboard = office ? await s.dashboard.forOffice(office) : null;
    renderStaff(res, 'staff/dashboard', {
      title: translate(req.locale, 'staff.dashboard.title'),
      offices,
      office,
      dashboard,
      chart: dashboard ? chartModel(dashboard.days) : null,
    });
  });

  // Shortcuts for the navigation: the current office's roster and planning pages.
  for (const [path, page, guard] of [
    ['/roster', 'roster', requireStaff()],
    ['/planning', 'plans', requireStaff('admin', 'registrar')],
  ] as const) {
    router.get(path, guard, async (req, res) => {
      const { office } = await currentOffice(req);
      if (!office) throw new AppError('not_found', 'staff.no_office');
      res.redirect(303, `/staff/offices/${office._id}/${page}`);
    });
  }

  return router;
}
