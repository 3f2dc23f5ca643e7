import { randomBytes } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import type { Container, Services } from '../../../container.ts';
import { translate } from '../../../i18n/translate.ts';
import { AppError } from '../../../services/errors.ts';
import { toLocalInput } from '../../../services/lottery/lottery-context.ts';
import type { ResultRow } from '../../../services/lottery/lottery-service.ts';
import { assertOffice, canAccessOffice, requireStaff } from '../../middleware/staff-auth.ts';
import { fieldMessages, formEcho } from '../../middleware/validate.ts';
import { localDate } from '../../schemas/booking.schema.ts';
import {
  lotterySettingsSchema,
  priorityBookingSchema,
  reserveSchema,
  resultQuerySchema,
} from '../../schemas/lottery.schema.ts';
import { renderStaff } from './support.ts';

const BASE = '/staff/lottery';

type DayView = Awaited<ReturnType<Services['lottery']['staffDay']>>;

/** What the day's forms show: the stored settings as office-local datetime-local values. */
function formValues(view: DayView, toLocal: (at: Date | undefined) => string) {
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

function csvCell(value: string): string {
  // Quoted, and a leading formula character neutralised: the file is opened in spreadsheets.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

function preferenceText(req: Request, row: Pick<ResultRow, 'preference'>): string {
  const p = row.preference;
  const kind = translate(req.locale, `lottery.preference.${p.kind}`);
  return p.kind === 'ranked' ? `${kind}: ${p.starts.join(' > ')}` : kind;
}

/**
 * The staff console's lottery pages, mounted at /staff/lottery after the staff router
 * (which signs staff in and sets req.staff). Administrators and registrars of the office.
 */
export function lotteryRoutes(c: Container): Router {
  const router = Router();
  const { services } = c;
  const { lottery } = services;
  router.use(requireStaff('admin', 'registrar'));

  const t = (req: Request, key: string, params?: Record<string, string | number>) =>
    translate(req.locale, key, params);

  function dayParams(req: Request): { officeId: string; date: string } {
    const officeId = String(req.params.officeId ?? '');
    const date = localDate.safeParse(req.params.date);
    if (!/^[a-f0-9]{24}$/i.test(officeId) || !date.success) throw new AppError('not_found', 'error.404');
    assertOffice(req, officeId);
    return { officeId, date: date.data };
  }

  async function renderDay(
    req: Request,
    res: Response,
    extra: { values?: Record<string, unknown>; fields?: Record<string, string>; formError?: string } = {},
    status = 200,
  ) {
    const { officeId, date } = dayParams(req);
    const view = await lottery.staffDay(officeId, date);
    const zone = view.office.timezone;
    const stored = formValues(view, (at) => toLocalInput(at, zone));
    renderStaff(
      res,
      'lottery/staff-day',
      {
        title: t(req, 'lottery.staff.day_title'),
        navActive: 'lottery',
        view,
        base: `${BASE}/${officeId}/${date}`,
        values: { ...stored, ...(extra.values ?? {}) },
        fields: extra.fields ?? {},
        formError: extra.formError,
        actor: req.staff,
      },
      status,
    );
  }

  router.get('/', async (req, res) => {
    const days = await lottery.listDays((officeId) => canAccessOffice(req.staff, officeId));
    renderStaff(res, 'lottery/staff-index', {
      title: t(req, 'lottery.staff.title'),
      navActive: 'lottery',
      days,
    });
  });

  router.get('/:officeId/:date', async (req, res) => {
    await renderDay(req, res);
  });

  /** Runs a staff form's use case; a refusal shows the day page again with the messages. */
  async function submit(
    req: Request,
    res: Response,
    form: 'settings' | 'reserve',
    run: () => Promise<{ key: string; params?: Record<string, number> }>,
  ) {
    try {
      const flash = await run();
      res.flash(flash.params ? 'info' : 'success', flash.key, flash.params);
      res.redirect(303, `${BASE}/${req.params.officeId}/${req.params.date}`);
    } catch (err) {
      if (!(err instanceof AppError) || !['invalid', 'conflict'].includes(err.code)) throw err;
      const fields = Object.fromEntries(
        Object.entries(err.fields).map(([k, f]) => [`${form}.${k}`, t(req, f.key, f.params)]),
      );
      const values = { [form]: formEcho(req.body) };
      await renderDay(
        req,
        res,
        { values, fields, formError: t(req, err.messageKey, err.params) },
        err.code === 'invalid' ? 422 : 409,
      );
    }
  }

  router.post('/:officeId/:date/settings', async (req, res) => {
    const { officeId, date } = dayParams(req);
    await submit(req, res, 'settings', async () => {
      const parsed = lotterySettingsSchema.safeParse(req.body);
      if (!parsed.success) throw new AppError('invalid', 'error.invalid', {}, fieldMessages(parsed.error));
      await lottery.configureDay(officeId, date, parsed.data);
      await services.audit.record({
        actor: req.staff!,
        action: 'lottery.settings',
        target: `day:${officeId}:${date}`,
        after: parsed.data,
        officeId,
      });
      return {
        key: parsed.data.mode === 'lottery' ? 'lottery.staff.saved_lottery' : 'lottery.staff.saved_fcfs',
      };
    });
  });

  router.post('/:officeId/:date/reserve', async (req, res) => {
    const { officeId, date } = dayParams(req);
    await submit(req, res, 'reserve', async () => {
      const parsed = reserveSchema.safeParse(req.body);
      if (!parsed.success) throw new AppError('invalid', 'error.invalid', {}, fieldMessages(parsed.error));
      const { shortfall } = await lottery.setReserve(officeId, date, parsed.data, req.staff!.id);
      await services.audit.record({
        actor: req.staff!,
        action: 'lottery.reserve',
        target: `day:${officeId}:${date}`,
        after: { ...parsed.data, shortfall },
        officeId,
      });
      return shortfall > 0
        ? { key: 'lottery.staff.reserve_shortfall', params: { n: shortfall } }
        : { key: 'lottery.staff.reserve_saved' };
    });
  });

  router.post('/:officeId/:date/draw', async (req, res) => {
    const { officeId, date } = dayParams(req);
    try {
      await lottery.drawIfDue(officeId, date);
      await services.audit.record({
        actor: req.staff!,
        action: 'lottery.draw',
        target: `day:${officeId}:${date}`,
        officeId,
      });
      res.flash('success', 'lottery.staff.drawn_flash');
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'conflict') throw err;
      res.flash('error', err.messageKey);
    }
    res.redirect(303, `${BASE}/${officeId}/${date}`);
  });

  async function renderPriority(
    req: Request,
    res: Response,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const { officeId, date } = dayParams(req);
    const view = await lottery.staffDay(officeId, date);
    renderStaff(
      res,
      'lottery/staff-priority',
      {
        title: t(req, 'lottery.priority.title'),
        navActive: 'lottery',
        view,
        base: `${BASE}/${officeId}/${date}`,
        idempotencyKey: randomBytes(18).toString('base64url'),
        values: { language: req.locale, partners: [{ idType: 'resident_id' }, { idType: 'resident_id' }] },
        fields: {},
        ...extra,
      },
      status,
    );
  }

  router.get('/:officeId/:date/priority', async (req, res) => {
    await renderPriority(req, res);
  });

  router.post('/:officeId/:date/priority', async (req, res) => {
    const { officeId, date } = dayParams(req);
    const values = formEcho(req.body);
    const keep = {
      values,
      idempotencyKey: (values.idempotencyKey as string) || randomBytes(18).toString('base64url'),
    };
    const parsed = priorityBookingSchema.safeParse(req.body);
    if (!parsed.success) {
      const fields = Object.fromEntries(
        Object.entries(fieldMessages(parsed.error)).map(([k, f]) => [k, t(req, f.key, f.params)]),
      );
      return renderPriority(req, res, { ...keep, fields, formError: t(req, 'error.invalid') }, 422);
    }
    try {
      const result = await lottery.bookFromReserve({
        officeId,
        date,
        start: parsed.data.start,
        partners: parsed.data.partners,
        email: parsed.data.email ?? '',
        language: parsed.data.language,
        ...(parsed.data.idempotencyKey ? { idempotencyKey: parsed.data.idempotencyKey } : {}),
        actor: req.staff!.id,
      });
      await services.audit.record({
        actor: req.staff!,
        action: 'lottery.priority_booking',
        target: {
          kind: 'appointment',
          id: result.appointment._id.toString(),
          label: result.appointment.reference,
        },
        officeId,
      });
      res.flash('success', 'lottery.priority.booked', { reference: result.appointment.reference });
      res.redirect(303, `${BASE}/${officeId}/${date}`);
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'unavailable' || err.code === 'forbidden') throw err;
      const fields = Object.fromEntries(
        Object.entries(err.fields).map(([k, f]) => [k, t(req, f.key, f.params)]),
      );
      const status = err.code === 'invalid' || err.code === 'no_show_blocked' ? 422 : 409;
      return renderPriority(
        req,
        res,
        { ...keep, fields, formError: t(req, err.messageKey, err.params) },
        status,
      );
    }
  });

  router.get('/:officeId/:date/result', async (req, res) => {
    const { officeId, date } = dayParams(req);
    const q = resultQuerySchema.parse(req.query);
    const result = await lottery.resultPage(officeId, date, q.page);
    const view = await lottery.staffDay(officeId, date);
    renderStaff(res, 'lottery/staff-result', {
      title: t(req, 'lottery.result.title'),
      navActive: 'lottery',
      result,
      view,
      base: `${BASE}/${officeId}/${date}`,
      preferenceText: (row: ResultRow) => preferenceText(req, row),
    });
  });

  router.get('/:officeId/:date/result.csv', async (req, res) => {
    const { officeId, date } = dayParams(req);
    const { rows, draw } = await lottery.resultRows(officeId, date);
    const head = [
      'rank',
      'reference',
      'preference',
      'draw_result',
      'status',
      'offered_slot',
      'passed_on',
      'names',
    ];
    const lines = [
      `# seed ${draw.seed}`,
      `# commitment ${draw.commitment}`,
      head.join(','),
      ...rows.map((row) =>
        [
          String(row.rank),
          row.reference,
          preferenceText(req, row),
          row.drawn ?? '',
          row.status,
          row.start ?? '',
          row.passedOn ? 'yes' : '',
          row.names.join(' / '),
        ]
          .map(csvCell)
          .join(','),
      ),
    ];
    res.type('text/csv; charset=utf-8');
    res.set('Content-Disposition', `attachment; filename="lottery-${date}.csv"`);
    res.set('Cache-Control', 'no-store');
    res.send(`\uFEFF${lines.join('\r\n')}\r\n`);
  });

  return router;
}
