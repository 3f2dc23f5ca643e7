// Day plans: the list of plans ahead, and one day's plan (closed, special opening or peak day)
// with a slot-by-slot preview before saving. The form first previews (step=preview) and then
// saves (step=apply) with the preview's fingerprint, so that what is saved is what staff saw.
import { type Request, type Response, Router } from 'express';
import type { Container } from '../../../container.ts';
import { isLocalDate } from '../../../domain/local-time.ts';
import { translate } from '../../../i18n/translate.ts';
import { AppError } from '../../../services/errors.ts';
import type { OfficeRecord } from '../../../services/schedule-service.ts';
import { planFields } from '../../../services/staff/capacity-sync.ts';
import { type PlanInput, toPlanInput } from '../../../services/staff/plan-input.ts';
import { formEcho } from '../../form-values.ts';
import { requireStaff } from '../../middleware/staff-auth.ts';
import { form } from '../../route.ts';
import { sessionsToText } from '../../schemas/staff-common.schema.ts';
import { type PlanForm, planFormSchema, planRemoveSchema } from '../../schemas/staff-plan.schema.ts';
import { dateParam, me, officeOf, refusedForm, renderStaff } from './support.ts';

const PLAN = '/offices/:officeId/plans/:date';

function toInput(form: PlanForm): PlanInput {
  const { step: _s, fingerprint: _f, ...input } = form;
  return input;
}

/** What the form's inputs show for plan values (sessions as text). */
export function planValues(input: PlanInput | undefined): Record<string, unknown> {
  if (!input) return { kind: 'peak' };
  return { ...input, sessions: sessionsToText(input.sessions) };
}

export function dayPlanRoutes(c: Container): Router {
  const router = Router();
  const planning = c.services.staff.planning;
  const planners = requireStaff('admin', 'registrar');
  const day = async (req: Request) => ({ office: await officeOf(req, c), date: dateParam(req) });
  const planUrl = (req: Request) => `/staff/offices/${req.params.officeId}/plans/${req.params.date}`;

  router.get('/offices/:officeId/plans', planners, async (req, res) => {
    const office = await officeOf(req, c);
    const today = c.services.schedule.today(office);
    const date =
      typeof req.query.date === 'string' && isLocalDate(req.query.date) ? req.query.date : undefined;
    if (date) return res.redirect(303, `/staff/offices/${office._id}/plans/${date}`);
    renderStaff(res, 'staff/plans', {
      title: translate(req.locale, 'staff.plans.title'),
      office,
      today,
      plans: await planning.upcomingPlans(office, today),
    });
  });
  router.get(PLAN, planners, async (req, res) => {
    const { office, date } = await day(req);
    if (date < c.services.schedule.today(office)) throw new AppError('invalid', 'staff.plan_past');
    await planPage(c, req, res, office, date, await startingValues(c, req, office, date));
  });
  router.post(PLAN, planners, savePlan(c, day));
  router.post(
    `${PLAN}/remove`,
    planners,
    form({
      load: day,
      schema: planRemoveSchema,
      whenInvalid: () => new AppError('invalid', 'error.invalid'),
      // A refused removal is said on the plan's page.
      show: (req, res, refused) => {
        res.flash('error', refused.key, refused.params);
        res.redirect(303, planUrl(req));
      },
      run: async ({ step, fingerprint }, req, res, { office, date }) => {
        if (step === 'preview') {
          const removal = await planning.previewPlan(office, date, null);
          return planPage(c, req, res, office, date, { removal });
        }
        const result = await planning.applyPlan(office, date, null, me(req), fingerprint);
        res.flash('success', 'staff.plan_removed', {
          date,
          before: result.preview.day.preview.totalBefore,
          after: result.preview.day.preview.totalAfter,
        });
        res.redirect(303, `/staff/offices/${office._id}/plans`);
      },
    }),
  );
  return router;
}

/** A new plan's starting values: from a peak-day suggestion, or of the kind asked for. */
async function startingValues(c: Container, req: Request, office: OfficeRecord, date: string) {
  const planning = c.services.staff.planning;
  if (typeof req.query.suggest === 'string') {
    const suggestion = (await planning.peakSuggestions(office)).find((x) => x.date === date);
    return { values: planValues(planning.peakDraft(office, date, suggestion)), fromSuggestion: true };
  }
  const kind = req.query.kind;
  return kind === 'closed' || kind === 'special' || kind === 'peak' ? { values: { kind } } : {};
}

async function planPage(
  c: Container,
  req: Request,
  res: Response,
  office: OfficeRecord,
  date: string,
  extra: object = {},
  status = 200,
) {
  const planning = c.services.staff.planning;
  const plan = await planning.storedPlan(office, date);
  const stored = planFields(plan);
  const current = await planning.dayState(office, date);
  renderStaff(
    res,
    'staff/plan',
    {
      title: translate(req.locale, 'staff.plan.title', { date }),
      office,
      date,
      stored,
      current,
      verifiedPhone: plan ? (plan.requireVerifiedPhone ?? 'inherit') : undefined,
      values: planValues(stored ? (toPlanInput(stored, office.timezone) as PlanInput) : undefined),
      ...extra,
    },
    status,
  );
}

function savePlan(c: Container, day: (req: Request) => Promise<{ office: OfficeRecord; date: string }>) {
  const planning = c.services.staff.planning;
  return form({
    load: day,
    schema: planFormSchema,
    show: async (req, res, refused) => {
      const { office, date } = refused.ctx;
      // An outdated preview is shown again, fresh, for another look.
      const sent = planFormSchema.safeParse(req.body);
      const preview =
        refused.code === 'conflict' && sent.success
          ? await planning.previewPlan(office, date, toInput(sent.data)).catch(() => undefined)
          : undefined;
      await planPage(c, req, res, office, date, { ...refusedForm(refused), preview }, refused.status);
    },
    run: async (input, req, res, { office, date }) => {
      if (input.step === 'preview') {
        const preview = await planning.previewPlan(office, date, toInput(input));
        return planPage(c, req, res, office, date, { values: formEcho(req.body), preview });
      }
      const result = await planning.applyPlan(office, date, toInput(input), me(req), input.fingerprint);
      const closed = result.closedAppointments.length;
      res.flash('success', closed ? 'staff.plan_saved_closed' : 'staff.plan_saved', {
        date,
        before: result.preview.day.preview.totalBefore,
        after: result.preview.day.preview.totalAfter,
        n: closed,
      });
      res.redirect(303, `/staff/offices/${office._id}/plans/${date}`);
    },
  });
}
