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

/** Office scope: a listed office, or any office for an administrator with no list. */
export function canAccessOffice(
  staff: StaffPrincipal | undefined,
  officeId: string | { toString(): string },
): boolean {
  if (!staff) return false;
  if (staff.role === 'admin' && staff.offices.length === 0) return true;
  return staff.offices.includes(officeId.toString());
}
