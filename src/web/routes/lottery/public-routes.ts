import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Container } from '../../../container.ts';
import { translate } from '../../../i18n/translate.ts';
import { AppError } from '../../../services/errors.ts';
import { requiresVerifiedPhone } from '../../../services/verification/verified-phone.ts';
import { blankCoupleForm, coupleRequest, refusedCoupleForm } from '../../couple-form.ts';
import { action, form, query } from '../../route.ts';
import { localDate } from '../../schemas/dates.schema.ts';
import { applyFormSchema, checkQuerySchema } from '../../schemas/lottery.schema.ts';
import { sendCodeStep } from '../verification/send-code-step.ts';

type Services_ = Container['services'];
type LotteryDay = Awaited<ReturnType<typeof lotteryDayOf>>;

const otherReferenceSchema = z.object({ reference: z.string().trim().min(1).max(20) });
const APPLY = '/offices/:slug/days/:date/lottery/apply';
const CHECK = '/offices/:slug/days/:date/lottery/check';
const DONE = {
  confirm: 'lottery.confirmed_flash',
  decline: 'lottery.declined_flash',
  withdraw: 'lottery.withdrawn_flash',
} as const;

/** The office and day of the URL, when that day is given out by lottery; else not found. */
async function lotteryDayOf(services: Services_, req: Request) {
  const office = await services.schedule.getOffice(String(req.params.slug));
  const date = localDate.safeParse(req.params.date);
  if (!date.success) throw new AppError('not_found', 'lottery.not_lottery_day');
  const [day] = await services.schedule.availability(office, date.data, date.data);
  if (!day?.lottery) throw new AppError('not_found', 'lottery.not_lottery_day');
  const { plan } = await services.schedule.daySchedule(office, date.data);
  return { office, day, lottery: day.lottery, verifyPhone: requiresVerifiedPhone(office, plan) };
}

/**
 * The couple's side of a lottery day: the application form (open during the window), the
 * private status page (confirm, decline, withdraw), and the public page where anyone
 * recomputes the draw from the revealed seed.
 */
export function lotteryPublicRoutes(c: Container): Router {
  const router = Router();
  const { lottery } = c.services;
  const dayOf = (req: Request) => lotteryDayOf(c.services, req);

  router.get(APPLY, async (req, res) => {
    applyPage(req, res, await dayOf(req), blankCoupleForm(req.locale, { preference: 'any' }));
  });
  router.post(
    APPLY,
    c.limits.byPerson,
    sendCodeStep(c, dayOf, (res, ctx, locals, status) => applyPage(res.req, res, ctx, locals, status)),
    apply(c),
  );
  // The private status page: reached only by the link given after applying (and in messages).
  router.use('/lottery/a/:token', (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    res.set('Referrer-Policy', 'no-referrer');
    next();
  });
  router.get('/lottery/a/:token', statusPage(c));
  // Withdraws another waiting application of the same couple, for another day: the couple keeps
  // the one it wants, instead of learning at the draw that one of them was passed over.
  router.post(
    '/lottery/a/:token/withdraw-other',
    action({
      schema: otherReferenceSchema,
      run: async ({ reference }, req, res) => {
        const application = await lottery.findByToken(String(req.params.token));
        await lottery.withdrawHeld(
          application.partners.map((p) => p.idFingerprint),
          reference,
        );
        res.flash('success', DONE.withdraw);
      },
      back: (req) => `/lottery/a/${String(req.params.token)}`,
      shows: ['not_found'],
    }),
  );
  for (const step of ['confirm', 'decline', 'withdraw'] as const) {
    // Too late, or already done: the status page says where things stand.
    router.post(
      `/lottery/a/:token/${step}`,
      action({
        run: async (_input, req, res) => {
          await lottery[step](String(req.params.token));
          res.flash('success', DONE[step]);
        },
        back: (req) => `/lottery/a/${String(req.params.token)}`,
      }),
    );
  }
  router.get(CHECK, check(c));
  // The published list, for anyone who wants to recompute the draw with their own program.
  router.get('/offices/:slug/days/:date/lottery/draw.json', async (req, res) => {
    const ctx = await dayOf(req);
    res.json(publishedJson(await lottery.published(ctx.office._id.toString(), ctx.day.date)));
  });
  return router;
}

/** The private status page, with the couple's other holdings said while the application waits. */
function statusPage(c: Container) {
  const { lottery } = c.services;
  return async (req: Request, res: Response) => {
    const application = await lottery.findByToken(String(req.params.token));
    const view = await lottery.status(application);
    const base = `/lottery/a/${req.params.token}`;
    // A winner holding another booking is passed over: said while the application waits.
    const fingerprints = application.partners.map((p) => p.idFingerprint);
    const waiting = application.status === 'applied';
    res.renderPage('lottery/status', {
      ...view,
      title: translate(req.locale, 'lottery.status.title'),
      base,
      statusUrl: `${c.config.baseUrl}${base}`,
      heldBookingDate: waiting ? await lottery.heldBookingDate(fingerprints) : null,
      otherApplications: waiting
        ? await lottery.heldApplications(fingerprints, application._id.toString())
        : [],
    });
  };
}

function applyPage(req: Request, res: Response, ctx: LotteryDay, locals: object, status = 200) {
  res.renderPage(
    'lottery/apply',
    { ...ctx, title: translate(req.locale, 'lottery.apply.title'), ...locals },
    status,
  );
}

function apply(c: Container) {
  return form({
    schema: applyFormSchema,
    load: (req) => lotteryDayOf(c.services, req),
    show: (req, res, refused) => applyPage(req, res, refused.ctx, refusedCoupleForm(refused), refused.status),
    run: async (input, _req, res, ctx) => {
      const result = await c.services.lottery.apply({
        officeId: ctx.office._id.toString(),
        date: ctx.day.date,
        preference: input.preference,
        ...coupleRequest(input),
        channel: 'online',
      });
      res.flash('success', 'lottery.applied_flash', { reference: result.application.reference });
      res.redirect(303, `/lottery/a/${result.token}`);
    },
  });
}

/** Anyone recomputes the draw from the revealed seed, and finds a reference's place in it. */
function check(c: Container) {
  const { lottery } = c.services;
  const page = async (req: Request, res: Response, ctx: LotteryDay, extra: object, status = 200) => {
    const q = query(req, checkQuerySchema, {});
    const published =
      'published' in extra
        ? {}
        : { published: await lottery.published(ctx.office._id.toString(), ctx.day.date) };
    res.renderPage(
      'lottery/check',
      {
        ...ctx,
        title: translate(req.locale, 'lottery.check.title'),
        values: { seed: q.seed, reference: q.reference },
        ...published,
        result: null,
        ...extra,
      },
      status,
    );
  };
  return form({
    schema: undefined,
    load: (req) => lotteryDayOf(c.services, req),
    show: (req, res, refused) =>
      page(req, res, refused.ctx, { fields: refused.fields, formError: refused.message }, refused.status),
    run: async (_input, req, res, ctx) => {
      const { seed, reference } = query(req, checkQuerySchema, {});
      if (!seed) return page(req, res, ctx, {});
      const result = await lottery.check(
        ctx.office._id.toString(),
        ctx.day.date,
        seed,
        reference || undefined,
      );
      await page(req, res, ctx, { published: result, result });
    },
  });
}

/** The published draw as JSON (the same shape as GET /api/v1/offices/:officeId/days/:date/lottery). */
export function publishedJson(p: Awaited<ReturnType<Services_['lottery']['published']>>) {
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
