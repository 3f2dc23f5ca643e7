// Staff accounts, for administrators: create (with a one-time link to set the password,
// shown once), change role and offices, deactivate, reactivate, send a new link. Each
// administrator sees and changes only the accounts of its own offices (the service checks).
import { type Request, type Response, Router } from 'express';
import type { Container } from '../../../container.ts';
import { translate } from '../../../i18n/translate.ts';
import { requireStaff } from '../../middleware/staff-auth.ts';
import { accountCreateSchema, accountUpdateSchema } from '../../schemas/staff-account.schema.ts';
import { fieldsOf, isFormError, me, parseForm, renderStaff, statusOfFormError } from './support.ts';

export function accountRoutes(container: Container): Router {
  const router = Router();
  const { staff: s } = container.services;
  const { config } = container;
  const admins = requireStaff('admin');
  const t = (req: Request, key: string, params?: Record<string, string | number>) =>
    translate(req.locale, key, params);
  const linkUrl = (token: string) => `${config.baseUrl}/staff/password/${token}`;

  router.get('/accounts', admins, async (req, res) => {
    const [accounts, offices] = await Promise.all([s.accounts.list(me(req)), s.offices.listFor(me(req))]);
    renderStaff(res, 'staff/accounts', { title: t(req, 'staff.accounts.title'), accounts, offices });
  });

  async function formPage(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
    renderStaff(
      res,
      'staff/account-new',
      {
        title: t(req, 'staff.accounts.new'),
        offices: await s.offices.listFor(me(req)),
        values: { offices: [] },
        ...extra,
      },
      status,
    );
  }

  router.get('/accounts/new', admins, async (req, res) => {
    await formPage(req, res);
  });

  router.post('/accounts', admins, async (req, res) => {
    const parsed = parseForm(req, accountCreateSchema);
    const values = { ...req.body, offices: [].concat(req.body?.offices ?? []) };
    if (!parsed.ok)
      return formPage(req, res, { values, fields: parsed.fields, formError: parsed.message }, 422);
    try {
      const { user, token } = await s.accounts.create(parsed.data, me(req));
      // The link is a secret: kept in the server-side session and shown once, never in a URL or cookie.
      req.session.oneTimeLink = { userId: user._id.toString(), url: linkUrl(token) };
      res.flash('success', 'staff.account_created', { email: user.email });
      res.redirect(303, `/staff/accounts/${user._id}`);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return formPage(
        req,
        res,
        { values, fields: fieldsOf(req, err), formError: t(req, err.messageKey, err.params) },
        statusOfFormError(err),
      );
    }
  });

  async function accountPage(
    req: Request,
    res: Response,
    id: string,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const [account, offices] = await Promise.all([s.accounts.get(id, me(req)), s.offices.listFor(me(req))]);
    const link = req.session.oneTimeLink?.userId === id ? req.session.oneTimeLink.url : undefined;
    if (link) delete req.session.oneTimeLink;
    res.set('Cache-Control', 'no-store');
    renderStaff(
      res,
      'staff/account',
      {
        title: t(req, 'staff.account.title', { email: account.email }),
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

  router.get('/accounts/:id', admins, async (req, res) => {
    await accountPage(req, res, String(req.params.id));
  });

  router.post('/accounts/:id', admins, async (req, res) => {
    const id = String(req.params.id);
    const parsed = parseForm(req, accountUpdateSchema);
    const values = { ...req.body, offices: [].concat(req.body?.offices ?? []) };
    if (!parsed.ok)
      return accountPage(req, res, id, { values, fields: parsed.fields, formError: parsed.message }, 422);
    try {
      await s.accounts.update(id, parsed.data, me(req));
    } catch (err) {
      if (!isFormError(err)) throw err;
      return accountPage(
        req,
        res,
        id,
        { values, fields: fieldsOf(req, err), formError: t(req, err.messageKey, err.params) },
        statusOfFormError(err),
      );
    }
    res.flash('success', 'flash.saved');
    res.redirect(303, `/staff/accounts/${id}`);
  });

  for (const [path, active] of [
    ['deactivate', false],
    ['activate', true],
  ] as const) {
    router.post(`/accounts/:id/${path}`, admins, async (req, res) => {
      const id = String(req.params.id);
      try {
        await s.accounts.setActive(id, active, me(req));
        res.flash('success', active ? 'staff.account_activated' : 'staff.account_deactivated');
      } catch (err) {
        if (!isFormError(err)) throw err;
        res.flash('error', err.messageKey, err.params);
      }
      res.redirect(303, `/staff/accounts/${id}`);
    });
  }

  router.post('/accounts/:id/link', admins, async (req, res) => {
    const id = String(req.params.id);
    try {
      const token = await s.accounts.resetLink(id, me(req));
      req.session.oneTimeLink = { userId: id, url: linkUrl(token) };
      res.flash('success', 'staff.account_link_issued');
    } catch (err) {
      if (!isFormError(err)) throw err;
      res.flash('error', err.messageKey, err.params);
    }
    res.redirect(303, `/staff/accounts/${id}`);
  });

  return router;
}
