// Routers of the features beside the booking journey, mounted by the app under their paths.
import type { Router } from 'express';
import type { Container } from '../container.ts';
import { ceremonyApiRouter } from './routes/ceremony-api.ts';
import { ceremonyCoupleRouter } from './routes/ceremony-couple.ts';
import { ceremonyStaffRouter } from './routes/ceremony-staff.ts';
import { lotteryApiRouter } from './routes/lottery-api.ts';
import { lotteryPublicRouter } from './routes/lottery-public.ts';
import { lotteryStaffRouter } from './routes/lottery-staff.ts';
import { staffRouter } from './routes/staff/index.ts';
import { staffOutboxRouter } from './routes/staff-outbox.ts';

export function extraRouters(container: Container): { path: string; router: Router }[] {
  const { services, config } = container;
  return [
    // The staff console first: it signs staff in (req.staff) for every /staff/* request.
    { path: '/staff', router: staffRouter(container) },
    // Ceremonies: after the staff router, which signs staff in for every /staff/* request.
    { path: '/staff/ceremonies', router: ceremonyStaffRouter(services) },
    { path: '/booking/:token/ceremony', router: ceremonyCoupleRouter(services) },
    { path: '/api/v1', router: ceremonyApiRouter(services, config) },
    // Peak-day lottery: staff pages (after the staff router), couples' pages, JSON API.
    { path: '/staff/lottery', router: lotteryStaffRouter(services) },
    { path: '/', router: lotteryPublicRouter(services, config) },
    { path: '/api/v1', router: lotteryApiRouter(services, config) },
    // Messages: the development outbox and failed notifications (administrators).
    { path: '/staff/outbox', router: staffOutboxRouter(services) },
  ];
}
