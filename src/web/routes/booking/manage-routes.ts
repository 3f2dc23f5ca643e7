import { type Response, Router } from 'express';
import { DateTime } from 'luxon';
import type { Container } from '../../../container.ts';
import type { AppointmentRecord } from '../../../services/booking/booking-service.ts';
import { appointmentIcs } from '../../../services/calendar-file.ts';
import { AppError } from '../../../services/errors.ts';
import { ACCESS_COOKIE, appointmentAccess, BY_LOOKUP } from '../../middleware/appointment-access.ts';
import { formEcho, validate } from '../../middleware/validate.ts';
import { localDate, lookupSchema, moveSchema } from '../../schemas/booking.schema.ts';
import { formatDate } from '../../view-helpers.ts';

/**
 * The couple's booking after it is made: confirmation, manage page, calendar file, cancel
 * and move. Reached by the private link (/booking/<token>) or, after a look-up by reference
 * and phone digits, by a short-lived signed cookie (/booking/r).
 */
export function manageRoutes(c: Container): Router {
  const router = Router();
  const { services, config, limits } = c;
  const { booking, schedule } = services;

  const resolve = appointmentAccess(services);

  async function page(res: Response, view: string, extra: Record<string, unknown> = {}, status = 200) {
    const appointment = res.locals.appointment;
    const office = await schedule.getOffice(appointment.office.toString());
    const day = await schedule.daySchedule(office, appointment.date);
    const ceremony = await services.ceremonies.forAppointment(appointment);
    res.renderPage(view, { office, appointment, dayMessage: day.plan?.message, ceremony, ...extra }, status);
  }

  router.get('/lookup', (_req, res) => {
    res.renderPage('public/lookup', {});
  });

  router.post('/lookup', async (req, res) => {
    const parsed = lookupSchema.safeParse(req.body);
    try {
      if (!parsed.success) throw new AppError('not_found', 'booking.lookup_failed');
      const { reference, phoneLast4 } = parsed.data;
      const found = await limits.lookups.byDigits(req, reference, () =>
        booking.findByReference(reference, phoneLast4),
      );
      res.cookie(ACCESS_COOKIE, found._id.toString(), {
        signed: true,
        httpOnly: true,
        sameSite: 'lax',
        secure: config.cookieSecure,
        maxAge: 30 * 60_000,
        path: '/booking',
      });
      res.redirect(303, `/booking/${BY_LOOKUP}`);
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'not_found' && err.code !== 'rate_limited')) throw err;
      if (err.code === 'rate_limited') res.set('Retry-After', String(err.params.seconds ?? 60));
      res.renderPage(
        'public/lookup',
        { values: formEcho(req.body), formError: res.locals.t(err.messageKey, err.params) },
        err.code === 'rate_limited' ? 429 : 404,
      );
    }
  });

  router.get('/booking/:token/confirmation', resolve, async (_req, res) => {
    await page(res, 'public/confirmation', { manageUrl: `${config.baseUrl}${res.locals.manageBase}` });
  });

  router.get('/booking/:token', resolve, async (_req, res) => {
    await page(res, 'public/manage');
  });

  router.get('/booking/:token/calendar.ics', resolve, async (req, res) => {
    const appointment = res.locals.appointment;
    const office = await schedule.getOffice(appointment.office.toString());
    const ics = appointmentIcs({
      appointment,
      office,
      locale: req.locale,
      uidDomain: new URL(config.baseUrl).hostname,
      manageUrl: `${config.baseUrl}${res.locals.manageBase}`,
    });
    res.type('text/calendar; charset=utf-8');
    res.set('Content-Disposition', `attachment; filename="${appointment.reference}.ics"`);
    res.send(ics);
  });

  router.post('/booking/:token/cancel', resolve, async (_req, res) => {
    await booking.cancel(res.locals.appointment._id, 'couple');
    res.flash('success', 'manage.cancelled');
    res.redirect(303, res.locals.manageBase);
  });

  router.get('/booking/:token/move', resolve, async (req, res) => {
    const appointment = res.locals.appointment;
    const office = await schedule.getOffice(appointment.office.toString());
    const today = schedule.today(office);
    const chosen = localDate.safeParse(req.query.date);
    const date = chosen.success ? chosen.data : appointment.date;
    const horizon = DateTime.fromISO(today)
      .plus({ days: Math.max(office.bookingRules.daysAhead, 1) })
      .toISODate()!;
    const days = (await schedule.availability(office, today, horizon)).filter(
      (d) => d.status === 'open' || d.status === 'few_left' || d.date === date,
    );
    const [day] = await schedule.availability(office, date, date);
    await page(res, 'public/move', { days, day, date });
  });

  router.post('/booking/:token/move', resolve, validate(moveSchema), async (req, res) => {
    const target = req.valid as { date: string; start: string };
    let moved: AppointmentRecord;
    try {
      moved = await booking.move(res.locals.appointment._id, target);
    } catch (err) {
      // A full or invalid target changes nothing: say why on the move page.
      if (!(err instanceof AppError) || err.code === 'unavailable') throw err;
      res.flash('error', err.messageKey, err.params);
      return res.redirect(303, `${res.locals.manageBase}/move?date=${target.date}`);
    }
    res.flash('success', 'manage.moved', { date: formatDate(moved.date, req.locale), start: moved.start });
    res.redirect(303, res.locals.manageBase);
  });

  return router;
}
