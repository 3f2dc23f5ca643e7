import type { Request, Router } from 'express';
import type { Container, Services } from '../../../container.ts';
import { AppError } from '../../../services/errors.ts';
import { validate } from '../../middleware/validate.ts';
import { localDate } from '../../schemas/booking.schema.ts';
import { type ApplyApiBody, applyApiSchema } from '../../schemas/lottery.schema.ts';
import { bearer, tokenLookup } from '../../token-lookup.ts';
import { publishedJson } from './public-routes.ts';

type ApplicationView = Awaited<ReturnType<Services['lottery']['status']>>;

export function applicationJson(view: ApplicationView) {
  const a = view.application;
  return {
    reference: a.reference,
    officeId: a.office.toString(),
    date: a.date,
    status: a.status,
    phase: view.lottery?.phase ?? null,
    preference: a.preference,
    ...(view.rank !== undefined ? { rank: view.rank } : {}),
    ...(a.start ? { start: a.start } : {}),
    ...(a.confirmBy ? { confirmBy: a.confirmBy.toISOString() } : {}),
    ...(view.appointment ? { appointmentReference: view.appointment.reference } : {}),
    ...(view.manageToken ? { manageToken: view.manageToken } : {}),
    partners: a.partners.map((p) => ({ name: p.name, idType: p.idType, idNumber: p.idMasked })),
  };
}

/** Lottery applications over the JSON API (docs/api.md), with the same rules as the web form. */
export function lotteryApiRoutes(router: Router, c: Container): void {
  const { services, limits } = c;
  const { lottery } = services;

  router.get('/offices/:officeId/days/:date/lottery', async (req, res) => {
    const date = localDate.safeParse(req.params.date);
    if (!date.success) throw new AppError('not_found', 'lottery.not_lottery_day');
    res.json(publishedJson(await lottery.published(String(req.params.officeId), date.data)));
  });

  router.post('/lottery/applications', limits.byPerson, validate(applyApiSchema), async (req, res) => {
    const body = req.valid as ApplyApiBody;
    const key = req.get('idempotency-key');
    if (key !== undefined && !/^[A-Za-z0-9_-]{16,64}$/.test(key)) {
      throw new AppError('invalid', 'error.invalid', {}, { 'Idempotency-Key': { key: 'field.invalid' } });
    }
    const result = await lottery.apply({ ...body, channel: 'api', ...(key ? { idempotencyKey: key } : {}) });
    const view = await lottery.status(result.application, result.plan);
    res.status(result.created ? 201 : 200).json({
      ...applicationJson(view),
      statusToken: result.token,
      statusPath: lottery.statusPath(result.application._id.toString()),
    });
  });

  const applicationOf = (req: Request) =>
    tokenLookup(limits.lookups, req, lottery.findByReferenceAndToken, 'lottery.not_found');

  router.get('/lottery/applications/:reference', async (req, res) => {
    const application = await applicationOf(req);
    res.set('Cache-Control', 'no-store');
    res.json(applicationJson(await lottery.status(application)));
  });

  for (const action of ['confirm', 'decline', 'withdraw'] as const) {
    router.post(`/lottery/applications/:reference/${action}`, async (req, res) => {
      await applicationOf(req);
      const updated = await lottery[action](bearer(req, 'lottery.not_found'));
      res.json(applicationJson(await lottery.status(updated)));
    });
  }
}
