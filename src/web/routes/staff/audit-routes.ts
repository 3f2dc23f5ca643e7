// Browsing the audit log: administrators see every entry; a registrar sees their offices'.
import { Router } from 'express';
import type { Container } from '../../../container.ts';
import { translate } from '../../../i18n/translate.ts';
import { isGlobalAdmin } from '../../../services/staff/principal.ts';
import { requireStaff } from '../../middleware/staff-auth.ts';
import { query } from '../../route.ts';
import { auditQuerySchema } from '../../schemas/staff-roster.schema.ts';
import { me, renderStaff } from './support.ts';

export function auditRoutes(container: Container): Router {
  const router = Router();
  const { staff: s, audit } = container.services;

  router.get('/audit', requireStaff('admin', 'registrar'), async (req, res) => {
    const staff = me(req);
    const q = query(req, auditQuerySchema, {});
    const allOffices = isGlobalAdmin(staff);
    const result = await audit.list({
      ...(allOffices ? {} : { offices: staff.offices }),
      ...(q.office ? { office: q.office } : {}),
      ...(q.action ? { action: q.action } : {}),
      ...(q.target ? { target: q.target } : {}),
      page: q.page ?? 1,
    });
    const offices = await s.offices.listFor(staff);
    renderStaff(res, 'staff/audit', {
      title: translate(req.locale, 'staff.audit.title'),
      result,
      offices,
      officeNames: Object.fromEntries(offices.map((o) => [o._id.toString(), o.name])),
      officeZones: Object.fromEntries(offices.map((o) => [o._id.toString(), o.timezone])),
      query: q,
    });
  });

  return router;
}
