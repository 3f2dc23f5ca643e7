// Planning capacity: day plans (with a slot-by-slot preview before saving), the weekly
// template, the holiday-notice import, the peak-day planner and the emergency closure.
// Every page is one form that first previews (step=preview) and then saves (step=apply)
// with the preview's fingerprint, so what is saved is what staff saw.
import { type Request, type Response, Router } from 'express';
import type { Container } from '../../../container.ts';
import { isLocalDate } from '../../../domain/local-time.ts';
import type { WeekdayTemplate } from '../../../domain/schedule-types.ts';
import { translate } from '../../../i18n/translate.ts';
import { AppError } from '../../../services/errors.ts';
import type { OfficeRecord } from '../../../services/schedule-service.ts';
import { planFields } from '../../../services/staff/capacity-sync.ts';
import { type PlanInput, toPlanInput } from '../../../services/staff/plan-input.ts';
import { requireStaff } from '../../middleware/staff-auth.ts';
import { sessionsToText } from '../../schemas/staff-common.schema.ts';
import {
  closeDaySchema,
  customPeakRemoveSchema,
  customPeakSchema,
  importFormSchema,
  type PlanForm,
  planFormSchema,
  planRemoveSchema,
  templateFormSchema,
  WEEKDAY_KEYS,
} from '../../schemas/staff-plan.schema.ts';
import { fieldsOf, isFormError, me, officeOf, parseForm, renderStaff, statusOfFormError } from './support.ts';

function dateParam(req: Request): string {
  const date = String(req.params.date ?? '');
  if (!isLocalDate(date)) throw new AppError('not_found', 'error.404');
  return date;
}

function toInput(form: PlanForm): PlanInput {
  const { step: _s, fingerprint: _f, ...input } = form;
  return input;
}

/** What the form's inputs show for plan values (sessions as text). */
function formValues(input: PlanInput | undefined): Record<string, unknown> {
  if (!input) return { kind: 'peak' };
  return { ...input, sessions: sessionsToText(input.sessions) };
}

