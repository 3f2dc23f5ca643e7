// The staff console's lottery pages, mounted at /staff/lottery: a day's mode and times, its
// reserved pool, the draw, priority bookings from the pool, and the result (page and CSV).
// Administrators and registrars of the office.
import { type Request, type Response, Router } from 'express';
import type { Container } from '../../../container.ts';
import { dateTimeInputOf } from '../../../domain/local-time.ts';
import { translate, translator } from '../../../i18n/translate.ts';
import { AppError } from '../../../services/errors.ts';
import type { ResultRow } from '../../../services/lottery/lottery-service.ts';
import { preferenceText, resultCsv } from '../../../services/lottery/result-csv.ts';
import { blankCoupleForm, coupleRequest, refusedCoupleForm } from '../../couple-form.ts';
import { assertOffice, canAccessOffice, requireStaff } from '../../middleware/staff-auth.ts';
import { action, form, query, type Refused } from '../../route.ts';
import { localDate } from '../../schemas/dates.schema.ts';
import {
  lotterySettingsSchema,
  priorityBookingSchema,
  reserveSchema,
  resultQuerySchema,
} from '../../schemas/lottery.schema.ts';
import { me, renderStaff } from './support.ts';

const BASE = '/staff/lottery';
const DAY = '/:officeId/:date';

type DayView = Awaited<ReturnType<Container['services']['lottery']['staffDay']>>;

/** The office and day of the URL, in the signed-in member of staff's scope. */
function dayParams(req: Request): { officeId: string; date: string } {
  const officeId = String(req.params.officeId ?? '');
  const date = localDate.safeParse(req.params.date);
  if (!/^[a-f0-9]{24}$/i.test(officeId) || !date.success) throw new AppError('not_found', 'error.404');
  assertOffice(req, officeId);
  return { officeId, date: date.data };
}

const dayUrl = (req: Request) => `${BASE}/${req.params.officeId}/${req.params.date}`;

export function lotteryRoutes(c: Container): Router {
  const router = Router();
  const { lottery } = c.services;
  router.use(requireStaff('admin', 'registrar'));

  router.get('/', async (req, res) => {
    const days = await lottery.listDays((officeId) => canAccessOffice(req.staff, officeId));
    renderStaff(res, 'staff/lottery/index', {
      title: translate(req.locale, 'lottery.staff.title'),
      navActive: 'lottery',
      days,
    });
  });
  router.get(DAY, async (req, res) => dayPage(c, req, res));
  router.post(`${DAY}/settings`, settings(c));
  router.post(`${DAY}/reserve`, reserve(c));
  router.post(
    `${DAY}/draw`,
    action({
      load: dayParams,
      run: async (_input, req, res, { officeId, date }) => {
        await lottery.staff.draw(officeId, date, me(req).id);
        res.flash('success', 'lottery.staff.drawn_flash');
      },
      back: dayUrl,
      flash: (refused) => ({ key: refused.key }),
    }),
  );
  router.get(`${DAY}/priority`, async (req, res) => priorityPage(c, req, res, blankCoupleForm(req.locale)));
  router.post(`${DAY}/priority`, priority(c));
  router.get(`${DAY}/result`, async (req, res) => resultPage(c, req, res));
  router.get(`${DAY}/result.csv`, async (req, res) => {
    const { officeId, date } = dayParams(req);
    const { rows, draw } = await lottery.resultRows(officeId, date);
    res.type('text/csv; charset=utf-8');
    res.set('Content-Disposition', `attachment; filename="lottery-${date}.csv"`);
    res.set('Cache-Control', 'no-store');
    res.send(resultCsv(rows, draw, translator(req.locale)));
  });
  return router;
}

/** What the day's forms show: the stored settings as office-local datetime-local values. */
function storedValues(view: DayView) {
  const toLocal = (at: Date | undefined) => (at ? dateTimeInputOf(at, view.office.timezone) : '');
  return {
    settings: {
      mode: view.allocation,
      opensAt: toLocal(view.lottery?.opensAt),
      closesAt: toLocal(view.lottery?.closesAt),
      drawAt: toLocal(view.lottery?.drawAt),
      confirmHours: String(view.lottery?.confirmHours ?? 24),
    },
    reserve: {
      perSlot: String(view.reserve?.perSlot ?? 0),
      releaseAt: toLocal(view.reserve?.releaseAt),
    },
  };
}

