// The couple's booking after it is made: confirmation, manage page, calendar file, cancel
// and move. Reached by the private link (/booking/<token>) or, after a look-up by reference
// and phone digits, by a short-lived signed cookie (/booking/r).
import { type Response, Router } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Container } from '../../../container.ts';
import { formatDate } from '../../../i18n/format.ts';
import { AppError } from '../../../services/errors.ts';
import { appointmentAccess, openFoundBooking } from '../../middleware/appointment-access.ts';
import { action, form, query } from '../../route.ts';
import { lookupSchema, moveFormSchema } from '../../schemas/booking.schema.ts';
import { localDate } from '../../schemas/dates.schema.ts';

export function manageRoutes(c: Container): Router {
  const router = Router();
  const resolve = appointmentAccess(c.services);
  const manageUrl = (res: Response) => `${c.config.baseUrl}${res.locals.manageBase}`;

  router.get('/lookup', (_req, res) =>
    res.renderPage('public/lookup', { title: res.locals.t('manage.lookup_title') }),
  );
  router.post('/lookup', lookup(c));
  router.get('/booking/:token/confirmation', resolve, async (_req, res) => {
    await bookingPage(c, res, 'public/confirmation', {
      manageUrl: manageUrl(res),
      title: res.locals.t('confirm.title'),
    });
  });
  router.get('/booking/:token', resolve, async (_req, res) => {
    await bookingPage(c, res, 'public/manage', { title: res.locals.t('manage.title') });
  });
  router.get('/booking/:token/calendar.ics', resolve, async (req, res) => {
    const { appointment } = res.locals;
    const uidDomain = new URL(c.config.baseUrl).hostname;
    const ics = await c.services.booking.calendarFile(appointment, {
      locale: req.locale,
      uidDomain,
      manageUrl: manageUrl(res),
    });
    res.type('text/calendar; charset=utf-8');
    res.set('Content-Disposition', `attachment; filename="${appointment.reference}.ics"`);
    res.send(ics);
  });
  router.post(
    '/booking/:token/cancel',
    resolve,
    action({
      run: async (_input, _req, res) => {
        await c.services.booking.cancel(res.locals.appointment._id, 'couple');
        res.flash('success', 'manage.cancelled');
      },
      back: (_req, res) => res.locals.manageBase,
    }),
  );
  router.get('/booking/:token/move', resolve, async (req, res) => {
    await movePage(c, res, query(req, moveDateQuery, {}).date ?? res.locals.appointment.date);
  });
  router.post('/booking/:token/move', resolve, move(c));
  // Withdraws a lottery application the couple holds: a winner holding this booking is passed over.
  router.post(
    '/booking/:token/lottery-withdraw',
    resolve,
    action({
      schema: heldReferenceSchema,
      run: async ({ reference }, _req, res) => {
        const partners = res.locals.appointment.partners.map((p) => p.idFingerprint);
        await c.services.lottery.withdrawHeld(partners, reference);
        res.flash('success', 'lottery.withdrawn_flash');
      },
      back: (req, res) =>
        req.body?.back === 'manage' ? res.locals.manageBase : `${res.locals.manageBase}/confirmation`,
      shows: ['not_found'],
    }),
  );
  return router;
}

/** A page about the booking: its office, the day's message, its ceremony. */
async function bookingPage(c: Container, res: Response, view: string, extra: object = {}) {
  const { schedule, ceremonies } = c.services;
  const appointment = res.locals.appointment;
  const office = await schedule.getOffice(appointment.office.toString());
  const day = await schedule.daySchedule(office, appointment.date);
  const fingerprints = appointment.partners.map((p) => p.idFingerprint);
  // Asked together: each is read with the same question of the other pages opened meanwhile.
  const [ceremony, heldLottery] = await Promise.all([
    ceremonies.forAppointment(appointment),
    appointment.status === 'booked' ? c.services.lottery.heldApplications(fingerprints) : [],
  ]);
  res.renderPage(view, {
    office,
    appointment,
    dayMessage: day.plan?.message,
    ceremony,
    heldLottery,
    ...extra,
  });
}

/** Reference and phone digits; right, a short-lived cookie opens the booking; wrong, the form says so. */
function lookup(c: Container) {
  return form({
    schema: lookupSchema,
    whenInvalid: () => new AppError('not_found', 'booking.lookup_failed'),
    shows: ['not_found', 'rate_limited'],
    show: (_req, res, refused) =>
      res.renderPage(
        'public/lookup',
        { title: res.locals.t('manage.lookup_title'), values: refused.values, formError: refused.message },
        refused.status,
      ),
    run: async ({ reference, phoneLast4 }, req, res) => {
      // A lottery application's reference opens its status page; a booking's, the booking.
      const found = await c.limits.lookups.byDigits(
        req,
        reference,
        async () =>
          (await c.services.lottery.statusPathByReference(reference, phoneLast4)) ??
          c.services.booking.findByReference(reference, phoneLast4),
      );
      if (typeof found === 'string') return res.redirect(303, found);
      openFoundBooking(res, found._id.toString(), c.config.cookieSecure);
    },
  });
}

const moveDateQuery = z.object({ date: localDate.optional() });
const heldReferenceSchema = z.object({ reference: z.string().trim().min(1).max(20) });

/** The days a booking can move to (open, or the chosen one), and the chosen day's slots. */
async function movePage(c: Container, res: Response, date: string) {
  const { schedule } = c.services;
  const office = await schedule.getOffice(res.locals.appointment.office.toString());
  const today = schedule.today(office);
  const horizon = DateTime.fromISO(today)
    .plus({ days: Math.max(office.bookingRules.daysAhead, 1) })
    .toISODate()!;
  const days = (await schedule.availability(office, today, horizon)).filter(
    (d) => d.status === 'open' || d.status === 'few_left' || d.date === date,
  );
  const [day] = await schedule.availability(office, date, date);
  // Said before the tap: which slots keep the couple's ceremony place and which give it up.
  const place = await c.services.booking.ceremonyPlace(res.locals.appointment);
  const seatKept = Object.fromEntries((day?.slots ?? []).map((s) => [s.start, place?.keeps(date, s.endsAt)]));
  await bookingPage(c, res, 'public/move', {
    days,
    day,
    date,
    seatKept,
    holdsSeat: Boolean(place),
    title: res.locals.t('manage.move'),
  });
}

/** A full or invalid target changes nothing: the move page says why. */
function move(c: Container) {
  return action({
    schema: moveFormSchema,
    shows: ['not_found'],
    run: async ({ giveUpCeremony, ...target }, req, res) => {
      const moved = await c.services.booking.move(res.locals.appointment._id, target, {
        giveUpCeremony: giveUpCeremony === 'yes',
      });
      res.flash('success', 'manage.moved', { date: formatDate(moved.date, req.locale), start: moved.start });
      return res.locals.manageBase;
    },
    back: (req, res) => {
      const date = localDate.safeParse(req.body?.date);
      return `${res.locals.manageBase}/move${date.success ? `?date=${date.data}` : ''}`;
    },
  });
}
