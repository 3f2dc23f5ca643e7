import type { Request, Router } from 'express';
import type { Container } from '../../../container.ts';
import { pick } from '../../../i18n/translate.ts';
import type { CeremonySummary, JoinResult } from '../../../services/ceremony/ceremony-service.ts';
import { AppError } from '../../../services/errors.ts';
import { validate } from '../../middleware/validate.ts';
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
  const { services, limits } = c;
  const { booking, ceremonies } = services;

  router.get('/offices/:officeId/ceremonies', validate(rangeQuerySchema, 'query'), async (req, res) => {
    const { from, to } = req.valid as { from: string; to: string };
    const list = await ceremonies.listForOffice(String(req.params.officeId), from, to);
    res.json(list.map((c) => ceremonyJson(c, req)));
  });

  const appointmentOf = (req: Request) => tokenLookup(limits.lookups, req, booking.findByReferenceAndToken);

  router.get('/appointments/:reference/ceremony', async (req, res) => {
    const a = await appointmentOf(req);
    const standing = await ceremonies.standing(a);
    res.set('Cache-Control', 'no-store');
    if (!standing) throw new AppError('not_found', 'ceremony.error.not_joined');
    res.json(standingJson(standing));
  });

  router.post('/appointments/:reference/ceremony', async (req, res) => {
    const a = await appointmentOf(req);
    const body = joinApiSchema.safeParse(req.body ?? {});
    if (!body.success)
      throw new AppError('invalid', 'error.invalid', {}, { ceremonyId: { key: 'field.invalid' } });
    const result = await ceremonies.join(body.data.ceremonyId, a, { channel: 'api' });
    res.set('Cache-Control', 'no-store');
    res.json(standingJson(result));
  });

  router.delete('/appointments/:reference/ceremony', async (req, res) => {
    const a = await appointmentOf(req);
    const left = await ceremonies.leave(a);
    res.json({ ceremonyId: left.ceremonyId, status: 'left' });
  });
}
