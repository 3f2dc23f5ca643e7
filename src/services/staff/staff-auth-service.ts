// Signing in: scrypt-verified passwords, one-time links to set a password, and the lock that
// stops guessing without handing the owner's account to whoever guesses. The clock is
// injected so the lock can be tested.
//
// Guessing is slowed first where it comes from: the web layer counts failures per account and
// address, and per address (src/web/limits/login-throttle.ts), so the owner at its own
// address is never refused for a stranger's failures. Only far beyond those limits
// (ACCOUNT_LOCK_FAILURES in a row, from any addresses) is the account locked as a whole: for
// 15 minutes, twice as long at each lock until a sign-in succeeds (24 hours at most), with an
// audit entry and a link mailed to the account that lifts the lock.
import { createHash, randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { MessageKey } from '../../i18n/translate.ts';
import { type StaffUser, StaffUserModel } from '../../models/staff-user.model.ts';
import { AppError, invalid } from '../errors.ts';
import { hashPassword, PASSWORD_MAX, PASSWORD_MIN, verifyPassword } from './password.ts';
import type { StaffPrincipal } from './principal.ts';
import type { StaffContext } from './staff-context.ts';

export type { UnlockMail } from './staff-context.ts';

/** Failed sign-ins in a row, from any addresses, that lock an account as a whole. */
export const ACCOUNT_LOCK_FAILURES = 50;
/** The first lock; each further one without a sign-in in between lasts twice as long. */
export const LOCKOUT_MINUTES = 15;
export const LOCKOUT_MAX_MINUTES = 24 * 60;
export const UNLOCK_LINK_HOURS = 24;
export const PASSWORD_LINK_HOURS = 72;

/** How long the lock after `earlier` locks (since the last successful sign-in) lasts. */
export function lockMinutes(earlier: number): number {
  return Math.min(LOCKOUT_MINUTES * 2 ** Math.min(earlier, 16), LOCKOUT_MAX_MINUTES);
}

/** What the unlock mail needs; the token is known here only, never stored in clear. */

export type StaffUserRecord = StaffUser & { _id: Types.ObjectId };

export function principalOf(user: StaffUserRecord): StaffPrincipal {
  return {
    id: user._id.toString(),
    email: user.email,
    name: user.name,
    role: user.role,
    offices: user.offices.map((o) => o.toString()),
  };
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Checks an e-mail and password. Unknown e-mails, inactive accounts and wrong passwords all
 * answer the same; a locked account (or e-mail) says for how long, whatever the password.
 */
export async function login(
  deps: StaffContext,
  emailInput: string,
  password: string,
  language?: 'zh-CN' | 'en',
): Promise<StaffPrincipal> {
  const { clock } = deps;
  const email = emailInput.trim().toLowerCase();
  const user = await StaffUserModel.findOne({ email }).lean<StaffUserRecord>();
  const now = clock();
  // An unknown e-mail locks just as an account does, so the lock does not reveal which exist.
  const lockedUntil = user ? user.lockedUntil : await deps.unknownEmails.lockedUntil(email, now);
  if (lockedUntil && lockedUntil > now) {
    throw new AppError('rate_limited', 'staff.login_locked', {
      minutes: Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 60_000)),
    });
  }
  const ok = await verifyPassword(password, user?.passwordHash);
  if (!user?.active || !ok) {
    if (user) await recordFailure(deps, user._id);
    else await deps.unknownEmails.fail(email, now);
    throw new AppError('unauthorized', 'staff.login_failed');
  }
  await StaffUserModel.updateOne(
    { _id: user._id },
    {
      $set: { failedLogins: 0, lockCount: 0, lastLoginAt: now, ...(language ? { language } : {}) },
      $unset: { lockedUntil: 1, unlockTokenHash: 1, unlockExpiresAt: 1 },
    },
  );
  return principalOf(user);
}

async function recordFailure(deps: StaffContext, id: Types.ObjectId): Promise<void> {
  const { clock, audit } = deps;
  const now = clock();
  const after = await StaffUserModel.findOneAndUpdate(
    { _id: id },
    { $inc: { failedLogins: 1 } },
    { returnDocument: 'after' },
  ).lean<StaffUserRecord>();
  if (!after || after.failedLogins < ACCOUNT_LOCK_FAILURES) return;
  const minutes = lockMinutes(after.lockCount ?? 0);
  const until = new Date(now.getTime() + minutes * 60_000);
  const token = randomBytes(32).toString('base64url');
  // Conditional on the count, so concurrent failures lock once and reset the count once.
  const locked = await StaffUserModel.updateOne(
    { _id: id, failedLogins: { $gte: ACCOUNT_LOCK_FAILURES } },
    {
      $set: {
        lockedUntil: until,
        failedLogins: 0,
        unlockTokenHash: hashToken(token),
        unlockExpiresAt: new Date(now.getTime() + UNLOCK_LINK_HOURS * 3_600_000),
      },
      $inc: { lockCount: 1 },
    },
  );
  if (locked.modifiedCount !== 1) return;
  await audit.record({
    actor: 'system',
    action: 'account.locked',
    target: { kind: 'staff', id: id.toString(), label: after.email },
    after: { lockedUntil: until, minutes, failedLogins: after.failedLogins },
  });
  await deps.sendUnlockLink?.({ staffId: id.toString(), token, lockedAt: now, lockedUntil: until });
}

