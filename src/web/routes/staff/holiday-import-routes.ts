// Importing the State Council's holiday notice (closed days and make-up working days) as a
// CSV: every line previewed (what it creates, replaces or keeps), then applied as a whole.
import { type Request, type Response, Router } from 'express';
import type { Container } from '../../../container.ts';
import { translate } from '../../../i18n/translate.ts';
import type { OfficeRecord } from '../../../services/schedule-service.ts';
import { formEcho } from '../../form-values.ts';
import { requireStaff } from '../../middleware/staff-auth.ts';
import { form } from '../../route.ts';
import { importFormSchema } from '../../schemas/staff-plan.schema.ts';
import { me, officeOf, refusedForm, renderStaff } from './support.ts';

const IMPORT = '/offices/:officeId/import';

export function holidayImportRoutes(c: Container): Router {
  const router = Router();
  const planning = c.services.staff.planning;
  const planners = requireStaff('admin', 'registrar');
  const office = (req: Request) => officeOf(req, c);

  router.get(IMPORT, planners, async (req, res) =>
    importPage(req, res, await office(req), { values: { csv: '' } }),
  );
  router.post(
    IMPORT,
    planners,
    form({
      load: office,
      schema: importFormSchema,
      show: (req, res, refused) => importPage(req, res, refused.ctx, refusedForm(refused), refused.status),
      run: async ({ csv, step }, req, res, at) => {
        const preview = await planning.previewImport(at, csv);
        if (step === 'preview' || !preview.ok) {
          const rejected = preview.ok
            ? {}
            : {
                formError: translate(req.locale, 'staff.import_rejected', { errors: preview.errors.length }),
              };
          const status = preview.ok || step === 'preview' ? 200 : 422;
          return importPage(req, res, at, { values: formEcho(req.body), preview, ...rejected }, status);
        }
        const applied = await planning.applyImport(at, csv, me(req));
        res.flash('success', 'staff.import_applied', {
          n: applied.lines.filter((l) => l.outcome === 'create' || l.outcome === 'replace').length,
        });
        res.redirect(303, `/staff/offices/${at._id}/plans`);
      },
    }),
  );
  return router;
}

function importPage(req: Request, res: Response, office: OfficeRecord, extra: object, status = 200) {
  renderStaff(
    res,
    'staff/import',
    { title: translate(req.locale, 'staff.import.title'), office, ...extra },
    status,
  );
}
