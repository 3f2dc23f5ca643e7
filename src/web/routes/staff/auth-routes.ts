// Signing in and out, the one-time link that sets a password, and the mailed link that lifts
// a locked account's lock.
import { type Request, type Response, Router } from 'express';
import type { Container } from '../../../container.ts';
import { translate } from '../../../i18n/translate.ts';
import { AppError } from '../../../services/errors.ts';
import { STAFF_COOKIE } from '../../middleware/staff-auth.ts';
import { form } from '../../route.ts';
import { safeNext, staffLoginSchema, staffPasswordSchema } from '../../schemas/staff-auth.schema.ts';
import { renderStaff } from './support.ts';

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}
function save(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
}

export function authRoutes(container: Container): Router {
  const router = Router();
  const { auth } = container.services.staff;
  const { config } = container;

  router.get('/login', (req, res) => {
    if (req.staff) return res.redirect(303, safeNext(req.query.next));
    loginPage(req, res);
  });
  router.post('/login', signIn(container));

  router.post('/logout', (req, res, next) => {
    const done = () => {
      res.clearCookie(config.cookieSecure ? `__Secure-${STAFF_COOKIE}` : STAFF_COOKIE, { path: '/staff' });
      res.flash('info', 'staff.logged_out');
      res.redirect(303, '/staff/login');
    };
    if (!req.session) return done();
    req.session.destroy((err) => (err ? next(err) : done()));
  });

  const linkLimit = container.limits.passwordLinks;

  router.get('/password/:token', linkLimit, async (req, res) => {
    linkPage(req, res, 'password', await auth.accountForLink(String(req.params.token)));
  });
  router.post('/password/:token', linkLimit, setPassword(container));
  // The link mailed when an account locks. Opening it changes nothing (a mail scanner may
  // open it); its button lifts the lock.
  router.get('/unlock/:token', linkLimit, async (req, res) => {
    linkPage(req, res, 'unlock', await auth.accountForUnlock(String(req.params.token)));
  });
  router.post('/unlock/:token', linkLimit, async (req, res) => {
    await auth.unlockWithLink(String(req.params.token));
    res.flash('success', 'staff.unlocked');
    res.redirect(303, '/staff/login');
  });
  return router;
}

/** Signing in. Failures slow the address they come from (per account, and in all); the account itself locks only far beyond that (the service). */
function signIn(c: Container) {
  const { auth } = c.services.staff;
  return form({
    schema: staffLoginSchema,
    whenInvalid: () => new AppError('unauthorized', 'staff.login_failed'),
    shows: ['unauthorized', 'rate_limited'],
    show: (req, res, refused) => loginPage(req, res, { formError: refused.message }, refused.status),
    run: async ({ email, password, next }, req, res) => {
      const principal = await c.limits.login.attempt(req, email, () =>
        auth.login(email, password, req.locale),
      );
      // A new session id at sign-in: an id planted before login (session fixation) is worthless.
      await regenerate(req);
      req.session.staffId = principal.id;
      req.session.seenAt = c.clock().getTime();
      await save(req);
      res.redirect(303, safeNext(next));
    },
  });
}

/** The one-time link's form: the new password, twice. */
function setPassword(c: Container) {
  const { auth } = c.services.staff;
  return form({
    schema: staffPasswordSchema,
    whenInvalid: () => new AppError('invalid', 'error.invalid'),
    show: async (req, res, refused) =>
      linkPage(
        req,
        res,
        'password',
        await auth.accountForLink(String(req.params.token)),
        { fields: refused.fields, formError: refused.message },
        refused.status,
      ),
    run: async ({ password, confirm }, req, res) => {
      await auth.setPasswordWithLink(String(req.params.token), password, confirm);
      res.flash('success', 'staff.password_set');
      res.redirect(303, '/staff/login');
    },
  });
}

function loginPage(req: Request, res: Response, extra: object = {}, status = 200) {
  renderStaff(
    res,
    'staff/login',
    {
      title: translate(req.locale, 'staff.login.title'),
      next: safeNext(req.query.next ?? req.body?.next),
      values: { email: typeof req.body?.email === 'string' ? req.body.email : '' },
      ...extra,
    },
    status,
  );
}

/** The page a mailed or shown link opens: whose account, and a form to act on it. */
function linkPage(
  req: Request,
  res: Response,
  view: 'password' | 'unlock',
  user: { email: string; name: string },
  extra: object = {},
  status = 200,
) {
  res.set('Referrer-Policy', 'no-referrer');
  renderStaff(
    res,
    `staff/${view}`,
    {
      title: translate(req.locale, `staff.${view}.title`),
      account: { email: user.email, name: user.name },
      token: String(req.params.token),
      ...extra,
    },
    status,
  );
}
