// The buttons of a roster row (check-in, served, no-show, undo). Each comes back to its own
// row: the redirect names the row's anchor (#appt-<id>), so a registrar on a long peak-day
// roster is not sent back to the top (public/js/staff.js updates the row in place instead).
// A no-show is marked only with its confirmation; without one the button asks, on a page.
import type { Request, Router } from 'express';
import type { Container } from '../../../container.ts';
import type { AppointmentRecord } from '../../../services/booking/booking-service.ts';
import { requireStaff } from '../../middleware/staff-auth.ts';
import { action } from '../../route.ts';
import { rosterActionSchema } from '../../schemas/staff-roster.schema.ts';
import { backTo, consolePath, me, renderStaff } from './support.ts';

const ACTIONS = {
  'check-in': { run: 'checkIn', flash: 'staff.checked_in' },
  serve: { run: 'serve', flash: 'staff.served' },
  'no-show': { run: 'markNoShow', flash: 'staff.marked_no_show' },
  undo: { run: 'undo', flash: 'staff.undone' },
} as const;

const rosterOf = (a: AppointmentRecord) => `/staff/offices/${a.office}/roster?date=${a.date}`;

/** The page to land on: a roster lands on the appointment's row. */
export function backToRow(back: string, a: Pick<AppointmentRecord, '_id'>): string {
  const [path = back] = back.split('#');
  return /\/roster(\?|$)/.test(path) ? `${path}#appt-${a._id}` : path;
}

export function rowActionRoutes(
  c: Container,
  router: Router,
  appointmentInScope: (req: Request) => Promise<AppointmentRecord>,
) {
  const registrars = requireStaff('admin', 'registrar');
  router.get('/appointments/:id/no-show', registrars, async (req, res) => {
    const appointment = await appointmentInScope(req);
    const back = consolePath(req.query.back, rosterOf(appointment));
    renderStaff(res, 'staff/no-show', {
      title: res.locals.t('staff.no_show.title', { reference: appointment.reference }),
      office: await c.services.staff.offices.get(appointment.office.toString()),
      appointment,
      back,
      backToRow: backToRow(back, appointment),
    });
  });
  for (const [path, step] of Object.entries(ACTIONS)) {
    router.post(
      `/appointments/:id/${path}`,
      registrars,
      action({
        load: appointmentInScope,
        schema: rosterActionSchema,
        run: async (input, req, res, appointment) => {
          if (path === 'no-show' && input.confirm !== 'yes') {
            const back = encodeURIComponent(backTo(req, rosterOf(appointment)));
            return `/staff/appointments/${appointment._id}/no-show?back=${back}`;
          }
          const updated = await c.services.dayOps[step.run](appointment._id, me(req).id);
          res.flash('success', step.flash, { reference: updated.reference });
        },
        back: (req, _res, a) => backToRow(backTo(req, rosterOf(a)), a),
      }),
    );
  }
}
