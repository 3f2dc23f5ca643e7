// Who is signed in to the staff console, as the web layer and the services see it.
import type { StaffRole } from '../../models/staff-user.model.ts';

export type { StaffRole };

export interface StaffPrincipal {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  /** Office ids; an administrator with none may act on every office. */
  offices: string[];
}

/** An administrator with no office listed: the only one who acts on every office. */
export function isGlobalAdmin(staff: Pick<StaffPrincipal, 'role' | 'offices'> | undefined): boolean {
  return staff?.role === 'admin' && staff.offices.length === 0;
}

/** Office scope: a listed office, or any office for an administrator with no list. */
export function canAccessOffice(
  staff: StaffPrincipal | undefined,
  officeId: string | { toString(): string },
): boolean {
  if (!staff) return false;
  if (isGlobalAdmin(staff)) return true;
  return staff.offices.includes(officeId.toString());
}

/**
 * Whether `staff` may act on everything given by these offices: every office must be one of
 * its own. An empty list stands for every office (a global administrator's account, a
 * message about no office in particular): only a global administrator covers that.
 */
export function coversOffices(staff: StaffPrincipal, offices: readonly { toString(): string }[]): boolean {
  if (isGlobalAdmin(staff)) return true;
  return offices.length > 0 && offices.every((o) => staff.offices.includes(o.toString()));
}