export function planRoutes(container: Container): Router {
  const router = Router();
  const { staff: s, schedule } = container.services;
  const planners = requireStaff('admin', 'registrar');
  const t = (req: Request, key: string, params?: Record<string, string | number>) =>
    translate(req.locale, key, params);

  // ---- day plans ----

  router.get('/offices/:officeId/plans', planners, async (req, res) => {
    const office = await officeOf(req, container.services);
    const today = schedule.today(office);
    const date =
      typeof req.query.date === 'string' && isLocalDate(req.query.date) ? req.query.date : undefined;
    if (date) return res.redirect(303, `/staff/offices/${office._id}/plans/${date}`);
    renderStaff(res, 'staff/plans', {
      title: t(req, 'staff.plans.title'),
      office,
      today,
      plans: await s.planning.upcomingPlans(office, today),
    });
  });

  async function planPage(
    req: Request,
    res: Response,
    office: OfficeRecord,
    date: string,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const stored = planFields(await s.planning.storedPlan(office, date));
    const current = await s.planning.dayState(office, date);
    renderStaff(
      res,
      'staff/plan',
      {
        title: t(req, 'staff.plan.title', { date }),
        office,
        date,
        stored,
        current,
        values: formValues(stored ? toPlanInputOf(stored, office) : undefined),
        ...extra,
      },
      status,
    );
  }

  const toPlanInputOf = (plan: ReturnType<typeof planFields>, office: OfficeRecord) =>
    toPlanInput(plan, office.timezone) as PlanInput;

  router.get('/offices/:officeId/plans/:date', planners, async (req, res) => {
    const office = await officeOf(req, container.services);
    const date = dateParam(req);
    if (date < schedule.today(office)) throw new AppError('invalid', 'staff.plan_past');
    const extra: Record<string, unknown> = {};
    if (typeof req.query.suggest === 'string') {
      const suggestion = (await s.planning.peakSuggestions(office)).find((x) => x.date === date);
      extra.values = formValues(s.planning.peakDraft(office, date, suggestion));
      extra.fromSuggestion = true;
    } else if (req.query.kind === 'closed' || req.query.kind === 'special' || req.query.kind === 'peak') {
      extra.values = { kind: req.query.kind };
    }
    await planPage(req, res, office, date, extra);
  });

  router.post('/offices/:officeId/plans/:date', planners, async (req, res) => {
    const office = await officeOf(req, container.services);
    const date = dateParam(req);
    const parsed = parseForm(req, planFormSchema);
    if (!parsed.ok) {
      return planPage(
        req,
        res,
        office,
        date,
        { values: req.body, fields: parsed.fields, formError: parsed.message },
        422,
      );
    }
    const input = toInput(parsed.data);
    try {
      if (parsed.data.step === 'preview') {
        const preview = await s.planning.previewPlan(office, date, input);
        return planPage(req, res, office, date, { values: req.body, preview });
      }
      const result = await s.planning.applyPlan(office, date, input, me(req), parsed.data.fingerprint);
      res.flash(
        'success',
        result.closedAppointments.length ? 'staff.plan_saved_closed' : 'staff.plan_saved',
        {
          date,
          before: result.preview.day.preview.totalBefore,
          after: result.preview.day.preview.totalAfter,
          n: result.closedAppointments.length,
        },
      );
      res.redirect(303, `/staff/offices/${office._id}/plans/${date}`);
    } catch (err) {
      if (!isFormError(err)) throw err;
      // An outdated preview is shown again, fresh, for another look.
      const preview =
        err.code === 'conflict'
          ? await s.planning.previewPlan(office, date, input).catch(() => undefined)
          : undefined;
      return planPage(
        req,
        res,
        office,
        date,
        {
          values: req.body,
          preview,
          fields: fieldsOf(req, err),
          formError: t(req, err.messageKey, err.params),
        },
        statusOfFormError(err),
      );
    }
  });

  router.post('/offices/:officeId/plans/:date/remove', planners, async (req, res) => {
    const office = await officeOf(req, container.services);
    const date = dateParam(req);
    const parsed = parseForm(req, planRemoveSchema);
    if (!parsed.ok) throw new AppError('invalid', 'error.invalid');
    try {
      if (parsed.data.step === 'preview') {
        const removal = await s.planning.previewPlan(office, date, null);
        return planPage(req, res, office, date, { removal });
      }
      const result = await s.planning.applyPlan(office, date, null, me(req), parsed.data.fingerprint);
      res.flash('success', 'staff.plan_removed', {
        date,
        before: result.preview.day.preview.totalBefore,
        after: result.preview.day.preview.totalAfter,
      });
      res.redirect(303, `/staff/offices/${office._id}/plans`);
    } catch (err) {
      if (!isFormError(err)) throw err;
      res.flash('error', err.messageKey, err.params);
      res.redirect(303, `/staff/offices/${office._id}/plans/${date}`);
    }
  });

  // ---- emergency closure ----

  async function closePage(
    req: Request,
    res: Response,
    office: OfficeRecord,
    date: string,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const preview = await s.planning.previewPlan(office, date, {
      kind: 'closed',
      messageZh: (extra.values as Record<string, string> | undefined)?.messageZh,
      messageEn: (extra.values as Record<string, string> | undefined)?.messageEn,
    });
    renderStaff(
      res,
      'staff/close-day',
      { title: t(req, 'staff.close.title', { date }), office, date, preview, values: {}, ...extra },
      status,
    );
  }

  router.get('/offices/:officeId/days/:date/close', planners, async (req, res) => {
    const office = await officeOf(req, container.services);
    await closePage(req, res, office, dateParam(req));
  });

  router.post('/offices/:officeId/days/:date/close', planners, async (req, res) => {
    const office = await officeOf(req, container.services);
    const date = dateParam(req);
    const parsed = parseForm(req, closeDaySchema);
    if (!parsed.ok)
      return closePage(
        req,
        res,
        office,
        date,
        { values: req.body, fields: parsed.fields, formError: parsed.message },
        422,
      );
    const input: PlanInput = {
      kind: 'closed',
      messageZh: parsed.data.messageZh,
      messageEn: parsed.data.messageEn,
    };
    if (parsed.data.step === 'preview')
      return closePage(req, res, office, date, { values: req.body, confirming: true });
    try {
      const result = await s.planning.applyPlan(office, date, input, me(req), parsed.data.fingerprint);
      res.flash('success', 'staff.day_closed', { date, n: result.closedAppointments.length });
      res.redirect(303, `/staff/offices/${office._id}/roster?date=${date}`);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return closePage(
        req,
        res,
        office,
        date,
        { values: req.body, confirming: true, formError: t(req, err.messageKey, err.params) },
        statusOfFormError(err),
      );
    }
  });

  // ---- weekly template ----

  async function templatePage(
    req: Request,
    res: Response,
    office: OfficeRecord,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const windows = await s.windows.list(office);
    const days: Record<string, Record<string, unknown>> = {};
    WEEKDAY_KEYS.forEach((key, i) => {
      const entry = office.weeklyTemplate.find((e) => e.weekday === i + 1);
      days[key] = {
        open: Boolean(entry?.sessions.length),
        sessions: sessionsToText(entry?.sessions),
        slotMinutes: entry?.slotMinutes ?? 30,
        windowsOpen: entry?.windowsOpen ?? 0,
      };
    });
    renderStaff(
      res,
      'staff/template',
      {
        title: t(req, 'staff.template.title'),
        office,
        openWindows: windows.filter((w) => w.open && !(w.from && w.to)).length,
        values: { days },
        ...extra,
      },
      status,
    );
  }

  /** The form's weekdays as a template; a closed weekday keeps its numbers with no hours. */
  function templateOf(
    office: OfficeRecord,
    days: Record<
      string,
      { open: boolean; sessions: { start: string; end: string }[]; slotMinutes: number; windowsOpen: number }
    >,
  ): WeekdayTemplate[] {
    return WEEKDAY_KEYS.map((key, i) => {
      const d = days[key]!;
      const existing = office.weeklyTemplate.find((e) => e.weekday === i + 1);
      const couples =
        existing?.couplesPerWindow ??
        office.weeklyTemplate.find((e) => e.sessions.length)?.couplesPerWindow ??
        3;
      return {
        weekday: i + 1,
        sessions: d.open ? d.sessions : [],
        slotMinutes: d.slotMinutes,
        windowsOpen: d.windowsOpen,
        couplesPerWindow: couples,
      };
    });
  }

  router.get('/offices/:officeId/template', planners, async (req, res) => {
    await templatePage(req, res, await officeOf(req, container.services));
  });

  router.post('/offices/:officeId/template', planners, async (req, res) => {
    const office = await officeOf(req, container.services);
    const parsed = parseForm(req, templateFormSchema);
    if (!parsed.ok)
      return templatePage(
        req,
        res,
        office,
        { values: req.body, fields: parsed.fields, formError: parsed.message },
        422,
      );
    const template = templateOf(office, parsed.data.days);
    const openWithoutHours = WEEKDAY_KEYS.find(
      (k) => parsed.data.days[k].open && parsed.data.days[k].sessions.length === 0,
    );
    try {
      if (openWithoutHours) {
        throw new AppError(
          'invalid',
          'staff.template_open_without_hours',
          {},
          {
            [`days.${openWithoutHours}.sessions`]: { key: 'staff.template_open_without_hours' },
          },
        );
      }
      if (parsed.data.step === 'preview') {
        const preview = await s.planning.previewTemplate(office, template);
        return templatePage(req, res, office, { values: req.body, preview });
      }
      const result = await s.planning.applyTemplate(office, template, me(req), parsed.data.fingerprint);
      res.flash(result.overbookedSlots ? 'error' : 'success', 'staff.template_saved', {
        days: result.days.length,
        slots: result.overbookedSlots,
      });
      res.redirect(303, `/staff/offices/${office._id}/template`);
    } catch (err) {
      if (!isFormError(err)) throw err;
      const preview =
        err.code === 'conflict'
          ? await s.planning.previewTemplate(office, template).catch(() => undefined)
          : undefined;
      // Field keys from the service name weekdays by number; the form names them w1..w7.
      const fields = Object.fromEntries(
        Object.entries(fieldsOf(req, err)).map(([k, v]) => [k.replace(/^days\.(\d)\./, 'days.w$1.'), v]),
      );
      return templatePage(
        req,
        res,
        office,
        { values: req.body, preview, fields, formError: t(req, err.messageKey, err.params) },
        statusOfFormError(err),
      );
    }
  });

  // ---- holiday notice import ----

  router.get('/offices/:officeId/import', planners, async (req, res) => {
    const office = await officeOf(req, container.services);
    renderStaff(res, 'staff/import', { title: t(req, 'staff.import.title'), office, values: { csv: '' } });
  });

  router.post('/offices/:officeId/import', planners, async (req, res) => {
    const office = await officeOf(req, container.services);
    const parsed = parseForm(req, importFormSchema);
    const page = (extra: Record<string, unknown>, status = 200) =>
      renderStaff(
        res,
        'staff/import',
        { title: t(req, 'staff.import.title'), office, values: req.body, ...extra },
        status,
      );
    if (!parsed.ok) return page({ fields: parsed.fields, formError: parsed.message }, 422);
    const preview = await s.planning.previewImport(office, parsed.data.csv);
    if (parsed.data.step === 'preview' || !preview.ok) {
      return page(
        {
          preview,
          ...(preview.ok
            ? {}
            : { formError: t(req, 'staff.import_rejected', { errors: preview.errors.length }) }),
        },
        preview.ok || parsed.data.step === 'preview' ? 200 : 422,
      );
    }
    const applied = await s.planning.applyImport(office, parsed.data.csv, me(req));
    res.flash('success', 'staff.import_applied', {
      n: applied.lines.filter((l) => l.outcome === 'create' || l.outcome === 'replace').length,
    });
    res.redirect(303, `/staff/offices/${office._id}/plans`);
  });

  // ---- peak-day planner ----

  router.get('/offices/:officeId/peak-days', planners, async (req, res) => {
    const office = await officeOf(req, container.services);
    renderStaff(res, 'staff/peak-days', {
      title: t(req, 'staff.peak.title'),
      office,
      suggestions: await s.planning.peakSuggestions(office),
    });
  });

  router.post('/offices/:officeId/peak-days', planners, async (req, res) => {
    const office = await officeOf(req, container.services);
    const parsed = parseForm(req, customPeakSchema);
    try {
      if (!parsed.ok) throw new AppError('invalid', 'error.invalid');
      const { month, day, labelZh, labelEn } = parsed.data;
      await s.offices.addPeakDay(
        office._id.toString(),
        { month, day, label: { zh: labelZh, en: labelEn ?? labelZh } },
        me(req),
      );
      res.flash('success', 'flash.saved');
    } catch (err) {
      if (!isFormError(err)) throw err;
      res.flash('error', err.messageKey, err.params);
    }
    res.redirect(303, `/staff/offices/${office._id}/peak-days`);
  });

  router.post('/offices/:officeId/peak-days/remove', planners, async (req, res) => {
    const office = await officeOf(req, container.services);
    const parsed = parseForm(req, customPeakRemoveSchema);
    if (!parsed.ok) throw new AppError('invalid', 'error.invalid');
    await s.offices.removePeakDay(office._id.toString(), parsed.data.month, parsed.data.day, me(req));
    res.flash('success', 'flash.saved');
    res.redirect(303, `/staff/offices/${office._id}/peak-days`);
  });

  return router;
}