async function dayPage(
  c: Container,
  req: Request,
  res: Response,
  extra: { values?: Record<string, unknown>; fields?: Record<string, string>; formError?: string } = {},
  status = 200,
) {
  const { officeId, date } = dayParams(req);
  const view = await c.services.lottery.staffDay(officeId, date);
  renderStaff(
    res,
    'staff/lottery/day',
    {
      title: translate(req.locale, 'lottery.staff.day_title'),
      navActive: 'lottery',
      view,
      base: `${BASE}/${officeId}/${date}`,
      values: { ...storedValues(view), ...(extra.values ?? {}) },
      fields: extra.fields ?? {},
      formError: extra.formError,
      actor: req.staff,
    },
    status,
  );
}

/** One of the day page's two forms again: its values and field messages under its own name. */
function dayFormAgain(c: Container, name: 'settings' | 'reserve') {
  return (req: Request, res: Response, refused: Refused<unknown>) =>
    dayPage(
      c,
      req,
      res,
      {
        values: { [name]: refused.values },
        fields: Object.fromEntries(Object.entries(refused.fields).map(([k, v]) => [`${name}.${k}`, v])),
        formError: refused.message,
      },
      refused.status,
    );
}

function settings(c: Container) {
  return form({
    load: dayParams,
    schema: lotterySettingsSchema,
    show: dayFormAgain(c, 'settings'),
    run: async (input, req, res, { officeId, date }) => {
      await c.services.lottery.staff.configureDay(officeId, date, input, me(req).id);
      res.flash(
        'success',
        input.mode === 'lottery' ? 'lottery.staff.saved_lottery' : 'lottery.staff.saved_fcfs',
      );
      res.redirect(303, dayUrl(req));
    },
  });
}

function reserve(c: Container) {
  return form({
    load: dayParams,
    schema: reserveSchema,
    show: dayFormAgain(c, 'reserve'),
    run: async (input, req, res, { officeId, date }) => {
      const { shortfall } = await c.services.lottery.staff.setReserve(officeId, date, input, me(req).id);
      if (shortfall > 0) res.flash('info', 'lottery.staff.reserve_shortfall', { n: shortfall });
      else res.flash('success', 'lottery.staff.reserve_saved');
      res.redirect(303, dayUrl(req));
    },
  });
}

async function priorityPage(c: Container, req: Request, res: Response, extra: object, status = 200) {
  const { officeId, date } = dayParams(req);
  const view = await c.services.lottery.staffDay(officeId, date);
  renderStaff(
    res,
    'staff/lottery/priority',
    {
      title: translate(req.locale, 'lottery.priority.title'),
      navActive: 'lottery',
      view,
      base: `${BASE}/${officeId}/${date}`,
      fields: {},
      ...extra,
    },
    status,
  );
}

function priority(c: Container) {
  return form({
    load: dayParams,
    schema: priorityBookingSchema,
    show: (req, res, refused) => priorityPage(c, req, res, refusedCoupleForm(refused), refused.status),
    run: async (input, req, res, { officeId, date }) => {
      const result = await c.services.lottery.staff.bookFromReserve(
        {
          officeId,
          date,
          start: input.start,
          ...coupleRequest(input),
        },
        me(req).id,
      );
      res.flash('success', 'lottery.priority.booked', { reference: result.appointment.reference });
      res.redirect(303, dayUrl(req));
    },
  });
}

async function resultPage(c: Container, req: Request, res: Response) {
  const { officeId, date } = dayParams(req);
  const q = query(req, resultQuerySchema, { page: 1 });
  const result = await c.services.lottery.resultPage(officeId, date, q.page);
  const view = await c.services.lottery.staffDay(officeId, date);
  const t = translator(req.locale);
  renderStaff(res, 'staff/lottery/result', {
    title: t('lottery.result.title'),
    navActive: 'lottery',
    result,
    view,
    base: `${BASE}/${officeId}/${date}`,
    preferenceText: (row: ResultRow) => preferenceText(row, t),
  });
}
