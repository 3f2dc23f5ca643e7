import type { NextFunction, Request, Response } from 'express';
import type { Services } from '../../container.ts';
import type { AppointmentRecord } from '../../services/booking/booking-service.ts';
import { AppError } from '../../services/errors.ts';

export const ACCESS_COOKIE = 'appt';
/** The path segment used instead of a token after a look-up by reference and phone digits. */
export const BY_LOOKUP = 'r';

/**
 * After a look-up (by reference and phone digits, or by phone and a code): a short-lived signed
 * cookie opens that booking's manage pages, and the couple is sent to them.
 */
export function openFoundBooking(res: Response, appointmentId: string, secure: boolean): void {
  res.cookie(ACCESS_COOKIE, appointmentId, {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: 30 * 60_000,
    path: '/booking',
  });
  res.redirect(303, `/booking/${BY_LOOKUP}`);
}

declare module 'express-serve-static-core' {
  interface Locals {
    appointment: AppointmentRecord;
    manageBase: string;
  }
}

/**
 * Resolves the couple's appointment for /booking/:token/... routes: by the private link's
 * token, or (token 'r') by the short-lived signed cookie a look-up sets. Sets
 * res.locals.appointment and res.locals.manageBase (the URL prefix of the manage pages).
 */
export function appointmentAccess(services: Services) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const token = String(req.params.token);
    let appointment: AppointmentRecord;
    if (token === BY_LOOKUP) {
      const id = req.signedCookies?.[ACCESS_COOKIE];
      if (typeof id !== 'string') throw new AppError('not_found', 'booking.not_found');
      appointment = await services.booking.get(id);
    } else {
      appointment = await services.booking.findByToken(token);
    }
    res.locals.appointment = appointment;
    res.locals.manageBase = `/booking/${token}`;
    res.set('Cache-Control', 'no-store');
    res.set('Referrer-Policy', 'no-referrer');
    next();
  };
}
