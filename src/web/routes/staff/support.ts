// Small helpers shared by the staff console's routes.
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Services } from '../../../container.ts';
import { translate } from '../../../i18n/translate.ts';
import { AppError } from '../../../services/errors.ts';
import type { OfficeRecord } from '../../../services/schedule-service.ts';
import type { StaffPrincipal } from '../../../services/staff/principal.ts';
import { assertOffice } from '../../middleware/staff-auth.ts';
import { fieldMessages } from '../../middleware/validate.ts';

export const STAFF_LAYOUT = 'layouts/staff';

/** Renders a console page inside the staff layout. */
export function renderStaff(res: Response, view: string, locals: Record<string, unknown> = {}, status = 200) {
  res.renderPage(view, { ...locals, layout: STAFF_LAYOUT }, status);
}

/** The signed-in member of staff (routes run after requireStaff). */
export function me(req: Request): StaffPrincipal {
  if (!req.staff) throw new AppError('unauthorized', 'error.unauthorized');
  return req.staff;
}

/** Loads the :officeId of the URL after checking the office scope, and remembers it for the navigation. */
export async function officeOf(req: Request, services: Services): Promise<OfficeRecord> {
  const id = String(req.params.officeId ?? '');
  if (!/^[a-f0-9]{24}$/i.test(id)) throw new AppError('not_found', 'booking.office_not_found');
  assertOffice(req, id);
  const office = await services.staff.offices.get(id);
  if (req.session && req.session.officeId !== id) req.session.officeId = id;
  return office;
}

/** Field messages of an error, in the visitor's language. */
export function fieldsOf(req: Request, err: AppError): Record<string, string> {
  return Object.fromEntries(
    Object.entries(err.fields).map(([k, f]) => [k, translate(req.locale, f.key, f.params)]),
  );
}

export type Parsed<T> =
  | { ok: true; data: T }
  | { ok: false; fields: Record<string, string>; message: string };

/** Parses a form with its schema; failures come back as translated field messages. */
export function parseForm<S extends z.ZodType>(
  req: Request,
  schema: S,
  source: 'body' | 'query' = 'body',
): Parsed<z.infer<S>> {
  const parsed = schema.safeParse(req[source] ?? {});
  if (parsed.success) return { ok: true, data: parsed.data };
  const fields = Object.fromEntries(
    Object.entries(fieldMessages(parsed.error)).map(([k, f]) => [k, translate(req.locale, f.key, f.params)]),
  );
  return { ok: false, fields, message: translate(req.locale, 'error.invalid') };
}

/** Errors a form shows on its own page (422/409) rather than the error page. */
export function isFormError(err: unknown): err is AppError {
  return (
    err instanceof AppError &&
    [
      'invalid',
      'conflict',
      'slot_full',
      'already_booked',
      'not_eligible',
      'no_show_blocked',
      'booking_closed',
    ].includes(err.code)
  );
}

export function statusOfFormError(err: AppError): number {
  return err.code === 'invalid' || err.code === 'not_eligible' || err.code === 'no_show_blocked' ? 422 : 409;
}

/** Where to go back to after a form on a page reached from several places (same console only). */
export function backTo(req: Request, fallback: string): string {
  const raw = typeof req.body?.back === 'string' ? req.body.back : '';
  return /^\/staff(\/|\?|$)/.test(raw) && !raw.startsWith('//') && !/[\\\r\n]/.test(raw) ? raw : fallback;
}
