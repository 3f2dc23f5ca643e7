// Whether booking asks for a verified phone: an office's default, and one day's choice (on,
// off, or the office's default), each change audited with its value before and after.
import { DayPlanModel } from '../../models/day-plan.model.ts';
import { OfficeModel } from '../../models/office.model.ts';
import { AppError } from '../errors.ts';
import { get } from './office-admin-service.ts';
import type { StaffPrincipal } from './principal.ts';
import type { StaffContext } from './staff-context.ts';

export async function setOfficeVerifiedPhone(
  deps: StaffContext,
  officeId: string,
  on: boolean,
  actor: StaffPrincipal,
): Promise<void> {
  const before = await get(officeId);
  await OfficeModel.updateOne({ _id: before._id }, { $set: { requireVerifiedPhone: on } });
  deps.schedule.invalidate(officeId);
  await deps.audit.record({
    actor,
    action: 'office.verified_phone',
    target: { kind: 'office', id: officeId, label: before.name.zh },
    before: { requireVerifiedPhone: before.requireVerifiedPhone ?? false },
    after: { requireVerifiedPhone: on },
    officeId: before._id,
  });
}

/** A day's choice: true or false, or undefined for the office's default. The day must have a plan. */
export async function setDayVerifiedPhone(
  deps: StaffContext,
  officeId: string,
  date: string,
  value: boolean | undefined,
  actor: StaffPrincipal,
): Promise<void> {
  const office = await get(officeId);
  const before = await DayPlanModel.findOneAndUpdate(
    { office: office._id, date },
    value === undefined ? { $unset: { requireVerifiedPhone: 1 } } : { $set: { requireVerifiedPhone: value } },
  ).lean();
  if (!before) throw new AppError('not_found', 'verification.staff.plan_missing');
  deps.schedule.invalidate(officeId, date);
  await deps.audit.record({
    actor,
    action: 'plan.verified_phone',
    target: { kind: 'plan', id: `${officeId}:${date}`, label: `${office.name.zh} ${date}` },
    before: { requireVerifiedPhone: before.requireVerifiedPhone ?? null },
    after: { requireVerifiedPhone: value ?? null },
    officeId: office._id,
  });
}