/** The active account a link's token is for, while the link works (only the token's hash is stored). */
async function accountForToken(
  deps: StaffContext,
  token: string,
  link: { hash: 'passwordSetTokenHash' | 'unlockTokenHash'; expires: string; invalid: MessageKey },
): Promise<StaffUserRecord> {
  const { clock } = deps;
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw new AppError('not_found', link.invalid);
  const user = await StaffUserModel.findOne({
    [link.hash]: hashToken(token),
    [link.expires]: { $gt: clock() },
    active: true,
  }).lean<StaffUserRecord>();
  if (!user) throw new AppError('not_found', link.invalid);
  return user;
}

/** The account a mailed unlock link is for, while the link works. */
export function accountForUnlock(deps: StaffContext, token: string): Promise<StaffUserRecord> {
  return accountForToken(deps, token, {
    hash: 'unlockTokenHash',
    expires: 'unlockExpiresAt',
    invalid: 'staff.unlock_invalid',
  });
}

/** Uses an unlock link: the lock ends and the link with it (the same update consumes it). */
export async function unlockWithLink(deps: StaffContext, token: string): Promise<StaffUserRecord> {
  const { clock, audit } = deps;
  const user = await accountForUnlock(deps, token);
  const unlocked = await StaffUserModel.findOneAndUpdate(
    { _id: user._id, unlockTokenHash: hashToken(token), unlockExpiresAt: { $gt: clock() } },
    {
      $set: { failedLogins: 0 },
      $unset: { lockedUntil: 1, unlockTokenHash: 1, unlockExpiresAt: 1 },
    },
    { returnDocument: 'after' },
  ).lean<StaffUserRecord>();
  if (!unlocked) throw new AppError('not_found', 'staff.unlock_invalid');
  await audit.record({
    actor: { id: unlocked._id.toString(), name: unlocked.name },
    action: 'account.unlocked',
    target: { kind: 'staff', id: unlocked._id.toString(), label: unlocked.email },
    before: { lockedUntil: user.lockedUntil },
  });
  return unlocked;
}

/** The signed-in user for a session, or null when the account is gone or deactivated. */
export async function loadPrincipal(id: string): Promise<StaffPrincipal | null> {
  if (!Types.ObjectId.isValid(id)) return null;
  const user = await StaffUserModel.findOne({ _id: id, active: true }).lean<StaffUserRecord>();
  return user ? principalOf(user) : null;
}

/** A new one-time link token for an account (the caller shows the link once). */
export async function issuePasswordLink(
  deps: StaffContext,
  userId: string | Types.ObjectId,
): Promise<string> {
  const { clock } = deps;
  const token = randomBytes(32).toString('base64url');
  const expires = new Date(clock().getTime() + PASSWORD_LINK_HOURS * 3_600_000);
  const res = await StaffUserModel.updateOne(
    { _id: userId },
    { $set: { passwordSetTokenHash: hashToken(token), passwordSetExpiresAt: expires } },
  );
  if (res.matchedCount !== 1) throw new AppError('not_found', 'staff.account_not_found');
  return token;
}

export function accountForLink(deps: StaffContext, token: string): Promise<StaffUserRecord> {
  return accountForToken(deps, token, {
    hash: 'passwordSetTokenHash',
    expires: 'passwordSetExpiresAt',
    invalid: 'staff.link_invalid',
  });
}

/** Uses the one-time link: the token is consumed by the same update that sets the password. */
export async function setPasswordWithLink(
  deps: StaffContext,
  token: string,
  password: string,
  confirm: string,
): Promise<StaffUserRecord> {
  const { clock, audit } = deps;
  const user = await accountForLink(deps, token);
  checkPassword(password, confirm);
  const passwordHash = await hashPassword(password);
  const updated = await StaffUserModel.findOneAndUpdate(
    { _id: user._id, passwordSetTokenHash: hashToken(token), passwordSetExpiresAt: { $gt: clock() } },
    {
      $set: { passwordHash, failedLogins: 0 },
      $unset: { passwordSetTokenHash: 1, passwordSetExpiresAt: 1, lockedUntil: 1 },
    },
    { returnDocument: 'after' },
  ).lean<StaffUserRecord>();
  if (!updated) throw new AppError('not_found', 'staff.link_invalid');
  await audit.record({
    actor: { id: updated._id.toString(), name: updated.name },
    action: 'account.password_set',
    target: { kind: 'staff', id: updated._id.toString(), label: updated.email },
  });
  return updated;
}

export function checkPassword(password: string, confirm: string): void {
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
    throw invalid(
      { password: { key: 'staff.password_length', params: { min: PASSWORD_MIN, max: PASSWORD_MAX } } },
      'staff.password_length',
    );
  }
  if (password !== confirm)
    throw invalid({ confirm: { key: 'staff.password_mismatch' } }, 'staff.password_mismatch');
}
