import { type NextFunction, type Request, type Response, Router } from 'express';
import { DateTime } from 'luxon';
import type { Container } from '../../../container.ts';
import { translate } from '../../../i18n/translate.ts';
import type { CeremonyRecord } from '../../../services/ceremony/ceremony-records.ts';
import type { JoinResult } from '../../../services/ceremony/ceremony-service.ts';
import { AppError, notFound } from '../../../services/errors.ts';
import type { OfficeRecord } from '../../../services/schedule-service.ts';
import { assertOffice, canAccessOffice, requireStaff } from '../../middleware/staff-auth.ts';
import { fieldMessages, formEcho } from '../../middleware/validate.ts';
import {
  addCoupleSchema,
  attendanceSchema,
  ceremonyFormSchema,
  ceremonyInput,
  ceremonyStatusSchema,
  reorderSchema,
} from '../../schemas/ceremony-staff.schema.ts';
import { renderStaff } from './support.ts';

const BASE = '/staff/ceremonies';

/** The values of the session form for an existing ceremony (local labels in the office's zone). */
function formValues(c: CeremonyRecord, office: OfficeRecord): Record<string, unknown> {
  return {
    officeId: c.office.toString(),
    date: c.date,
    start: c.start,
    durationMinutes: String(c.durationMinutes),
    titleZh: c.title.zh,
    titleEn: c.title.en,
    themeZh: c.theme?.zh ?? '',
    themeEn: c.theme?.en ?? '',
    hallZh: c.hall.zh,
    hallEn: c.hall.en,
    presenterZh: c.presenter?.zh ?? '',
    presenterEn: c.presenter?.en ?? '',
    programmeZh: c.programme?.zh ?? '',
    programmeEn: c.programme?.en ?? '',
    seats: String(c.seats),
    minCouples: String(c.minCouples),
    signupDeadline: DateTime.fromJSDate(c.signupDeadline, { zone: office.timezone }).toFormat(
      "yyyy-MM-dd'T'HH:mm",
    ),
    offerHours: String(c.offerHours),
  };
}

/** A week ahead at 16:00, 7 couples as on Qixi, sign-up closing the day before at 17:00. */
function defaultValues(office: OfficeRecord, today: string): Record<string, unknown> {
  const date = DateTime.fromISO(today).plus({ days: 7 });
  return {
    officeId: office._id.toString(),
    date: date.toISODate(),
    start: '16:00',
    durationMinutes: '45',
    titleZh: '集体颁证仪式',
    titleEn: 'Group certificate ceremony',
    seats: '7',
    minCouples: '3',
    signupDeadline: `${date.minus({ days: 1 }).toISODate()}T17:00`,
    offerHours: '24',
  };
}

/**
 * The coordinators' console for ceremonies, mounted at /staff/ceremonies after the staff
 * router (which signs staff in and sets req.staff). Coordinators and administrators of the
 * ceremony's office only; registrars get 403.
 */
