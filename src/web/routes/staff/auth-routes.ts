// Signing in and out, and the one-time link that sets a password.
import { type Request, type Response, Router } from 'express';
import type { Container } from '../../../container.ts';
import { translate } from '../../../i18n/translate.ts';
import { AppError } from '../../../services/errors.ts';
import { keyedLimit } from '../../middleware/rate-limit.ts';
import { STAFF_COOKIE } from '../../middleware/staff-auth.ts';
import { safeNext, staffLoginSchema, staffPasswordSchema } from '../../schemas/staff-auth.schema.ts';
import { fieldsOf, isFormError, parseForm, renderStaff, statusOfFormError } from './support.ts';

const FIFTEEN_MINUTES = 15 * 60_000;

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

  // Guessing is slowed three ways: per address, per account (here), and by the lockout.
  const byAddress = keyedLimit({
    name: 'staff-login-ip',
    windowMs: FIFTEEN_MINUTES,
    limit: 50,
    key: (req) => req.ip ?? 'unknown',
    messageKey: 'staff.login_rate_limited',
  });
  const byAccount = keyedLimit({
    name: 'staff-login-email',
    windowMs: FIFTEEN_MINUTES,
    limit: 20,
    key: (req) => (typeof req.body?.email === 'string' ? req.body.email.trim().toLowerCase() : undefined),
    messageKey: 'staff.login_rate_limited',
  });

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

  router.post('/login', byAddress, byAccount, async (req, res) => {
    const parsed = parseForm(req, staffLoginSchema);
    if (!parsed.ok) {
      return loginPage(req, res, { formError: translate(req.locale, 'staff.login_failed') }, 401);
    }
    let principal: Awaited<ReturnType<typeof auth.login>>;
    try {
      principal = await auth.login(parsed.data.email, parsed.data.password, req.locale);
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'unauthorized' && err.code !== 'rate_limited'))
        throw err;
      const status = err.code === 'rate_limited' ? 429 : 401;
      return loginPage(req, res, { formError: translate(req.locale, err.messageKey, err.params) }, status);
    }
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

  const linkLimit = keyedLimit({
    name: 'staff-password-link',
    windowMs: FIFTEEN_MINUTES,
    limit: 30,
    key: (req) => req.ip ?? 'unknown',
  });

  router.get('/password/:token', linkLimit, async (req, res) => {
    const user = await auth.accountForLink(String(req.params.token));
    res.set('Referrer-Policy', 'no-referrer');
    renderStaff(res, 'staff/password', {
      title: translate(req.locale, 'staff.password.title'),
      account: { email: user.email, name: user.name },
      token: String(req.params.token),
    });
  });

  router.post('/password/:token', linkLimit, async (req, res) => {
    const token = String(req.params.token);
    const parsed = parseForm(req, staffPasswordSchema);
    try {
      if (!parsed.ok) throw new AppError('invalid', 'error.invalid');
      await auth.setPasswordWithLink(token, parsed.data.password, parsed.data.confirm);
    } catch (err) {
      if (!isFormError(err)) throw err;
      const user = await auth.accountForLink(token);
      return renderStaff(
        res,
        'staff/password',
        {
          title: translate(req.locale, 'staff.password.title'),
          account: { email: user.email, name: user.name },
          token,
          fields: fieldsOf(req, err),
          formError: translate(req.locale, err.messageKey, err.params),
        },
        statusOfFormError(err),
      );
    }
    res.flash('success', 'staff.password_set');
    res.redirect(303, '/staff/login');
  });

  return router;
}
