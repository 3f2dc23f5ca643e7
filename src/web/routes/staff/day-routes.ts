// Running the day: the roster by window and slot (with search and a CSV export), and the
// appointment page; its buttons (check-in / served / no-show / undo) are row-action-routes.ts's.
import { type Request, Router } from 'express';
import type { Container } from '../../../container.ts';
import { isLocalDate } from '../../../domain/local-time.ts';
import { formatDate } from '../../../i18n/format.ts';
import { translate, translator } from '../../../i18n/translate.ts';
import type { OfficeRecord } from '../../../services/schedule-service.ts';
import { rosterCsv, windowLabel } from '../../../services/staff/roster-csv.ts';
import { requireStaff } from '../../middleware/staff-auth.ts';
import { query } from '../../route.ts';
import { rosterQuerySchema } from '../../schemas/staff-roster.schema.ts';
import { rowActionRoutes } from './row-action-routes.ts';
import { appointmentInScope as inScope, me, officeOf, renderStaff } from './support.ts';

/** The ?date= of the URL, else the office's today. */
export function dateOf(c: Container, req: Request, office: OfficeRecord): string {
  const d = req.query.date;
  return typeof d === 'string' && isLocalDate(d) ? d : c.services.schedule.today(office);
}

export function dayRoutes(c: Container): Router {
  const router = Router();
  const { staff: s, schedule, audit } = c.services;
  const anyStaff = requireStaff();

  const appointmentInScope = (req: Request) => inScope(req, c);

  router.get('/offices/:officeId/roster', anyStaff, async (req, res) => {
    const office = await officeOf(req, c);
    const q = query(req, rosterQuerySchema, {});
    const today = schedule.today(office);
    const date = q.date && isLocalDate(q.date) ? q.date : today;
    const roster = await s.roster.day(office, date, q.q ?? '');
    const t = translator(req.locale);
    renderStaff(res, 'staff/roster', {
      // The day in the title: two rosters open side by side are told apart by their tabs.
      title: `${t('staff.roster.title')} ${formatDate(date, req.locale)}`,
      office,
      roster,
      date,
      today,
      q: q.q ?? '',
      windowFilter: q.window,
      windowNames: roster.windows.map((w) => windowLabel(w, t)),
      canAct: me(req).role !== 'coordinator',
      nowMs: c.clock().getTime(),
    });
  });
  router.get('/offices/:officeId/roster.csv', anyStaff, async (req, res) => {
    const office = await officeOf(req, c);
    const date = dateOf(c, req, office);
    const roster = await s.roster.day(office, date);
    res.type('text/csv; charset=utf-8');
    res.set('Content-Disposition', `attachment; filename="roster-${office.slug}-${date}.csv"`);
    res.send(rosterCsv(roster, office.timezone, translator(req.locale)));
  });
  router.get('/appointments/:id', anyStaff, async (req, res) => {
    const appointment = await appointmentInScope(req);
    const office = await s.offices.get(appointment.office.toString());
    renderStaff(res, 'staff/appointment', {
      title: translate(req.locale, 'staff.appointment.title', { reference: appointment.reference }),
      office,
      appointment,
      entries: await audit.forTarget(`appointment:${appointment._id}`),
      today: schedule.today(office),
      canAct: me(req).role !== 'coordinator',
      // Phone numbers are shown in full only to those who call couples (window staff).
      showPhones: me(req).role !== 'coordinator',
      nowMs: c.clock().getTime(),
    });
  });
  rowActionRoutes(c, router, appointmentInScope);
  return router;
}
