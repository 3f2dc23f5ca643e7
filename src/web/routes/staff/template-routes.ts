// The weekly template: each weekday's sessions, slot length and open windows, previewed slot
// by slot over the weeks ahead before it is saved (step=preview, then step=apply with the
// preview's fingerprint).
import { type Request, type Response, Router } from 'express';
import type { Container } from '../../../container.ts';
import type { WeekdayTemplate } from '../../../domain/schedule-types.ts';
import { translate } from '../../../i18n/translate.ts';
import { AppError } from '../../../services/errors.ts';
import type { OfficeRecord } from '../../../services/schedule-service.ts';
import { formEcho } from '../../form-values.ts';
import { requireStaff } from '../../middleware/staff-auth.ts';
import { form } from '../../route.ts';
import { sessionsToText } from '../../schemas/staff-common.schema.ts';
import { type TemplateForm, templateFormSchema, WEEKDAY_KEYS } from '../../schemas/staff-plan.schema.ts';
import { me, officeOf, renderStaff } from './support.ts';

const TEMPLATE = '/offices/:officeId/template';

export function templateRoutes(c: Container): Router {
  const router = Router();
  const planning = c.services.staff.planning;
  const planners = requireStaff('admin', 'registrar');
  const office = (req: Request) => officeOf(req, c);

  router.get(TEMPLATE, planners, async (req, res) => templatePage(c, req, res, await office(req)));
  router.post(
    TEMPLATE,
    planners,
    form({
      load: office,
      schema: templateFormSchema,
      show: async (req, res, refused) => {
        // An outdated preview is shown again, fresh, for another look.
        const sent = templateFormSchema.safeParse(req.body);
        const preview =
          refused.code === 'conflict' && sent.success
            ? await planning
                .previewTemplate(refused.ctx, templateOf(refused.ctx, sent.data.days))
                .catch(() => undefined)
            : undefined;
        // Field keys from the service name weekdays by number; the form names them w1..w7.
        const fields = Object.fromEntries(
          Object.entries(refused.fields).map(([k, v]) => [k.replace(/^days\.(\d)\./, 'days.w$1.'), v]),
        );
        const locals = { values: refused.values, preview, fields, formError: refused.message };
        await templatePage(c, req, res, refused.ctx, locals, refused.status);
      },
      run: async (input, req, res, at) => {
        assertHours(input);
        const template = templateOf(at, input.days);
        if (input.step === 'preview') {
          const preview = await planning.previewTemplate(at, template);
          return templatePage(c, req, res, at, { values: formEcho(req.body), preview });
        }
        const result = await planning.applyTemplate(at, template, me(req), input.fingerprint);
        res.flash(result.overbookedSlots ? 'error' : 'success', 'staff.template_saved', {
          days: result.days.length,
          slots: result.overbookedSlots,
        });
        res.redirect(303, `/staff/offices/${at._id}/template`);
      },
    }),
  );
  return router;
}

/** An open weekday needs its hours. */
function assertHours(input: TemplateForm): void {
  const open = WEEKDAY_KEYS.find((k) => input.days[k].open && input.days[k].sessions.length === 0);
  if (!open) return;
  throw new AppError(
    'invalid',
    'staff.template_open_without_hours',
    {},
    { [`days.${open}.sessions`]: { key: 'staff.template_open_without_hours' } },
  );
}

/** The form's weekdays as a template; a closed weekday keeps its numbers with no hours. */
function templateOf(office: OfficeRecord, days: TemplateForm['days']): WeekdayTemplate[] {
  return WEEKDAY_KEYS.map((key, i) => {
    const d = days[key];
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

async function templatePage(
  c: Container,
  req: Request,
  res: Response,
  office: OfficeRecord,
  extra: object = {},
  status = 200,
) {
  const windows = await c.services.staff.windows.list(office);
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
      title: translate(req.locale, 'staff.template.title'),
      office,
      openWindows: windows.filter((w) => w.open && !(w.from && w.to)).length,
      values: { days },
      ...extra,
    },
    status,
  );
}
