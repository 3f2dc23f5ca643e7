import type { Request, Router } from 'express';
import type { Container } from '../../../container.ts';
import { pick } from '../../../i18n/translate.ts';
import type { AppointmentRecord } from '../../../services/booking/booking-service.ts';
import { AppError } from '../../../services/errors.ts';
import type { OfficeRecord } from '../../../services/schedule-service.ts';
import { validate } from '../../middleware/validate.ts';
import {
  type BookingApiBody,
  bookingApiSchema,
  moveSchema,
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
    partners: a.partners.map((p) => ({
      name: p.name,
      idType: p.idType,
      idNumber: p.idMasked,
      phone: `*******${p.phoneLast4}`,
    })),
  };
}

/**
 * The JSON API for kiosks and mini-programs: same rules and services as the web pages (docs/api.md).
 * Its routes are added to `router` when one is given, so that they sit beside the API's own
 * middleware in one router instead of a router nested in it.
 */
export function bookingApiRoutes(router: Router, c: Container): void {
  const { schedule, booking } = c.services;
  const { limits } = c;
  const appointmentOf = (req: Request) => tokenLookup(limits.lookups, req, booking.findByReferenceAndToken);

  router.get('/offices', async (req, res) => {
    const offices = await schedule.listOffices();
    res.json(
      offices.map((o) => ({
        id: o._id.toString(),
        slug: o.slug,
        name: pick(o.name, req.locale),
        timezone: o.timezone,
        names: o.name,
        address: o.address,
      })),
    );
  });

  router.get('/offices/:officeId/availability', validate(rangeQuerySchema, 'query'), async (req, res) => {
    const office = await schedule.getOffice(String(req.params.officeId));
    const { from, to } = req.valid as { from: string; to: string };
    const days = await schedule.availability(office, from, to);
    res.json({
      officeId: office._id.toString(),
      timezone: office.timezone,
      days: days.map((d) => ({
        date: d.date,
        status: d.status,
        peak: d.schedule.kind === 'peak' ? { label: pick(d.schedule.plan?.label, req.locale) } : null,
        ...(d.window.state === 'not_yet_open' ? { bookingOpensAt: d.window.opensAt.toISOString() } : {}),
        slots: d.slots.map((s) => ({
          start: s.start,
          end: s.end,
          capacity: s.capacity,
          remaining: s.remaining,
        })),
      })),
    });
  });

  router.post('/appointments', limits.byPerson, validate(bookingApiSchema), async (req, res) => {
    const body = req.valid as BookingApiBody;
    const key = req.get('idempotency-key');
    if (key !== undefined && !/^[A-Za-z0-9_-]{16,64}$/.test(key)) {
      throw new AppError('invalid', 'error.invalid', {}, { 'Idempotency-Key': { key: 'field.invalid' } });
    }
    const result = await booking.book({ ...body, channel: 'api', ...(key ? { idempotencyKey: key } : {}) });
    res
      .status(result.created ? 201 : 200)
      .json({ ...appointmentJson(result.appointment), manageToken: result.manageToken });
  });

  router.get('/appointments/:reference', async (req, res) => {
    const a = await appointmentOf(req);
    res.set('Cache-Control', 'no-store');
    res.json(appointmentJson(a));
  });

  router.post('/appointments/:reference/cancel', async (req, res) => {
    const a = await appointmentOf(req);
    const cancelled = await booking.cancel(a._id, 'couple');
    res.json(appointmentJson(cancelled));
  });

  router.post('/appointments/:reference/move', validate(moveSchema), async (req, res) => {
    const a = await appointmentOf(req);
    const moved = await booking.move(a._id, req.valid as { date: string; start: string }, { channel: 'api' });
    res.json(appointmentJson(moved));
  });
}
