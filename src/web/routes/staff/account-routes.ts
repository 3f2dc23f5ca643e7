// Staff accounts, for administrators: create (with a one-time link to set the password,
// shown once), change role and offices, deactivate, reactivate, send a new link. Each
// administrator sees and changes only the accounts of its own offices (the service checks).
import { type Request, type Response, Router } from 'express';
import type { Container } from '../../../container.ts';
import { translate } from '../../../i18n/translate.ts';
import { formEcho } from '../../form-values.ts';
import { requireStaff } from '../../middleware/staff-auth.ts';
import { action, form } from '../../route.ts';
import { accountCreateSchema, accountUpdateSchema } from '../../schemas/staff-account.schema.ts';
import { me, refusedForm, renderStaff } from './support.ts';

/** The form's values again, its offices (checkboxes) always a list. */
const accountValues = (req: Request) => ({
  ...formEcho(req.body),
  offices: ([] as unknown[]).concat(req.body?.offices ?? []).filter((o) => typeof o === 'string'),
});

export function accountRoutes(c: Container): Router {
  const router = Router();
  const s = c.services.staff;
  const admins = requireStaff('admin');

  router.get('/accounts', admins, async (req, res) => {
    const [accounts, offices] = await Promise.all([s.accounts.list(me(req)), s.offices.listFor(me(req))]);
    renderStaff(res, 'staff/accounts', {
      title: translate(req.locale, 'staff.accounts.title'),
      accounts,
      offices,
    });
  });
  router.get('/accounts/new', admins, async (req, res) => newAccountPage(c, req, res));
  router.post('/accounts', admins, createAccount(c));
  router.get('/accounts/:id', admins, async (req, res) => accountPage(c, req, res));
  router.post('/accounts/:id', admins, updateAccount(c));
  for (const [path, active] of [
    ['deactivate', false],
    ['activate', true],
  ] as const) {
    router.post(
      `/accounts/:id/${path}`,
      admins,
      action({
        run: async (_input, req, res) => {
          await s.accounts.setActive(String(req.params.id), active, me(req));
          res.flash('success', active ? 'staff.account_activated' : 'staff.account_deactivated');
        },
        back: accountUrl,
      }),
    );
  }
  router.post(
    '/accounts/:id/link',
    admins,
    action({
      run: async (_input, req, res) => {
        const id = String(req.params.id);
        req.session.oneTimeLink = { userId: id, url: linkUrl(c, await s.accounts.resetLink(id, me(req))) };
        res.flash('success', 'staff.account_link_issued');
      },
      back: accountUrl,
    }),
  );
  return router;
}

const linkUrl = (c: Container, token: string) => `${c.config.baseUrl}/staff/password/${token}`;
const accountUrl = (req: Request) => `/staff/accounts/${String(req.params.id)}`;

function createAccount(c: Container) {
  return form({
    schema: accountCreateSchema,
    values: accountValues,
    show: (req, res, refused) => newAccountPage(c, req, res, refusedForm(refused), refused.status),
    run: async (input, req, res) => {
      const { user, token } = await c.services.staff.accounts.create(input, me(req));
      // The link is a secret: kept in the server-side session and shown once, never in a URL or cookie.
      req.session.oneTimeLink = { userId: user._id.toString(), url: linkUrl(c, token) };
      res.flash('success', 'staff.account_created', { email: user.email });
      res.redirect(303, `/staff/accounts/${user._id}`);
    },
  });
}

function updateAccount(c: Container) {
  return form({
    schema: accountUpdateSchema,
    values: accountValues,
    show: (req, res, refused) => accountPage(c, req, res, refusedForm(refused), refused.status),
    run: async (input, req, res) => {
      await c.services.staff.accounts.update(String(req.params.id), input, me(req));
      res.flash('success', 'flash.saved');
      res.redirect(303, accountUrl(req));
    },
  });
}

async function newAccountPage(c: Container, req: Request, res: Response, extra: object = {}, status = 200) {
  renderStaff(
    res,
    'staff/account-new',
    {
      title: translate(req.locale, 'staff.accounts.new'),
      offices: await c.services.staff.offices.listFor(me(req)),
      values: { offices: [] },
      ...extra,
    },
    status,
  );
}

async function accountPage(c: Container, req: Request, res: Response, extra: object = {}, status = 200) {
  const s = c.services.staff;
  const id = String(req.params.id);
  const [account, offices] = await Promise.all([s.accounts.get(id, me(req)), s.offices.listFor(me(req))]);
  const link = req.session.oneTimeLink?.userId === id ? req.session.oneTimeLink.url : undefined;
  if (link) delete req.session.oneTimeLink;
  res.set('Cache-Control', 'no-store');
  renderStaff(
    res,
    'staff/account',
    {
      title: translate(req.locale, 'staff.account.title', { email: account.email }),
      account,
      offices,
      link,
      isSelf: account._id.toString() === me(req).id,
      values: { name: account.name, role: account.role, offices: account.offices.map(String) },
      ...extra,
    },
    status,
  );
}
