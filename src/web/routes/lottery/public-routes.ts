import { randomBytes } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import type { Container, Services } from '../../../container.ts';
import { translate } from '../../../i18n/translate.ts';
import { AppError } from '../../../services/errors.ts';
import { fieldMessages, formEcho } from '../../middleware/validate.ts';
import { localDate } from '../../schemas/booking.schema.ts';
import { applyFormSchema, checkQuerySchema } from '../../schemas/lottery.schema.ts';

const newKey = () => randomBytes(18).toString('base64url');

/**
 * The couple's side of a lottery day: the application form (open during the window), the
 * private status page (confirm, decline, withdraw), and the public page where anyone
 * recomputes the draw from the revealed seed.
 */
export function lotteryPublicRoutes(c: Container): Router {
  const router = Router();
  const { services, limits } = c;
  const { lottery, schedule } = services;

  async function lotteryDay(req: Request) {
    const office = await schedule.getOffice(String(req.params.slug));
    const date = localDate.safeParse(req.params.date);
    if (!date.success) throw new AppError('not_found', 'lottery.not_lottery_day');
    const [day] = await schedule.availability(office, date.data, date.data);
    if (!day?.lottery) throw new AppError('not_found', 'lottery.not_lottery_day');
    return { office, day, lottery: day.lottery };
  }

  function renderApply(
    req: Request,
    res: Response,
    ctx: Awaited<ReturnType<typeof lotteryDay>>,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    res.renderPage(
      'lottery/apply',
      {
        ...ctx,
        title: translate(req.locale, 'lottery.apply.title'),
        idempotencyKey: newKey(),
        values: {
          language: req.locale,
          preference: 'any',
          partners: [{ idType: 'resident_id' }, { idType: 'resident_id' }],
        },
        ...extra,
      },
      status,
    );
  }

  router.get('/offices/:slug/days/:date/lottery/apply', async (req, res) => {
    renderApply(req, res, await lotteryDay(req));
  });

  router.post('/offices/:slug/days/:date/lottery/apply', limits.byPerson, async (req, res) => {
    const ctx = await lotteryDay(req);
    const values = formEcho(req.body);
    const keep = { values, idempotencyKey: (values.idempotencyKey as string) || newKey() };
    const t = (key: string, params?: Record<string, string | number>) => translate(req.locale, key, params);
    const parsed = applyFormSchema.safeParse(req.body);
    if (!parsed.success) {
      const fields = Object.fromEntries(
        Object.entries(fieldMessages(parsed.error)).map(([k, f]) => [k, t(f.key, f.params)]),
      );
      return renderApply(req, res, ctx, { ...keep, fields, formError: t('error.invalid') }, 422);
    }
    try {
      const result = await lottery.apply({
        officeId: ctx.office._id.toString(),
        date: ctx.day.date,
        partners: parsed.data.partners,
        email: parsed.data.email,
        language: parsed.data.language,
        preference: parsed.data.preference,
        ...(parsed.data.idempotencyKey ? { idempotencyKey: parsed.data.idempotencyKey } : {}),
        channel: 'online',
      });
      res.flash('success', 'lottery.applied_flash', { reference: result.application.reference });
      res.redirect(303, `/lottery/a/${result.token}`);
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'unavailable' || err.code === 'not_found') throw err;
      const fields = Object.fromEntries(Object.entries(err.fields).map(([k, f]) => [k, t(f.key, f.params)]));
      const status = err.code === 'already_booked' ? 409 : 422;
      return renderApply(
        req,
        res,
        ctx,
        { ...keep, fields, formError: t(err.messageKey, err.params) },
        status,
      );
    }
  });

  // The private status page: reached only by the link given after applying (and in messages).
  router.use('/lottery/a/:token', (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    res.set('Referrer-Policy', 'no-referrer');
    next();
  });

  router.get('/lottery/a/:token', async (req, res) => {
    const application = await lottery.findByToken(String(req.params.token));
    const view = await lottery.status(application);
    res.renderPage('lottery/status', {
      ...view,
      title: translate(req.locale, 'lottery.status.title'),
      base: `/lottery/a/${req.params.token}`,
    });
  });

  const done = {
    confirm: 'lottery.confirmed_flash',
    decline: 'lottery.declined_flash',
    withdraw: 'lottery.withdrawn_flash',
  } as const;
  for (const action of ['confirm', 'decline', 'withdraw'] as const) {
    router.post(`/lottery/a/:token/${action}`, async (req, res) => {
      const token = String(req.params.token);
      try {
        await lottery[action](token);
        res.flash('success', done[action]);
      } catch (err) {
        // Too late, or already done: the status page says where things stand.
        if (!(err instanceof AppError) || err.code !== 'conflict') throw err;
        res.flash('error', err.messageKey, err.params);
      }
      res.redirect(303, `/lottery/a/${token}`);
    });
  }

  router.get('/offices/:slug/days/:date/lottery/check', async (req, res) => {
    const ctx = await lotteryDay(req);
    const q = checkQuerySchema.safeParse(req.query);
    const seed = q.success ? q.data.seed : undefined;
    const reference = q.success ? q.data.reference : undefined;
    const locals = {
      ...ctx,
      title: translate(req.locale, 'lottery.check.title'),
      values: { seed, reference },
    };
    if (!seed) {
      const published = await lottery.published(ctx.office._id.toString(), ctx.day.date);
      return res.renderPage('lottery/check', { ...locals, published, result: null });
    }
    try {
      const result = await lottery.check(
        ctx.office._id.toString(),
        ctx.day.date,
        seed,
        reference || undefined,
      );
      res.renderPage('lottery/check', { ...locals, published: result, result });
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'invalid' && err.code !== 'conflict')) throw err;
      const published = await lottery.published(ctx.office._id.toString(), ctx.day.date);
      const fields = Object.fromEntries(
        Object.entries(err.fields).map(([k, f]) => [k, translate(req.locale, f.key, f.params)]),
      );
      res.renderPage(
        'lottery/check',
        { ...locals, published, result: null, fields, formError: translate(req.locale, err.messageKey) },
        422,
      );
    }
  });

  // The published list, for anyone who wants to recompute the draw with their own program.
  router.get('/offices/:slug/days/:date/lottery/draw.json', async (req, res) => {
    const ctx = await lotteryDay(req);
    const published = await lottery.published(ctx.office._id.toString(), ctx.day.date);
    res.json(publishedJson(published));
  });

  return router;
}

/** The published draw as JSON (the same shape as GET /api/v1/offices/:officeId/days/:date/lottery). */
export function publishedJson(p: Awaited<ReturnType<Services['lottery']['published']>>) {
  return {
    officeId: p.office._id.toString(),
    date: p.date,
    phase: p.lottery.phase,
    applicationsOpenAt: p.lottery.opensAt.toISOString(),
    applicationsCloseAt: p.lottery.closesAt.toISOString(),
    drawAt: p.lottery.drawAt.toISOString(),
    confirmHours: p.lottery.confirmHours,
    commitment: p.commitment,
    algorithm: 'docs/lottery.md: rank by HMAC-SHA256(seed, reference); places by preference in rank order',
    ...(p.seed
      ? {
          seed: p.seed,
          drawnAt: p.drawnAt?.toISOString(),
          slots: p.slots.map((s) => ({ start: s.start, places: s.places })),
          applications: p.applications,
          winners: p.winners.map((w) => ({ rank: w.rank, reference: w.reference, start: w.start })),
        }
      : {}),
  };
}
