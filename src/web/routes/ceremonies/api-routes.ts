import type { Request, Router } from 'express';
import type { Container } from '../../../container.ts';
import { pick } from '../../../i18n/translate.ts';
import type { CeremonySummary, JoinResult } from '../../../services/ceremony/ceremony-service.ts';
import { AppError } from '../../../services/errors.ts';
import { json } from '../../route.ts';
import { rangeQuerySchema } from '../../schemas/booking.schema.ts';
import { joinApiSchema } from '../../schemas/ceremony-couple.schema.ts';
import { tokenLookup } from '../../token-lookup.ts';

/** A ceremony as the API shows it: seats left, never who holds them. */
export function ceremonyJson(c: CeremonySummary, req: Request) {
  return {
    id: c.id,
    officeId: c.officeId,
    date: c.date,
    start: c.start,
    end: c.end,
    startsAt: c.startsAt.toISOString(),
    endsAt: c.endsAt.toISOString(),
    title: pick(c.title, req.locale),
    titles: c.title,
    theme: c.theme ? pick(c.theme, req.locale) : null,
    hall: pick(c.hall, req.locale),
    presenter: c.presenter ? pick(c.presenter, req.locale) : null,
    status: c.status,
    seats: c.seats,
    seatsLeft: c.seatsLeft,
    waitlisted: c.waitlisted,
    signupOpen: c.signupOpen,
    signupDeadline: c.signupDeadline.toISOString(),
    latestSlotEnd: c.latestSlotEnd,
    ...(c.officeClosed ? { officeClosed: true } : {}),
  };
}

function standingJson(r: JoinResult) {
  return {
    ceremonyId: r.ceremonyId,
    status: r.status,
    ...(r.position !== undefined ? { position: r.position } : {}),
    ...(r.offerExpiresAt ? { offerExpiresAt: r.offerExpiresAt.toISOString() } : {}),
  };
}

/** Ceremony endpoints of the JSON API (mounted at /api/v1; see docs/api.md). */
export function ceremonyApiRoutes(router: Router, c: Container): void {
  const { booking, ceremonies } = c.services;
  const appointmentOf = (req: Request) => tokenLookup(c.limits.lookups, req, booking.findByReferenceAndToken);

  router.get(
    '/offices/:officeId/ceremonies',
    json({
      schema: rangeQuerySchema,
      source: 'query',
      run: async ({ from, to }, req, res) => {
        const list = await ceremonies.listForOffice(String(req.params.officeId), from, to);
        res.json(list.map((item) => ceremonyJson(item, req)));
      },
    }),
  );
  router.get(
    '/appointments/:reference/ceremony',
    json({
      load: appointmentOf,
      run: async (_input, _req, res, appointment) => {
        const standing = await ceremonies.standing(appointment);
        res.set('Cache-Control', 'no-store');
        if (!standing) throw new AppError('not_found', 'ceremony.error.not_joined');
        res.json(standingJson(standing));
      },
    }),
  );
  router.post(
    '/appointments/:reference/ceremony',
    json({
      load: appointmentOf,
      schema: joinApiSchema,
      whenInvalid: () =>
        new AppError('invalid', 'error.invalid', {}, { ceremonyId: { key: 'field.invalid' } }),
      run: async ({ ceremonyId }, _req, res, appointment) => {
        const result = await ceremonies.join(ceremonyId, appointment, { channel: 'api' });
        res.set('Cache-Control', 'no-store');
        res.json(standingJson(result));
      },
    }),
  );
  router.delete(
    '/appointments/:reference/ceremony',
    json({
      load: appointmentOf,
      run: async (_input, _req, res, appointment) => {
        const left = await ceremonies.leave(appointment);
        res.json({ ceremonyId: left.ceremonyId, status: 'left' });
      },
    }),
  );
}
