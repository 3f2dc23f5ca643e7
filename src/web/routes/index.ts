// Every area of the application, mounted in one place and in one way. The JSON API's areas
// add their routes to the API's own router (one router, no nested mount points, so a rush of
// bookings is not matched against a path twice); the pages' areas are routers of their own.
// A new area is a folder beside these, with its routes, and one line here.
import type { Router } from 'express';
import type { Container } from '../../container.ts';
import { bookingApiRoutes } from './booking/api-routes.ts';
import { bookRoutes } from './booking/book-routes.ts';
import { manageRoutes } from './booking/manage-routes.ts';
import { publicRoutes } from './booking/public-routes.ts';
import { ceremonyApiRoutes } from './ceremonies/api-routes.ts';
import { ceremonyCoupleRoutes } from './ceremonies/couple-routes.ts';
import { lotteryApiRoutes } from './lottery/api-routes.ts';
import { lotteryPublicRoutes } from './lottery/public-routes.ts';
import { staffRoutes } from './staff/index.ts';
import { verificationApiRoutes } from './verification/api-routes.ts';
import { verificationPageRoutes } from './verification/page-routes.ts';

/** The JSON API (mounted at /api/v1; docs/api.md): bookings, ceremonies, lottery applications. */
export function mountApi(api: Router, c: Container): void {
  bookingApiRoutes(api, c);
  ceremonyApiRoutes(api, c);
  lotteryApiRoutes(api, c);
  verificationApiRoutes(api, c);
}

/** The pages: the couple's booking journey, ceremonies, the lottery, and the staff console. */
export function mountPages(app: Router, c: Container): void {
  app.use(publicRoutes(c));
  app.use(bookRoutes(c));
  app.use(manageRoutes(c));
  app.use('/booking/:token/ceremony', ceremonyCoupleRoutes(c));
  app.use(lotteryPublicRoutes(c));
  app.use(verificationPageRoutes(c));
  app.use('/staff', staffRoutes(c));
}

/** What the application mounts; tests may mount more after it (a probe, a failing route). */
export interface AppRoutes {
  api(api: Router, c: Container): void;
  pages(app: Router, c: Container): void;
}

export const appRoutes: AppRoutes = { api: mountApi, pages: mountPages };
