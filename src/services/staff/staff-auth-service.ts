// Signing in: scrypt-verified passwords, a temporary lockout after repeated failures, and
// one-time links to set a password. The clock is injected so the lockout can be tested.
import { createHash, randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { type StaffUser, StaffUserModel } from '../../models/staff-user.model.ts';
import type { Clock } from '../clock.ts';
import { AppError, invalid } from '../errors.ts';
import type { AuditService } from './audit-service.ts';
import { hashPassword, PASSWORD_MAX, PASSWORD_MIN, verifyPassword } from './password.ts';
import type { StaffPrincipal } from './principal.ts';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MINUTES = 15;
export const PASSWORD_LINK_HOURS = 72;

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

/** Failed sign-ins with e-mails that have no account, counted like an account's (bounded, in memory). */
function unknownEmailFailures() {
  const failures = new Map<string, { count: number; lockedUntil?: Date }>();
  return {
    lockedUntil(email: string, now: Date): Date | undefined {
      const f = failures.get(email);
      if (f?.lockedUntil && f.lockedUntil <= now) failures.delete(email);
      return failures.get(email)?.lockedUntil;
    },
    fail(email: string, now: Date): void {
      if (failures.size > 10_000) failures.clear();
      const f = failures.get(email) ?? { count: 0 };
      f.count += 1;
      if (f.count >= MAX_FAILED_LOGINS) {
        f.count = 0;
        f.lockedUntil = new Date(now.getTime() + LOCKOUT_MINUTES * 60_000);
      }
      failures.set(email, f);
    },
  };
}

export function createStaffAuthService(deps: { clock: Clock; audit: AuditService }) {
  const { clock, audit } = deps;
  const unknownEmails = unknownEmailFailures();

  /**
   * Checks an e-mail and password. Unknown e-mails, inactive accounts and wrong passwords all
   * answer the same; a locked account says for how long. The fifth failure in a row locks.
   */
  async function login(
    emailInput: string,
    password: string,
    language?: 'zh-CN' | 'en',
  ): Promise<StaffPrincipal> {
    const email = emailInput.trim().toLowerCase();
    const user = await StaffUserModel.findOne({ email }).lean<StaffUserRecord>();
    const now = clock();
    // An unknown e-mail locks just as an account does, so the lock does not reveal which exist.
    const lockedUntil = user ? user.lockedUntil : unknownEmails.lockedUntil(email, now);
    if (lockedUntil && lockedUntil > now) {
      throw new AppError('rate_limited', 'staff.login_locked', {
        minutes: Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 60_000)),
      });
    }
    const ok = await verifyPassword(password, user?.passwordHash);
    if (!user?.active || !ok) {
      if (user) await recordFailure(user._id);
      else unknownEmails.fail(email, now);
      throw new AppError('unauthorized', 'staff.login_failed');
    }
    await StaffUserModel.updateOne(
      { _id: user._id },
      {
        $set: { failedLogins: 0, lastLoginAt: now, ...(language ? { language } : {}) },
        $unset: { lockedUntil: 1 },
      },
    );
    return principalOf(user);
  }

  async function recordFailure(id: Types.ObjectId): Promise<void> {
    const now = clock();
    const after = await StaffUserModel.findOneAndUpdate(
      { _id: id },
      { $inc: { failedLogins: 1 } },
      { returnDocument: 'after' },
    ).lean<StaffUserRecord>();
    if (after && after.failedLogins >= MAX_FAILED_LOGINS) {
      const until = new Date(now.getTime() + LOCKOUT_MINUTES * 60_000);
      // Conditional on the count, so concurrent failures lock once and reset the count once.
      const locked = await StaffUserModel.updateOne(
        { _id: id, failedLogins: { $gte: MAX_FAILED_LOGINS } },
        { $set: { lockedUntil: until, failedLogins: 0 } },
      );
      if (locked.modifiedCount === 1) {
        await audit.record({
          actor: 'system',
          action: 'account.locked',
          target: { kind: 'staff', id: id.toString(), label: after.email },
          after: { lockedUntil: until },
        });
      }
    }
  }

  /** The signed-in user for a session, or null when the account is gone or deactivated. */
  async function loadPrincipal(id: string): Promise<StaffPrincipal | null> {
    if (!Types.ObjectId.isValid(id)) return null;
    const user = await StaffUserModel.findOne({ _id: id, active: true }).lean<StaffUserRecord>();
    return user ? principalOf(user) : null;
  }

  /** A new one-time link token for an account (the caller shows the link once). */
  async function issuePasswordLink(userId: string | Types.ObjectId): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const expires = new Date(clock().getTime() + PASSWORD_LINK_HOURS * 3_600_000);
    const res = await StaffUserModel.updateOne(
      { _id: userId },
      { $set: { passwordSetTokenHash: hashToken(token), passwordSetExpiresAt: expires } },
    );
    if (res.matchedCount !== 1) throw new AppError('not_found', 'staff.account_not_found');
    return token;
  }

  async function accountForLink(token: string): Promise<StaffUserRecord> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw new AppError('not_found', 'staff.link_invalid');
    const user = await StaffUserModel.findOne({
      passwordSetTokenHash: hashToken(token),
      passwordSetExpiresAt: { $gt: clock() },
      active: true,
    }).lean<StaffUserRecord>();
    if (!user) throw new AppError('not_found', 'staff.link_invalid');
    return user;
  }

  /** Uses the one-time link: the token is consumed by the same update that sets the password. */
  async function setPasswordWithLink(
    token: string,
    password: string,
    confirm: string,
  ): Promise<StaffUserRecord> {
    const user = await accountForLink(token);
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

  return { login, loadPrincipal, issuePasswordLink, accountForLink, setPasswordWithLink };
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

export type StaffAuthService = ReturnType<typeof createStaffAuthService>;
