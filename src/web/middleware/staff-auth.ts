// Staff sign-in for everything under /staff: a session cookie scoped to /staff, sessions in
// MongoDB, an idle limit, and the signed-in member of staff on `req.staff`.
//
// The staff pages of every area (src/web/routes/staff/) are mounted behind this middleware:
// they find `req.staff` set (or undefined for a visitor) and guard their routes with
// `requireStaff(...roles)` and `canAccessOffice(req.staff, officeId)`.
import type { NextFunction, Request, Response } from 'express';
import session, { type Store } from 'express-session';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../services/errors.ts';
import { canAccessOffice, type StaffPrincipal, type StaffRole } from '../../services/staff/principal.ts';
import { wantsJson } from './error-handler.ts';

export type { StaffPrincipal, StaffRole };
export { canAccessOffice };

declare module 'express-serve-static-core' {
  interface Request {
    /** The signed-in member of staff on /staff/* requests; undefined for a visitor. */
    staff?: StaffPrincipal;
  }
}

declare module 'express-session' {
  interface SessionData {
    staffId: string;
    /** Last request, by the application's clock (ms), for the idle limit. */
    seenAt: number;
    /** The office last worked on, for the navigation's roster and planning links. */
    officeId: string;
    /** A one-time password link shown once after an administrator creates or resets an account. */
    oneTimeLink: { userId: string; url: string };
  }
}

export const STAFF_IDLE_MINUTES = 30;
export const STAFF_COOKIE = 'staff.sid';

/**
 * express-session with a MongoDB store (connect-mongo): cookie on /staff only,
 * httpOnly, SameSite=Lax, Secure per configuration, expiring after 30 idle minutes (rolling).
 * Nothing is stored for a visitor who does not sign in.
 */
export function staffSession(opts: {
  /** The current secret first (it signs), then earlier ones (a cookie they signed still opens its session). */
  secrets: string[];
  secure: boolean;
  /** The session store the composition root built (connect-mongo on the application's connection). */
  store: Store;
  idleMinutes?: number;
}) {
  const idleMinutes = opts.idleMinutes ?? STAFF_IDLE_MINUTES;
  return session({
    name: opts.secure ? `__Secure-${STAFF_COOKIE}` : STAFF_COOKIE,
    secret: opts.secrets,
    store: opts.store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    unset: 'destroy',
    proxy: undefined,
    cookie: {
      path: '/staff',
      httpOnly: true,
      sameSite: 'lax',
      secure: opts.secure,
      maxAge: idleMinutes * 60_000,
    },
  });
}

/**
 * Puts the signed-in member of staff on req.staff (and res.locals.staff for the views).
 * The account is read on every request, so a deactivated account is signed out at once;
 * a session idle for longer than the limit (by the application's clock) ends.
 */
export function loadStaff(opts: {
  load: (id: string) => Promise<StaffPrincipal | null>;
  clock: Clock;
  idleMinutes?: number;
}) {
  const idleMs = (opts.idleMinutes ?? STAFF_IDLE_MINUTES) * 60_000;
  return async (req: Request, res: Response, next: NextFunction) => {
    req.staff = undefined;
    res.locals.staff = undefined;
    const s = req.session;
    if (!s?.staffId) return next();
    const now = opts.clock().getTime();
    const principal = now - (s.seenAt ?? 0) > idleMs ? null : await opts.load(s.staffId);
    if (!principal) {
      // A fresh, empty session (not stored unless used): the old one is gone from the store,
      // and a sign-in on this very request still has a session to regenerate.
      await new Promise<void>((resolve, reject) => s.regenerate((err) => (err ? reject(err) : resolve())));
      return next();
    }
    // Writing the session at most once a minute keeps the store calm.
    if (now - (s.seenAt ?? 0) > 60_000) s.seenAt = now;
    req.staff = principal;
    res.locals.staff = principal;
    next();
  };
}

/**
 * Lets signed-in staff with one of the roles through (any role when none are named). A
 * visitor is sent to the login page (303, with the page to come back to); a member of staff
 * with another role gets the 403 page.
 */
export function requireStaff(...roles: StaffRole[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.staff) {
      if (wantsJson(req)) return next(new AppError('unauthorized', 'error.unauthorized'));
      const back = req.method === 'GET' ? req.originalUrl : '/staff';
      return res.redirect(303, `/staff/login?next=${encodeURIComponent(back)}`);
    }
    if (roles.length > 0 && !roles.includes(req.staff.role)) {
      return next(new AppError('forbidden', 'error.forbidden'));
    }
    next();
  };
}

/** Throws the 403 error unless the signed-in member of staff may act on the office. */
export function assertOffice(req: Request, officeId: string | { toString(): string }): void {
  if (!canAccessOffice(req.staff, officeId)) throw new AppError('forbidden', 'error.forbidden');
}
