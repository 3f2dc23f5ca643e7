// Accounts, managed by administrators: create (with a one-time link to set the password),
// change role and offices, deactivate and reactivate. Every change is audited.
//
// An administrator acts only inside its own offices: it sees and changes the accounts whose
// offices are all among its own, and grants only those offices. Only a global administrator
// (no office listed) reaches every account and grants every office or the global role.
// Nobody changes their own role or offices, or deactivates themselves.
import { Types } from 'mongoose';
import { OfficeModel } from '../../models/office.model.ts';
import { STAFF_ROLES, type StaffRole, StaffUserModel } from '../../models/staff-user.model.ts';
import { AppError, invalid, notFound } from '../errors.ts';
import { coversOffices, type StaffPrincipal } from './principal.ts';
import { issuePasswordLink, type StaffUserRecord } from './staff-auth-service.ts';
import type { StaffContext } from './staff-context.ts';

export interface AccountInput {
  email: string;
  name: string;
  role: StaffRole;
  offices: string[];
}

const snapshot = (u: StaffUserRecord) => ({
  email: u.email,
  name: u.name,
  role: u.role,
  offices: u.offices.map(String),
  active: u.active,
});

/** The accounts the administrator may manage. */
export async function list(actor: StaffPrincipal): Promise<StaffUserRecord[]> {
  const all = await StaffUserModel.find().sort({ active: -1, role: 1, email: 1 }).lean<StaffUserRecord[]>();
  return all.filter((u) => coversOffices(actor, u.offices));
}

/** One account the administrator may manage; another one is forbidden. */
export async function get(id: string, actor: StaffPrincipal): Promise<StaffUserRecord> {
  if (!Types.ObjectId.isValid(id)) throw notFound('staff.account_not_found');
  const user = await StaffUserModel.findById(id).lean<StaffUserRecord>();
  if (!user) throw notFound('staff.account_not_found');
  if (!coversOffices(actor, user.offices)) throw new AppError('forbidden', 'error.forbidden');
  return user;
}

/** Offices (none: every office, for an administrator) only an actor holding them all may grant. */
function assertGrantable(actor: StaffPrincipal, offices: string[]): void {
  if (!coversOffices(actor, offices)) throw new AppError('forbidden', 'error.forbidden');
}

/** Registrars and coordinators need at least one office; every listed office must exist. */
async function checkOffices(role: StaffRole, offices: string[]): Promise<Types.ObjectId[]> {
  if (!STAFF_ROLES.includes(role)) throw invalid({ role: { key: 'field.invalid' } });
  const unique = [...new Set(offices)];
  if (unique.some((o) => !/^[a-f0-9]{24}$/i.test(o))) throw invalid({ offices: { key: 'field.invalid' } });
  const found = await OfficeModel.countDocuments({ _id: { $in: unique } });
  if (found !== unique.length) throw invalid({ offices: { key: 'field.invalid' } });
  if (role !== 'admin' && unique.length === 0) {
    throw invalid({ offices: { key: 'staff.account_needs_office' } }, 'staff.account_needs_office');
  }
  return unique.map((o) => new Types.ObjectId(o));
}

export async function create(
  deps: StaffContext,
  input: AccountInput,
  actor: StaffPrincipal,
): Promise<{ user: StaffUserRecord; token: string }> {
  const { audit } = deps;
  assertGrantable(actor, input.offices);
  const offices = await checkOffices(input.role, input.offices);
  const email = input.email.trim().toLowerCase();
  let user: StaffUserRecord;
  try {
    user = (
      await StaffUserModel.create({
        email,
        name: input.name.trim(),
        role: input.role,
        offices,
        active: true,
        passwordHash: '',
        createdBy: actor.id,
      })
    ).toObject() as StaffUserRecord;
  } catch (err) {
    if ((err as { code?: number }).code === 11000) {
      throw invalid({ email: { key: 'staff.account_email_taken' } }, 'staff.account_email_taken');
    }
    throw err;
  }
  const token = await issuePasswordLink(deps, user._id);
  await audit.record({
    actor,
    action: 'account.create',
    target: { kind: 'staff', id: user._id.toString(), label: email },
    after: snapshot(user),
  });
  return { user, token };
}

export async function update(
  deps: StaffContext,
  id: string,
  input: Omit<AccountInput, 'email'>,
  actor: StaffPrincipal,
): Promise<StaffUserRecord> {
  const { audit } = deps;
  const before = await get(id, actor);
  assertGrantable(actor, input.offices);
  const offices = await checkOffices(input.role, input.offices);
  const sameOffices =
    offices.length === before.offices.length && offices.every((o) => before.offices.some((b) => b.equals(o)));
  if (before._id.toString() === actor.id && (input.role !== before.role || !sameOffices)) {
    throw new AppError('conflict', 'staff.account_not_self');
  }
  const after = await StaffUserModel.findOneAndUpdate(
    { _id: before._id },
    { $set: { name: input.name.trim(), role: input.role, offices } },
    { returnDocument: 'after' },
  ).lean<StaffUserRecord>();
  if (!after) throw notFound('staff.account_not_found');
  await audit.record({
    actor,
    action: 'account.update',
    target: { kind: 'staff', id, label: after.email },
    before: snapshot(before),
    after: snapshot(after),
  });
  return after;
}

/** Deactivating ends the account's sessions too: every request re-reads `active`. */
export async function setActive(
  deps: StaffContext,
  id: string,
  active: boolean,
  actor: StaffPrincipal,
): Promise<StaffUserRecord> {
  const { audit } = deps;
  const before = await get(id, actor);
  if (before._id.toString() === actor.id) throw new AppError('conflict', 'staff.account_not_self');
  const after = await StaffUserModel.findOneAndUpdate(
    { _id: before._id },
    active ? { $set: { active: true } } : { $set: { active: false }, $unset: { passwordSetTokenHash: 1 } },
    { returnDocument: 'after' },
  ).lean<StaffUserRecord>();
  if (!after) throw notFound('staff.account_not_found');
  await audit.record({
    actor,
    action: active ? 'account.activate' : 'account.deactivate',
    target: { kind: 'staff', id, label: after.email },
    before: { active: before.active },
    after: { active: after.active },
  });
  return after;
}

export async function resetLink(deps: StaffContext, id: string, actor: StaffPrincipal): Promise<string> {
  const { audit } = deps;
  const user = await get(id, actor);
  if (!user.active) throw new AppError('conflict', 'staff.account_inactive');
  const token = await issuePasswordLink(deps, user._id);
  await audit.record({
    actor,
    action: 'account.password_link',
    target: { kind: 'staff', id, label: user.email },
  });
  return token;
}
