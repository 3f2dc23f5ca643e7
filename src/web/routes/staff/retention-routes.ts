// /staff/retention, for administrators: the retention policy for personal data (how many
// days, when the nightly erasure runs next) and what its last run erased.
import { Router } from 'express';
import type { Container } from '../../../container.ts';
import { translate } from '../../../i18n/translate.ts';
import { requireStaff } from '../../middleware/staff-auth.ts';
import { renderStaff } from './support.ts';

export function retentionRoutes(container: Container): Router {
  const router = Router();
  const { retention } = container.services;

  router.get('/retention', requireStaff('admin'), async (req, res) => {
    renderStaff(res, 'staff/retention', {
      title: translate(req.locale, 'privacy.title'),
      navActive: 'retention',
      policy: await retention.policy(),
    });
  });

  return router;
}
