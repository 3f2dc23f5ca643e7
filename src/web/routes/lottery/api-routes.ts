import type { Request, Router } from 'express';
import { z } from 'zod';
import type { Container, Services } from '../../../container.ts';
import { AppError } from '../../../services/errors.ts';
import { idempotencyKeyOf } from '../../couple-form.ts';
import { json } from '../../route.ts';
import { localDate } from '../../schemas/dates.schema.ts';
import { applyApiSchema } from '../../schemas/lottery.schema.ts';
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
  const { lottery } = c.services;
  const applicationOf = (req: Request) =>
    tokenLookup(c.limits.lookups, req, lottery.findByReferenceAndToken, 'lottery.not_found');

  router.get(
    '/offices/:officeId/days/:date/lottery',
    json({
      schema: dayParams,
      source: 'params',
      whenInvalid: () => new AppError('not_found', 'lottery.not_lottery_day'),
      run: async ({ officeId, date }, _req, res) => {
        res.json(publishedJson(await lottery.published(officeId, date)));
      },
    }),
  );
  router.post(
    '/lottery/applications',
    c.limits.byPerson,
    json({
      schema: applyApiSchema,
      run: async (body, req, res) => {
        const key = idempotencyKeyOf(req);
        const result = await lottery.apply({
          ...body,
          channel: 'api',
          ...(key ? { idempotencyKey: key } : {}),
        });
        const view = await lottery.status(result.application, result.plan);
        res.status(result.created ? 201 : 200).json({
          ...applicationJson(view),
          statusToken: result.token,
          statusPath: await lottery.statusPath(result.application._id.toString()),
        });
      },
    }),
  );
  router.get(
    '/lottery/applications/:reference',
    json({
      load: applicationOf,
      run: async (_input, _req, res, application) => {
        res.set('Cache-Control', 'no-store');
        res.json(applicationJson(await lottery.status(application)));
      },
    }),
  );
  for (const step of ['confirm', 'decline', 'withdraw'] as const) {
    router.post(
      `/lottery/applications/:reference/${step}`,
      json({
        load: applicationOf,
        run: async (_input, req, res) => {
          const updated = await lottery[step](bearer(req, 'lottery.not_found'));
          res.json(applicationJson(await lottery.status(updated)));
        },
      }),
    );
  }
}

const dayParams = z.object({ officeId: z.string(), date: localDate });