export function ceremonyRoutes(c: Container): Router {
  const router = Router();
  const { services } = c;
  const { ceremonies, schedule } = services;
  router.use(requireStaff('coordinator', 'admin'));

  const t = (req: Request, key: string, params?: Record<string, string | number>) =>
    translate(req.locale, key, params);

  async function officesOf(req: Request): Promise<OfficeRecord[]> {
    return (await schedule.listOffices()).filter((o) => canAccessOffice(req.staff, o._id.toString()));
  }

  /** Every /:id route: the ceremony must exist and belong to one of the coordinator's offices. */
  async function guard(req: Request, res: Response, next: NextFunction) {
    const officeId = await ceremonies.officeIdOf(String(req.params.id));
    if (!officeId) throw notFound('ceremony.not_found');
    assertOffice(req, officeId);
    res.locals.ceremonyOfficeId = officeId;
    next();
  }

  const page = (res: Response, view: string, locals: Record<string, unknown>, status = 200) =>
    renderStaff(res, view, { base: BASE, ...locals }, status);

  const titleOf = (req: Request, c: CeremonyRecord) =>
    req.locale === 'en' && c.title.en ? c.title.en : c.title.zh;

  /** Every change a coordinator makes goes to the audit log, with the ceremony and its office. */
  async function audit(req: Request, res: Response, action: string, after?: Record<string, unknown>) {
    await services.audit.record({
      actor: { id: req.staff!.id, name: req.staff!.name },
      action: `ceremony.${action}`,
      target: { kind: 'ceremony', id: String(req.params.id) },
      officeId: String(res.locals.ceremonyOfficeId ?? ''),
      ...(after ? { after } : {}),
    });
  }

  const rosterUrl = (req: Request) => `${BASE}/${String(req.params.id)}`;

  /** A roster action: refusals become an error flash, and the coordinator lands back on the roster. */
  async function act(req: Request, res: Response, action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'unavailable') throw err;
      res.flash('error', err.messageKey, err.params);
    }
    res.redirect(303, `${rosterUrl(req)}#roster`);
  }

  router.get('/', async (req, res) => {
    const offices = await officesOf(req);
    const past = req.query.past === '1';
    const today = offices[0] ? schedule.today(offices[0]) : DateTime.utc().toISODate()!;
    const from = DateTime.fromISO(today)
      .minus(past ? { years: 1 } : { days: 1 })
      .toISODate()!;
    const rows = offices.length
      ? await ceremonies.listForStaff(
          offices.map((o) => o._id.toString()),
          from,
        )
      : [];
    page(res, 'ceremonies/index', { title: t(req, 'ceremonies.title'), rows, offices, past, today });
  });

  async function renderForm(
    req: Request,
    res: Response,
    locals: {
      ceremony?: CeremonyRecord;
      values: Record<string, unknown>;
      fields?: Record<string, string>;
      formError?: string;
    },
    status = 200,
  ) {
    const offices = await officesOf(req);
    const officeId = String(locals.values.officeId ?? locals.ceremony?.office ?? '');
    const office = offices.find((o) => o._id.toString() === officeId) ?? offices[0];
    page(
      res,
      'ceremonies/form',
      {
        title: t(req, locals.ceremony ? 'ceremonies.form.edit_title' : 'ceremonies.form.new_title'),
        offices,
        office,
        fields: {},
        ...locals,
      },
      status,
    );
  }

  router.get('/new', async (req, res) => {
    const offices = await officesOf(req);
    const wanted = typeof req.query.office === 'string' ? req.query.office : '';
    const office = offices.find((o) => o._id.toString() === wanted) ?? offices[0];
    if (!office) throw new AppError('forbidden', 'error.forbidden');
    await renderForm(req, res, { values: defaultValues(office, schedule.today(office)) });
  });

  /** Turns a refusal of the session form into the form again, with the reasons beside the fields. */
  async function formFailure(
    req: Request,
    res: Response,
    err: unknown,
    locals: { ceremony?: CeremonyRecord; values: Record<string, unknown> },
  ) {
    if (!(err instanceof AppError) || err.code === 'unavailable' || err.code === 'forbidden') throw err;
    const fields = Object.fromEntries(
      Object.entries(err.fields).map(([k, f]) => [k, t(req, f.key, f.params)]),
    );
    const status = err.code === 'conflict' ? 409 : 422;
    await renderForm(req, res, { ...locals, fields, formError: t(req, err.messageKey, err.params) }, status);
  }

  router.post('/', async (req, res) => {
    const values = formEcho(req.body);
    const parsed = ceremonyFormSchema.safeParse(req.body);
    if (!parsed.success) {
      const fields = Object.fromEntries(
        Object.entries(fieldMessages(parsed.error)).map(([k, f]) => [k, t(req, f.key, f.params)]),
      );
      return renderForm(req, res, { values, fields, formError: t(req, 'error.invalid') }, 422);
    }
    const officeId = parsed.data.officeId ?? '';
    assertOffice(req, officeId);
    try {
      const created = await ceremonies.create(officeId, ceremonyInput(parsed.data), {
        status: parsed.data.status ?? 'draft',
        actor: req.staff!.id,
      });
      await services.audit.record({
        actor: { id: req.staff!.id, name: req.staff!.name },
        action: 'ceremony.create',
        target: { kind: 'ceremony', id: created._id.toString(), label: created.title.zh },
        officeId,
        after: { date: created.date, start: created.start, seats: created.seats, status: created.status },
      });
      res.flash('success', 'ceremonies.flash.created');
      res.redirect(303, `${BASE}/${created._id.toString()}`);
    } catch (err) {
      await formFailure(req, res, err, { values });
    }
  });

  router.get('/:id', guard, async (req, res) => {
    const roster = await ceremonies.roster(String(req.params.id));
    page(res, 'ceremonies/roster', { title: titleOf(req, roster.ceremony), roster });
  });

  router.get('/:id/print', guard, async (req, res) => {
    const roster = await ceremonies.roster(String(req.params.id));
    page(res, 'ceremonies/print', {
      title: t(req, 'ceremonies.print_title', { title: titleOf(req, roster.ceremony) }),
      roster,
      printCss: true,
      bodyClass: 'staff print-view',
    });
  });

  router.get('/:id/edit', guard, async (req, res) => {
    const { ceremony, office } = await ceremonies.get(String(req.params.id));
    await renderForm(req, res, { ceremony, values: formValues(ceremony, office) });
  });

  router.post('/:id', guard, async (req, res) => {
    const { ceremony } = await ceremonies.get(String(req.params.id));
    const values = { ...formEcho(req.body), officeId: ceremony.office.toString() };
    const parsed = ceremonyFormSchema.safeParse(req.body);
    if (!parsed.success) {
      const fields = Object.fromEntries(
        Object.entries(fieldMessages(parsed.error)).map(([k, f]) => [k, t(req, f.key, f.params)]),
      );
      return renderForm(req, res, { ceremony, values, fields, formError: t(req, 'error.invalid') }, 422);
    }
    try {
      const updated = await ceremonies.update(
        ceremony._id.toString(),
        ceremonyInput(parsed.data),
        req.staff!.id,
      );
      await audit(req, res, 'update', { date: updated.date, start: updated.start, seats: updated.seats });
      res.flash('success', 'ceremonies.flash.updated');
      res.redirect(303, `${BASE}/${ceremony._id.toString()}`);
    } catch (err) {
      await formFailure(req, res, err, { ceremony, values });
    }
  });

  router.post('/:id/status', guard, async (req, res) => {
    await act(req, res, async () => {
      const parsed = ceremonyStatusSchema.safeParse(req.body);
      if (!parsed.success) throw new AppError('invalid', 'error.invalid');
      await ceremonies.setStatus(String(req.params.id), parsed.data.status, req.staff!.id);
      await audit(req, res, 'status', { status: parsed.data.status });
      res.flash('success', 'ceremonies.flash.status', {
        status: t(req, `ceremony.status.${parsed.data.status}`),
      });
    });
  });

  router.post('/:id/cancel', guard, async (req, res) => {
    await act(req, res, async () => {
      await ceremonies.cancel(String(req.params.id), req.staff!.id);
      await audit(req, res, 'cancel', { status: 'cancelled' });
      res.flash('success', 'ceremonies.flash.cancelled');
    });
  });

  router.post('/:id/add', guard, async (req, res) => {
    await act(req, res, async () => {
      const parsed = addCoupleSchema.safeParse(req.body);
      if (!parsed.success) throw new AppError('invalid', 'ceremony.error.reference_not_found');
      const result: JoinResult = await ceremonies.addByReference(
        String(req.params.id),
        parsed.data.reference,
        req.staff!.id,
      );
      await audit(req, res, 'add', { reference: parsed.data.reference, ...result });
      if (result.status === 'waitlisted')
        res.flash('info', 'ceremonies.flash.added_waitlisted', { position: result.position ?? '' });
      else res.flash('success', 'ceremonies.flash.added_seated');
    });
  });

  router.post('/:id/sort', guard, async (req, res) => {
    await act(req, res, async () => {
      await ceremonies.sortBySlot(String(req.params.id));
      await audit(req, res, 'sort');
      res.flash('success', 'ceremonies.flash.sorted');
    });
  });

  router.post('/:id/seats/:seatId/confirm', guard, async (req, res) => {
    await act(req, res, async () => {
      await ceremonies.confirm(String(req.params.id), String(req.params.seatId));
      await audit(req, res, 'confirm', { seat: String(req.params.seatId) });
      res.flash('success', 'ceremonies.flash.confirmed');
    });
  });

  router.post('/:id/seats/:seatId/decline', guard, async (req, res) => {
    await act(req, res, async () => {
      await ceremonies.decline(String(req.params.id), String(req.params.seatId));
      await audit(req, res, 'decline', { seat: String(req.params.seatId) });
      res.flash('success', 'ceremonies.flash.declined');
    });
  });

  router.post('/:id/seats/:seatId/attendance', guard, async (req, res) => {
    await act(req, res, async () => {
      const parsed = attendanceSchema.safeParse(req.body);
      if (!parsed.success) throw new AppError('invalid', 'error.invalid');
      await ceremonies.setAttendance(
        String(req.params.id),
        String(req.params.seatId),
        parsed.data.attended === 'yes',
      );
      await audit(req, res, 'attendance', {
        seat: String(req.params.seatId),
        attended: parsed.data.attended,
      });
      res.flash('success', 'ceremonies.flash.attendance');
    });
  });

  router.post('/:id/seats/:seatId/move', guard, async (req, res) => {
    await act(req, res, async () => {
      const parsed = reorderSchema.safeParse(req.body);
      if (!parsed.success) throw new AppError('invalid', 'error.invalid');
      await ceremonies.move(String(req.params.id), String(req.params.seatId), parsed.data.direction);
      await audit(req, res, 'reorder', { seat: String(req.params.seatId), direction: parsed.data.direction });
      res.flash('success', 'ceremonies.flash.moved');
    });
  });

  return router;
}
