// Running the day: the roster by window and slot (with search and a CSV export), the
// appointment page with check-in / served / no-show / undo, and walk-in bookings.
import { randomBytes } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import type { Container } from '../../../container.ts';
import { isLocalDate } from '../../../domain/local-time.ts';
import { translate, translator } from '../../../i18n/translate.ts';
import { AppError } from '../../../services/errors.ts';
import type { OfficeRecord } from '../../../services/schedule-service.ts';
import { rosterCsv, windowLabel } from '../../../services/staff/roster-csv.ts';
import { assertOffice, requireStaff } from '../../middleware/staff-auth.ts';
import { rosterQuerySchema, walkInSchema } from '../../schemas/staff-roster.schema.ts';
import {
  backTo,
  fieldsOf,
  isFormError,
  me,
  officeOf,
  parseForm,
  renderStaff,
  statusOfFormError,
} from './support.ts';

const ACTIONS = {
  'check-in': { run: 'checkIn', flash: 'staff.checked_in' },
  serve: { run: 'serve', flash: 'staff.served' },
  'no-show': { run: 'markNoShow', flash: 'staff.marked_no_show' },
  undo: { run: 'undo', flash: 'staff.undone' },
} as const;

export function dayRoutes(container: Container): Router {
  const router = Router();
  const { staff: s, schedule, booking, dayOps, audit } = container.services;
  const registrars = requireStaff('admin', 'registrar');
  const anyStaff = requireStaff();
  const t = (req: Request, key: string, params?: Record<string, string | number>) =>
    translate(req.locale, key, params);

  function dateOf(req: Request, office: OfficeRecord): string {
    const d = req.query.date;
    return typeof d === 'string' && isLocalDate(d) ? d : schedule.today(office);
  }

  router.get('/offices/:officeId/roster', anyStaff, async (req, res) => {
    const office = await officeOf(req, container.services);
    const parsed = parseForm(req, rosterQuerySchema, 'query');
    const query = parsed.ok ? parsed.data : {};
    const date = query.date && isLocalDate(query.date) ? query.date : schedule.today(office);
    const roster = await s.roster.day(office, date, query.q ?? '');
    const tr = translator(req.locale);
    renderStaff(res, 'staff/roster', {
      title: t(req, 'staff.roster.title'),
      office,
      roster,
      date,
      today: schedule.today(office),
      q: query.q ?? '',
      windowFilter: query.window,
      windowNames: roster.windows.map((w) => windowLabel(w, tr)),
      canAct: me(req).role !== 'coordinator',
      nowMs: container.clock().getTime(),
    });
  });

  router.get('/offices/:officeId/roster.csv', anyStaff, async (req, res) => {
    const office = await officeOf(req, container.services);
    const date = dateOf(req, office);
    const roster = await s.roster.day(office, date);
    res.type('text/csv; charset=utf-8');
    res.set('Content-Disposition', `attachment; filename="roster-${office.slug}-${date}.csv"`);
    res.send(rosterCsv(roster, office.timezone, translator(req.locale)));
  });

  async function appointmentInScope(req: Request) {
    const appointment = await s.roster.appointment(String(req.params.id));
    assertOffice(req, appointment.office);
    return appointment;
  }

  router.get('/appointments/:id', anyStaff, async (req, res) => {
    const appointment = await appointmentInScope(req);
    const office = await s.offices.get(appointment.office.toString());
    const entries = await audit.forTarget(`appointment:${appointment._id}`);
    renderStaff(res, 'staff/appointment', {
      title: t(req, 'staff.appointment.title', { reference: appointment.reference }),
      office,
      appointment,
      entries,
      today: schedule.today(office),
      canAct: me(req).role !== 'coordinator',
      // Phone numbers are shown in full only to those who call couples (window staff).
      showPhones: me(req).role !== 'coordinator',
    });
  });

  for (const [path, action] of Object.entries(ACTIONS)) {
    router.post(`/appointments/:id/${path}`, registrars, async (req, res) => {
      const appointment = await appointmentInScope(req);
      try {
        const updated = await dayOps[action.run](appointment._id, me(req).id);
        res.flash('success', action.flash, { reference: updated.reference });
      } catch (err) {
        if (!isFormError(err)) throw err;
        res.flash('error', err.messageKey, err.params);
      }
      res.redirect(303, backTo(req, `/staff/offices/${appointment.office}/roster?date=${appointment.date}`));
    });
  }

  // ---- walk-in and phone bookings ----

  async function walkInPage(
    req: Request,
    res: Response,
    office: OfficeRecord,
    date: string,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const [found] = await schedule.availability(office, date, date);
    // A slot that has begun cannot be booked any more (the booking service refuses it).
    const now = container.clock();
    const day = found && { ...found, slots: found.slots.filter((slot) => slot.startsAt > now) };
    renderStaff(
      res,
      'staff/walk-in',
      {
        title: t(req, 'staff.walkin.title'),
        office,
        date,
        day,
        idempotencyKey: randomBytes(18).toString('base64url'),
        values: {
          start: typeof req.query.start === 'string' ? req.query.start : '',
          language: 'zh-CN',
          partners: [{ idType: 'resident_id' }, { idType: 'resident_id' }],
        },
        ...extra,
      },
      status,
    );
  }

  router.get('/offices/:officeId/walk-in', registrars, async (req, res) => {
    const office = await officeOf(req, container.services);
    await walkInPage(req, res, office, dateOf(req, office));
  });

  router.post('/offices/:officeId/walk-in', registrars, async (req, res) => {
    const office = await officeOf(req, container.services);
    const date = dateOf(req, office);
    const keep = {
      values: req.body,
      idempotencyKey: req.body?.idempotencyKey || randomBytes(18).toString('base64url'),
    };
    const parsed = parseForm(req, walkInSchema);
    if (!parsed.ok)
      return walkInPage(
        req,
        res,
        office,
        date,
        { ...keep, fields: parsed.fields, formError: parsed.message },
        422,
      );
    const form = parsed.data;
    try {
      const result = await booking.book({
        officeId: office._id.toString(),
        date,
        start: form.start,
        partners: form.partners,
        email: form.email ?? '',
        language: form.language,
        ...(form.idempotencyKey ? { idempotencyKey: form.idempotencyKey } : {}),
        channel: 'staff',
        allowOverbook: form.confirmOverbook === 'yes',
        actor: me(req).id,
      });
      const a = result.appointment;
      if (result.created) {
        await audit.record({
          actor: me(req),
          action: a.overbooked ? 'appointment.overbook' : 'appointment.walk_in',
          target: { kind: 'appointment', id: a._id.toString(), label: a.reference },
          after: { date: a.date, start: a.start, overbooked: a.overbooked, channel: 'staff' },
          officeId: office._id,
        });
      }
      res.flash('success', 'staff.walkin_booked', { reference: a.reference });
      res.redirect(303, `/staff/appointments/${a._id}`);
    } catch (err) {
      // Booking rules (ID, age, one booking per person, full slot) answer on the form.
      if (!(err instanceof AppError)) throw err;
      if (err.code !== 'booking_not_open' && !isFormError(err)) throw err;
      const full = err.code === 'slot_full';
      return walkInPage(
        req,
        res,
        office,
        date,
        {
          ...keep,
          fields: fieldsOf(req, err),
          formError: t(req, full ? 'staff.walkin_full' : err.messageKey, err.params),
          needsOverbook: full,
        },
        statusOfFormError(err),
      );
    }
  });

  return router;
}
