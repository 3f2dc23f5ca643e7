// The staff console, mounted at /staff before any other router under /staff. It applies
// the staff session and puts the signed-in member of staff on req.staff for every /staff/*
// request, then serves its own pages; any other path falls through (next) to the routers
// mounted after it (ceremonies, outbox, lottery), which guard themselves with requireStaff.
import { Router } from 'express';
import { DateTime } from 'luxon';
import type { Container } from '../../../container.ts';
import { loadStaff, STAFF_IDLE_MINUTES, staffSession } from '../../middleware/staff-auth.ts';
import { accountRoutes } from './account-routes.ts';
import { auditRoutes } from './audit-routes.ts';
import { authRoutes } from './auth-routes.ts';
import { dashboardRoutes } from './dashboard-routes.ts';
import { dayRoutes } from './day-routes.ts';
import { officeRoutes } from './office-routes.ts';
import { planRoutes } from './plan-routes.ts';
import { windowRoutes } from './window-routes.ts';

export function staffRouter(container: Container): Router {
  const router = Router();
  const { config, secret, clock } = container;
  const { staff } = container.services;

  router.use(
    staffSession({
      secret,
      secure: config.cookieSecure,
      store: staff.sessionStore(STAFF_IDLE_MINUTES * 60),
    }),
  );
  router.use(loadStaff({ load: staff.auth.loadPrincipal, clock }));
  router.use((_req, res, next) => {
    // Pages with personal data and one-time links: never kept by a browser or proxy cache.
    res.set('Cache-Control', 'no-store');
    res.locals.bodyClass = 'staff';
    res.locals.hhmm = (at: Date | string, zone: string) =>
      DateTime.fromJSDate(new Date(at), { zone }).toFormat('HH:mm');
    next();
  });

  router.use(authRoutes(container));
  router.use(dashboardRoutes(container));
  router.use(officeRoutes(container));
  router.use(windowRoutes(container));
  router.use(planRoutes(container));
  router.use(dayRoutes(container));
  router.use(accountRoutes(container));
  router.use(auditRoutes(container));
  return router;
}
