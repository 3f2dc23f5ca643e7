// Signing in and out, the one-time link that sets a password, and the mailed link that lifts
// a locked account's lock.
import { type Request, type Response, Router } from 'express';
import type { Container } from '../../../container.ts';
import { translate } from '../../../i18n/translate.ts';
import { AppError } from '../../../services/errors.ts';
import { STAFF_COOKIE } from '../../middleware/staff-auth.ts';
import { safeNext, staffLoginSchema, staffPasswordSchema } from '../../schemas/staff-auth.schema.ts';
import { fieldsOf, isFormError, parseForm, renderStaff, statusOfFormError } from './support.ts';

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}
function save(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
}

export function authRoutes(container: Container): Router {
  const router = Router();
  const { auth } = container.services.staff;
  const { clock, config } = container;

  // Failures slow the address they come from (per account, and in all); the account itself
  // locks only far beyond that (the service).
  const throttle = container.limits.login;

  function loginPage(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
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

  router.get('/login', (req, res) => {
    if (req.staff) return res.redirect(303, safeNext(req.query.next));
    loginPage(req, res);
  });

  router.post('/login', async (req, res) => {
    const parsed = parseForm(req, staffLoginSchema);
    if (!parsed.ok) {
      return loginPage(req, res, { formError: translate(req.locale, 'staff.login_failed') }, 401);
    }
    const keys = throttle.keys(req, parsed.data.email);
    // Asked before the password is checked: past the limit, that address learns nothing more.
    const wait = await throttle.retryAfter(keys);
    if (wait > 0) {
      const minutes = Math.max(1, Math.ceil(wait / 60));
      res.set('Retry-After', String(wait));
      return loginPage(
        req,
        res,
        { formError: translate(req.locale, 'staff.login_throttled', { minutes }) },
        429,
      );
    }
    let principal: Awaited<ReturnType<typeof auth.login>>;
    try {
      principal = await auth.login(parsed.data.email, parsed.data.password, req.locale);
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'unauthorized' && err.code !== 'rate_limited'))
        throw err;
      if (err.code === 'unauthorized') await throttle.fail(keys);
      const status = err.code === 'rate_limited' ? 429 : 401;
      return loginPage(req, res, { formError: translate(req.locale, err.messageKey, err.params) }, status);
    }
    await throttle.succeeded(keys);
    // A new session id at sign-in: an id planted before login (session fixation) is worthless.
    await regenerate(req);
    req.session.staffId = principal.id;
    req.session.seenAt = clock().getTime();
    await save(req);
    res.redirect(303, safeNext(parsed.data.next));
  });

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

  /** The page a mailed or shown link opens: whose account, and a form to act on it. */
  function linkPage(
    req: Request,
    res: Response,
    view: 'password' | 'unlock',
    user: { email: string; name: string },
    extra: Record<string, unknown> = {},
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

  router.get('/password/:token', linkLimit, async (req, res) => {
    linkPage(req, res, 'password', await auth.accountForLink(String(req.params.token)));
  });

  router.post('/password/:token', linkLimit, async (req, res) => {
    const token = String(req.params.token);
    const parsed = parseForm(req, staffPasswordSchema);
    try {
      if (!parsed.ok) throw new AppError('invalid', 'error.invalid');
      await auth.setPasswordWithLink(token, parsed.data.password, parsed.data.confirm);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return linkPage(
        req,
        res,
        'password',
        await auth.accountForLink(token),
        { fields: fieldsOf(req, err), formError: translate(req.locale, err.messageKey, err.params) },
        statusOfFormError(err),
      );
    }
    res.flash('success', 'staff.password_set');
    res.redirect(303, '/staff/login');
  });

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
