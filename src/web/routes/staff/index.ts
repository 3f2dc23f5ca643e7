// The staff console, mounted at /staff: the staff pages of every area (offices, windows,
// plans, the day, accounts, audit, ceremonies, lottery, outbox). It applies the staff session
// and puts the signed-in member of staff on req.staff for every /staff/* request; each page
// guards itself with requireStaff(...roles).
import { Router } from 'express';
import type { Container } from '../../../container.ts';
import { verifyingSecrets } from '../../../lib/secret-keys.ts';
import { loadStaff, STAFF_IDLE_MINUTES, staffSession } from '../../middleware/staff-auth.ts';
import { accountRoutes } from './account-routes.ts';
import { auditRoutes } from './audit-routes.ts';
import { authRoutes } from './auth-routes.ts';
import { ceremonyRoutes } from './ceremony-routes.ts';
import { closureRoutes } from './closure-routes.ts';
import { dashboardRoutes } from './dashboard-routes.ts';
import { dayPlanRoutes } from './day-plan-routes.ts';
import { dayRoutes } from './day-routes.ts';
import { deskRoutes } from './desk-routes.ts';
import { holidayImportRoutes } from './holiday-import-routes.ts';
import { lotteryRoutes } from './lottery-routes.ts';
import { officeRoutes } from './office-routes.ts';
import { outboxRoutes } from './outbox-routes.ts';
import { peakDayRoutes } from './peak-day-routes.ts';
import { retentionRoutes } from './retention-routes.ts';
import { templateRoutes } from './template-routes.ts';
import { verifiedPhoneRoutes } from './verified-phone-routes.ts';
import { walkInRoutes } from './walk-in-routes.ts';
import { windowRoutes } from './window-routes.ts';

export function staffRoutes(container: Container): Router {
  const router = Router();
  const { config, clock } = container;

  router.use(
    staffSession({
      secrets: verifyingSecrets(container),
      secure: config.cookieSecure,
      store: container.sessionStore(STAFF_IDLE_MINUTES * 60),
    }),
  );
  router.use(loadStaff({ load: container.services.staff.auth.loadPrincipal, clock }));
  router.use((_req, res, next) => {
    // Pages with personal data and one-time links: never kept by a browser or proxy cache.
    res.set('Cache-Control', 'no-store');
    res.locals.bodyClass = 'staff';
    next();
  });

  router.use(authRoutes(container));
  router.use(dashboardRoutes(container));
  router.use(officeRoutes(container));
  router.use(windowRoutes(container));
  router.use(dayPlanRoutes(container));
  router.use(verifiedPhoneRoutes(container));
  router.use(closureRoutes(container));
  router.use(templateRoutes(container));
  router.use(holidayImportRoutes(container));
  router.use(peakDayRoutes(container));
  router.use(dayRoutes(container));
  router.use(deskRoutes(container));
  router.use(walkInRoutes(container));
  router.use(accountRoutes(container));
  router.use(auditRoutes(container));
  router.use('/ceremonies', ceremonyRoutes(container));
  router.use('/lottery', lotteryRoutes(container));
  router.use('/outbox', outboxRoutes(container));
  router.use(retentionRoutes(container));
  return router;
}
