import type { NextFunction, Request, RequestHandler, Router } from 'express';
import type { Container } from '../../../container.ts';
import type { Locale } from '../../../i18n/locales.ts';
import { pick } from '../../../i18n/translate.ts';
import type { AppointmentRecord } from '../../../services/booking/booking-service.ts';
import type { KnownFullAsk } from '../../../services/booking/known-full.ts';
import { AppError } from '../../../services/errors.ts';
import type { DayAvailability, OfficeRecord } from '../../../services/schedule-service.ts';
import { idempotencyKeyOf, isIdempotencyKey } from '../../couple-form.ts';
import { answerFull } from '../../json-refusal.ts';
import { json } from '../../route.ts';
import {
  type BookingApiBody,
  bookingApiSchema,
  moveApiSchema,
  rangeQuerySchema,
} from '../../schemas/booking.schema.ts';
import { tokenLookup } from '../../token-lookup.ts';

export function appointmentJson(a: AppointmentRecord, office?: OfficeRecord) {
  return {
    reference: a.reference,
    officeId: a.office.toString(),
    ...(office ? { officeName: office.name } : {}),
    date: a.date,
    start: a.start,
    end: a.end,
    startsAt: a.startsAt.toISOString(),
    endsAt: a.endsAt.toISOString(),
    status: a.status,
    language: a.language,
    // Erased under the retention policy: the masked ID numbers stay, names and phones are gone.
    partners: a.partners.map((p) => ({
      ...(a.erasedAt ? {} : { name: p.name }),
      idType: p.idType,
      idNumber: p.idMasked,
      ...(a.erasedAt ? {} : { phone: `*******${p.phoneLast4}` }),
    })),
    ...(a.erasedAt ? { erasedAt: a.erasedAt.toISOString() } : {}),
  };
}

/**
 * The JSON API for kiosks and mini-programs: same rules and services as the web pages (docs/api.md).
 * Its routes are added to the API's own router (see routes/index.ts).
 */
export function bookingApiRoutes(router: Router, c: Container): void {
  const { schedule, booking } = c.services;
  const appointmentOf = (req: Request) => tokenLookup(c.limits.lookups, req, booking.findByReferenceAndToken);

  router.get(
    '/offices',
    json({
      run: async (_input, req, res) => {
        res.json((await schedule.listOffices()).map((o) => officeJson(o, req.locale)));
      },
    }),
  );
  router.get(
    '/offices/:officeId/availability',
    json({
      schema: rangeQuerySchema,
      source: 'query',
      run: async ({ from, to }, req, res) => {
        const office = await schedule.getOffice(String(req.params.officeId));
        const days = await schedule.availability(office, from, to);
        res.json(availabilityJson(office, days, req.locale));
      },
    }),
  );
  router.post(
    '/appointments',
    knownFullFirst(c),
    c.limits.byPerson,
    json({
      schema: bookingApiSchema,
      parsed: (req) => checkedBodies.get(req),
      run: async (body, req, res) => {
        const key = idempotencyKeyOf(req);
        const result = await booking.book({
          ...body,
          channel: 'api',
          ...(key ? { idempotencyKey: key } : {}),
        });
        res
          .status(result.created ? 201 : 200)
          .json({ ...appointmentJson(result.appointment), manageToken: result.manageToken });
      },
    }),
  );
  router.get(
    '/appointments/:reference',
    json({
      load: appointmentOf,
      run: (_input, _req, res, appointment) => {
        res.set('Cache-Control', 'no-store');
        res.json(appointmentJson(appointment));
      },
    }),
  );
  router.post(
    '/appointments/:reference/cancel',
    json({
      load: appointmentOf,
      run: async (_input, _req, res, appointment) => {
        res.json(appointmentJson(await booking.cancel(appointment._id, 'couple')));
      },
    }),
  );
  router.post(
    '/appointments/:reference/move',
    json({
      schema: moveApiSchema,
      run: async ({ giveUpCeremony, ...target }, req, res) => {
        const appointment = await appointmentOf(req);
        const opts = { channel: 'api' as const, giveUpCeremony: giveUpCeremony ?? false };
        res.json(appointmentJson(await booking.move(appointment._id, target, opts)));
      },
    }),
  );
}

/** A booking's body as the known-full step found it well formed: the route does not parse it again. */
const checkedBodies = new WeakMap<Request, BookingApiBody>();

/**
 * On a peak day most bookings ask for a slot found full a moment ago: a well-formed request for
 * one is answered 409 slot_full before the partners' attempts are counted (limits.byPerson) and
 * their ID numbers checked, without a database request. A request the schema refuses, or with a
 * malformed Idempotency-Key, goes on as any other, and is refused as before.
 */
function knownFullFirst(c: Container): RequestHandler {
  const { booking } = c.services;
  return (req, res, next) => {
    // Nothing remembered full (every day but the rush): the body is read once, by the route.
    if (!booking.remembersFullSlots()) return next();
    const key = req.get('idempotency-key');
    const body = bookingApiSchema.safeParse(req.body);
    if (!body.success) return next();
    if (key !== undefined && !isIdempotencyKey(key)) return goOn(req, body.data, next);
    const { officeId, date, start } = body.data;
    const ask: KnownFullAsk = { officeId, date, start, channel: 'api' };
    if (key) ask.idempotencyKey = key;
    // Most of a rush: the "full" is known at once, and answered without waiting for anything.
    const full = booking.knownFullNow(ask);
    if (full) return answerFull(res, full, req.locale);
    return booking.refuseKnownFull(ask).then(
      () => goOn(req, body.data, next),
      (err: unknown) => {
        // Answered here, as the error handler would: not carried past every later route first.
        if (err instanceof AppError && err.code === 'slot_full') return answerFull(res, err, req.locale);
        throw err;
      },
    );
  };
}

/** To the route, with the body found well formed: a "full" answered here keeps nothing. */
function goOn(req: Request, body: BookingApiBody, next: NextFunction): void {
  checkedBodies.set(req, body);
  next();
}

function officeJson(o: OfficeRecord, locale: Locale) {
  return {
    id: o._id.toString(),
    slug: o.slug,
    name: pick(o.name, locale),
    timezone: o.timezone,
    names: o.name,
    address: o.address,
  };
}

function availabilityJson(office: OfficeRecord, days: DayAvailability[], locale: Locale) {
  return {
    officeId: office._id.toString(),
    timezone: office.timezone,
    days: days.map((d) => ({
      date: d.date,
      status: d.status,
      peak: d.schedule.kind === 'peak' ? { label: pick(d.schedule.plan?.label, locale) } : null,
      ...(d.window.state === 'not_yet_open' ? { bookingOpensAt: d.window.opensAt.toISOString() } : {}),
      slots: d.slots.map((s) => ({
        start: s.start,
        end: s.end,
        capacity: s.capacity,
        remaining: s.remaining,
      })),
    })),
  };
}
