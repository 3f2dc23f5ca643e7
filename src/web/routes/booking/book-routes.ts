// The booking form and its submission (post/redirect/get to the confirmation).
import { type Request, type Response, Router } from 'express';
import type { Container } from '../../../container.ts';
import { AppError } from '../../../services/errors.ts';
import { requiresVerifiedPhone } from '../../../services/verification/verified-phone.ts';
import { blankFormPages } from '../../blank-form-page.ts';
import { blankCoupleForm, coupleRequest, refusedBookingForm } from '../../couple-form.ts';
import { fullFormPages } from '../../full-form-page.ts';
import { form, type Refused, refuseFirst } from '../../route.ts';
import { type BookingForm, bookingFormSchema } from '../../schemas/booking.schema.ts';
import { localDate, localTime } from '../../schemas/dates.schema.ts';
import { sendCodeStep } from '../verification/send-code-step.ts';

const PATH = '/offices/:slug/days/:date/book';

/** What the form shows of its slot: the office, the day and the slot's times. */
interface SlotContext {
  office: { slug: string; _id?: { toString(): string }; name?: unknown; address?: unknown };
  day: { date: string };
  slot: { start: string; end?: string };
  /** The day asks for a verified contact phone: the form shows the code field. */
  verifyPhone?: boolean;
  /** The cached objects it was read from (the office, the day as planned), for a kept page. */
  inputs?: readonly object[];
}

/**
 * What the form shows of its slot when the database cannot say (it is away): the office's
 * address and the day from the request, no more. Enough to keep what the couple typed.
 */
function slotFromRequest(req: Request): SlotContext | null {
  const date = localDate.safeParse(req.params.date);
  const start = localTime.safeParse(req.body?.start);
  if (!date.success || !start.success) return null;
  return {
    office: { slug: String(req.params.slug) },
    day: { date: date.data },
    slot: { start: start.data },
  };
}

/** The booking form of a slot, with `locals` (blank, or as typed with a refusal). */
function render(res: Response, ctx: SlotContext, locals: object, status = 200) {
  res.renderPage('public/book', { title: res.locals.t('book.title'), ...ctx, ...locals }, status);
}

/** The blank form of a slot, as a phone opens it: the page kept with holes when it can be. */
function showBlankForm(showBlank: ReturnType<typeof blankFormPages>, res: Response, slot: SlotContext) {
  const { inputs, ...ctx } = slot;
  const locals = { title: res.locals.t('book.title'), ...ctx, ...blankCoupleForm(res.req.locale) };
  if (!inputs || !showBlank(res, 'public/book', locals, inputs)) res.renderPage('public/book', locals);
}

/**
 * The form again after a refusal. A "full" is the page every couple refused for the slot sees
 * alike but for what they typed: kept for a moment (full-form-page.ts).
 */
function showRefused(
  showKept: ReturnType<typeof fullFormPages>,
  res: Response,
  refused: Refused<SlotContext>,
) {
  const locals = { title: res.locals.t('book.title'), ...refused.ctx, ...refusedBookingForm(refused) };
  if (!showKept(res, 'public/book', locals, [refused.ctx.office], refused.status))
    res.renderPage('public/book', locals, refused.status);
}

export function bookRoutes(c: Container): Router {
  const router = Router();
  const { schedule, booking } = c.services;
  const showKept = fullFormPages({ scheduleCacheMs: c.config.scheduleCacheMs, clock: c.clock });
  const showBlank = blankFormPages({ scheduleCacheMs: c.config.scheduleCacheMs, clock: c.clock });

  /**
   * The slot the form is for, as planned (no counter is read: whether a place is left, and
   * every other rule, is the booking's to check, once). Not offered: not found.
   */
  async function slotOf(req: Request): Promise<SlotContext> {
    const office = await schedule.getOffice(String(req.params.slug));
    const date = localDate.safeParse(req.params.date);
    const start = localTime.safeParse(req.query.start ?? req.body?.start);
    if (!date.success || !start.success) throw new AppError('not_found', 'booking.slot_not_offered');
    const day = await schedule.daySchedule(office, date.data);
    const slot = day.open ? day.slots.find((s) => s.start === start.data) : undefined;
    if (!slot) throw new AppError('not_found', 'booking.slot_not_offered');
    return {
      office,
      day: { date: day.date },
      slot: { start: slot.start, end: slot.end },
      verifyPhone: requiresVerifiedPhone(office, day.plan),
      inputs: [office, day],
    };
  }

  router.get(PATH, async (req, res) => showBlankForm(showBlank, res, await slotOf(req)));

  const bookingForm = {
    schema: bookingFormSchema,
    load: slotOf,
    // The database is away: the form comes back as it was sent, with its idempotency key,
    // so that sending it again later books once, whatever became of this attempt.
    shows: ['unavailable' as const],
    fallback: slotFromRequest,
    show: (_req: Request, res: Response, refused: Refused<SlotContext>) =>
      showRefused(showKept, res, refused),
    run: async (input: BookingForm, _req: Request, res: Response, ctx: SlotContext) => {
      const result = await booking.book({
        officeId: String(ctx.office._id),
        date: ctx.day.date,
        start: input.start,
        ...coupleRequest(input),
        channel: 'online',
      });
      res.redirect(303, `/booking/${result.manageToken}/confirmation`);
    },
  };

  router.post(
    PATH,
    // A slot remembered full is answered first: before the couple's attempts are counted and
    // their ID numbers checked (known-full.ts), once the form is well formed.
    refuseFirst(bookingForm, {
      when: (req) => booking.remembersFullSlots() && req.body?.sendCode !== '1',
      refuse: (input, _req, ctx) =>
        booking.refuseKnownFull({
          officeId: String(ctx.office._id),
          date: ctx.day.date,
          start: input.start,
          channel: 'online',
          ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
        }),
    }),
    c.limits.byPerson,
    sendCodeStep(c, slotOf, render),
    form(bookingForm),
  );

  return router;
}
