// What the staff console's pages share: the staff layout, the signed-in member of staff, the
// office of the URL (checked against their scope), and how a refused form is shown again.
import type { Request, Response } from 'express';
import type { Container } from '../../../container.ts';
import { isLocalDate } from '../../../domain/local-time.ts';
import { AppError } from '../../../services/errors.ts';
import type { OfficeRecord } from '../../../services/schedule-service.ts';
import type { StaffPrincipal } from '../../../services/staff/principal.ts';
import { assertOffice } from '../../middleware/staff-auth.ts';
import type { Refused } from '../../route.ts';

export const STAFF_LAYOUT = 'layouts/staff';

/** Renders a console page inside the staff layout. */
export function renderStaff(res: Response, view: string, locals: object = {}, status = 200) {
  res.renderPage(view, { ...locals, layout: STAFF_LAYOUT }, status);
}

/** The signed-in member of staff (routes run after requireStaff). */
export function me(req: Request): StaffPrincipal {
  if (!req.staff) throw new AppError('unauthorized', 'error.unauthorized');
  return req.staff;
}

/** Loads the :officeId of the URL after checking the office scope, and remembers it for the navigation. */
export async function officeOf(req: Request, c: Container): Promise<OfficeRecord> {
  const id = String(req.params.officeId ?? '');
  if (!/^[a-f0-9]{24}$/i.test(id)) throw new AppError('not_found', 'booking.office_not_found');
  assertOffice(req, id);
  const office = await c.services.staff.offices.get(id);
  if (req.session && req.session.officeId !== id) req.session.officeId = id;
  return office;
}

/** The appointment of the :id of the URL, after checking the office scope. */
export async function appointmentInScope(req: Request, c: Container) {
  const appointment = await c.services.staff.roster.appointment(String(req.params.id));
  assertOffice(req, appointment.office);
  return appointment;
}

/** The :date of the URL, a real calendar day; else not found. */
export function dateParam(req: Request): string {
  const date = String(req.params.date ?? '');
  if (!isLocalDate(date)) throw new AppError('not_found', 'error.404');
  return date;
}

/**
 * A refused form's locals: what was typed, the field messages, the message above the form.
 * A page with several forms names them by form: `refusedForm(refused, 'rules')` gives
 * rulesValues, rulesFields and rulesError.
 */
export function refusedForm(refused: Refused<unknown>, form?: string): Record<string, unknown> {
  if (!form) return { values: refused.values, fields: refused.fields, formError: refused.message };
  return {
    [`${form}Values`]: refused.values,
    [`${form}Fields`]: refused.fields,
    [`${form}Error`]: refused.message,
  };
}

/** Where to go back to after a form on a page reached from several places (same console only). */
export function backTo(req: Request, fallback: string): string {
  return consolePath(req.body?.back, fallback);
}

/** A path of the console (never another site), else the fallback. */
export function consolePath(raw: unknown, fallback: string): string {
  if (typeof raw !== 'string') return fallback;
  return /^\/staff(\/|\?|$)/.test(raw) && !raw.startsWith('//') && !/[\\\r\n]/.test(raw) ? raw : fallback;
}
