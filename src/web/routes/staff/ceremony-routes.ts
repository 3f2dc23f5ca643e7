// The coordinators' console for ceremonies, mounted at /staff/ceremonies: the sessions, the
// session form, the roster and its print view, and the roster's buttons. Coordinators and
// administrators of the ceremony's office only; registrars get 403.

import { type NextFunction, type Request, type Response, Router } from 'express';
import { DateTime } from 'luxon';
import type { Container } from '../../../container.ts';
import { dateTimeInputOf } from '../../../domain/local-time.ts';
import { translate } from '../../../i18n/translate.ts';
import type { CeremonyRecord } from '../../../services/ceremony/ceremony-records.ts';
import { AppError, notFound } from '../../../services/errors.ts';
import type { OfficeRecord } from '../../../services/schedule-service.ts';
import { assertOffice, canAccessOffice, requireStaff } from '../../middleware/staff-auth.ts';
import { form, type Refused } from '../../route.ts';
import { ceremonyFormSchema, ceremonyInput, openOptions } from '../../schemas/ceremony-staff.schema.ts';
import { rosterButtons, seatButtons } from './ceremony-roster-routes.ts';
import { me, refusedForm, renderStaff } from './support.ts';

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
    signupDeadline: dateTimeInputOf(c.signupDeadline, office.timezone),
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

type Services = Container['services'];

async function officesOf(services: Services, req: Request): Promise<OfficeRecord[]> {
  return (await services.schedule.listOffices()).filter((o) => canAccessOffice(req.staff, o._id.toString()));
}

const page = (res: Response, view: string, locals: object, status = 200) =>
  renderStaff(res, view, { base: BASE, ...locals }, status);

const titleOf = (req: Request, c: CeremonyRecord) =>
  req.locale === 'en' && c.title.en ? c.title.en : c.title.zh;
const ceremonyId = (req: Request) => String(req.params.id);

export function ceremonyRoutes(c: Container): Router {
  const router = Router();
  const { ceremonies, schedule } = c.services;
  router.use(requireStaff('coordinator', 'admin'));

  /** Every /:id route: the ceremony must exist and belong to one of the coordinator's offices. */
  async function guard(req: Request, _res: Response, next: NextFunction) {
    const officeId = await ceremonies.officeIdOf(ceremonyId(req));
    if (!officeId) throw notFound('ceremony.not_found');
    assertOffice(req, officeId);
    next();
  }

  router.get('/', async (req, res) => listPage(c, req, res));
  router.get('/new', async (req, res) => {
    const offices = await officesOf(c.services, req);
    const wanted = typeof req.query.office === 'string' ? req.query.office : '';
    const office = offices.find((o) => o._id.toString() === wanted) ?? offices[0];
    if (!office) throw new AppError('forbidden', 'error.forbidden');
    await sessionForm(c, req, res, { values: defaultValues(office, schedule.today(office)) });
  });
  router.post('/', createSession(c));
  router.get('/:id', guard, async (req, res) => {
    const roster = await ceremonies.roster(ceremonyId(req));
    const closedDay = await ceremonies.isClosedDay(roster.ceremony.office.toString(), roster.ceremony.date);
    page(res, 'staff/ceremonies/roster', { title: titleOf(req, roster.ceremony), roster, closedDay });
  });
  router.get('/:id/print', guard, async (req, res) => {
    const roster = await ceremonies.roster(ceremonyId(req));
    page(res, 'staff/ceremonies/print', {
      title: translate(req.locale, 'ceremonies.print_title', { title: titleOf(req, roster.ceremony) }),
      roster,
      printCss: true,
      bodyClass: 'staff print-view',
    });
  });
  router.get('/:id/edit', guard, async (req, res) => {
    const { ceremony, office } = await ceremonies.get(ceremonyId(req));
    await sessionForm(c, req, res, { ceremony, values: formValues(ceremony, office) });
  });
  router.post('/:id', guard, updateSession(c));
  rosterButtons(c, router, guard);
  seatButtons(c, router, guard);
  return router;
}

async function listPage(c: Container, req: Request, res: Response) {
  const offices = await officesOf(c.services, req);
  const past = req.query.past === '1';
  const today = offices[0] ? c.services.schedule.today(offices[0]) : DateTime.utc().toISODate()!;
  const from = DateTime.fromISO(today)
    .minus(past ? { years: 1 } : { days: 1 })
    .toISODate()!;
  const ids = offices.map((o) => o._id.toString());
  const rows = offices.length ? await c.services.ceremonies.listForStaff(ids, from) : [];
  page(res, 'staff/ceremonies/index', {
    title: translate(req.locale, 'ceremonies.title'),
    rows,
    offices,
    past,
    today,
  });
}

interface SessionFormLocals {
  ceremony?: CeremonyRecord;
  values: Record<string, unknown>;
  fields?: Record<string, string>;
  formError?: string;
}

async function sessionForm(
  c: Container,
  req: Request,
  res: Response,
  locals: SessionFormLocals,
  status = 200,
) {
  const offices = await officesOf(c.services, req);
  const officeId = String(locals.values.officeId ?? locals.ceremony?.office ?? '');
  const office = offices.find((o) => o._id.toString() === officeId) ?? offices[0];
  const title = locals.ceremony ? 'ceremonies.form.edit_title' : 'ceremonies.form.new_title';
  page(
    res,
    'staff/ceremonies/form',
    { title: translate(req.locale, title), offices, office, fields: {}, ...locals },
    status,
  );
}

/** The session form again, with the reasons beside the fields. */
const sessionFormAgain =
  (c: Container) =>
  (req: Request, res: Response, refused: Refused<{ ceremony?: CeremonyRecord; officeId?: string }>) =>
    sessionForm(
      c,
      req,
      res,
      {
        ...refusedForm(refused),
        ...(refused.ctx.ceremony ? { ceremony: refused.ctx.ceremony } : {}),
        values: { ...refused.values, ...(refused.ctx.officeId ? { officeId: refused.ctx.officeId } : {}) },
      },
      refused.status,
    );

function createSession(c: Container) {
  return form({
    schema: ceremonyFormSchema,
    load: () => ({}),
    show: sessionFormAgain(c),
    run: async (input, req, res) => {
      const officeId = input.officeId ?? '';
      assertOffice(req, officeId);
      const created = await c.services.ceremonies.coordinator.create(officeId, ceremonyInput(input), {
        status: input.status ?? 'draft',
        actor: me(req).id,
        ...openOptions(input),
      });
      res.flash('success', 'ceremonies.flash.created');
      res.redirect(303, `${BASE}/${created._id.toString()}`);
    },
  });
}

function updateSession(c: Container) {
  return form({
    schema: ceremonyFormSchema,
    load: async (req) => {
      const { ceremony } = await c.services.ceremonies.get(ceremonyId(req));
      return { ceremony, officeId: ceremony.office.toString() };
    },
    show: sessionFormAgain(c),
    run: async (input, req, res, { ceremony }) => {
      await c.services.ceremonies.coordinator.update(
        ceremony._id.toString(),
        ceremonyInput(input),
        me(req).id,
        openOptions(input),
      );
      res.flash('success', 'ceremonies.flash.updated');
      res.redirect(303, `${BASE}/${ceremony._id.toString()}`);
    },
  });
}
