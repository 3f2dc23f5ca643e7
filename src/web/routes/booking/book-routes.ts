import { randomBytes } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import type { Container } from '../../../container.ts';
import { translate } from '../../../i18n/translate.ts';
import { isDatabaseUnavailable } from '../../../lib/database-errors.ts';
import { AppError } from '../../../services/errors.ts';
import { statusOf } from '../../middleware/error-handler.ts';
import { fieldMessages, formEcho } from '../../middleware/validate.ts';
import { bookingFormSchema, localDate, localTime } from '../../schemas/booking.schema.ts';

/** The booking form and its submission (post/redirect/get to the confirmation). */
export function bookRoutes(c: Container): Router {
  const router = Router();
  const { schedule, booking } = c.services;
  const { limits } = c;

  async function loadSlot(req: Request) {
    const office = await schedule.getOffice(String(req.params.slug));
    const date = localDate.safeParse(req.params.date);
    const start = localTime.safeParse(req.query.start ?? req.body?.start);
    if (!date.success || !start.success) throw new AppError('not_found', 'booking.slot_not_offered');
    const [day] = await schedule.availability(office, date.data, date.data);
    const slot = day?.slots.find((s) => s.start === start.data);
    if (!day || !slot) throw new AppError('not_found', 'booking.slot_not_offered');
    return { office, day, slot };
  }

  type FormContext = Awaited<ReturnType<typeof loadSlot>>;

  /**
   * What the form shows of its slot when the database cannot say (it is away): the office's
   * address and the day from the request, no more. Enough to keep what the couple typed.
   */
  function contextFromRequest(req: Request): FormContext | null {
    const date = localDate.safeParse(req.params.date);
    const start = localTime.safeParse(req.body?.start);
    if (!date.success || !start.success) return null;
    return {
      office: { slug: String(req.params.slug) },
      day: { date: date.data },
      slot: { start: start.data },
    } as unknown as FormContext;
  }

  function renderForm(
    req: Request,
    res: Response,
    ctx: FormContext,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    res.renderPage(
      'public/book',
      {
        ...ctx,
        idempotencyKey: randomBytes(18).toString('base64url'),
        values: { language: req.locale, partners: [{ idType: 'resident_id' }, { idType: 'resident_id' }] },
        ...extra,
      },
      status,
    );
  }

  router.get('/offices/:slug/days/:date/book', async (req, res) => {
    renderForm(req, res, await loadSlot(req));
  });

  router.post('/offices/:slug/days/:date/book', limits.byPerson, async (req, res) => {
    const values = formEcho(req.body);
    const keep = {
      values,
      idempotencyKey: (values.idempotencyKey as string) || randomBytes(18).toString('base64url'),
    };
    const t = (key: string, params?: Record<string, string | number>) => translate(req.locale, key, params);
    // The database is away: the form comes back as it was sent, with its idempotency key, so
    // that sending it again later books once, whatever became of this attempt.
    const unavailable = (ctx: FormContext | null, err: unknown) => {
      if (!ctx) throw err;
      c.storage.note(err);
      res.set('Retry-After', '5');
      return renderForm(req, res, ctx, { ...keep, formError: t('error.503'), unavailable: true }, 503);
    };
    let ctx: FormContext;
    try {
      ctx = await loadSlot(req);
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      return unavailable(contextFromRequest(req), err);
    }
    const parsed = bookingFormSchema.safeParse(req.body);
    if (!parsed.success) {
      const fields = Object.fromEntries(
        Object.entries(fieldMessages(parsed.error)).map(([k, f]) => [k, t(f.key, f.params)]),
      );
      return renderForm(req, res, ctx, { ...keep, fields, formError: t('error.invalid') }, 422);
    }
    try {
      const result = await booking.book({
        officeId: ctx.office._id.toString(),
        date: ctx.day.date,
        start: parsed.data.start,
        partners: parsed.data.partners,
        email: parsed.data.email,
        language: parsed.data.language,
        ...(parsed.data.idempotencyKey ? { idempotencyKey: parsed.data.idempotencyKey } : {}),
        channel: 'online',
      });
      res.redirect(303, `/booking/${result.manageToken}/confirmation`);
    } catch (err) {
      if (isDatabaseUnavailable(err) || (err instanceof AppError && err.code === 'unavailable'))
        return unavailable(ctx, err);
      if (!(err instanceof AppError)) throw err;
      const fields = Object.fromEntries(Object.entries(err.fields).map(([k, f]) => [k, t(f.key, f.params)]));
      return renderForm(
        req,
        res,
        ctx,
        { ...keep, fields, formError: t(err.messageKey, err.params) },
        statusOf(err.code),
      );
    }
  });

  return router;
}
