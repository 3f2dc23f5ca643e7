// Failed sign-ins with e-mails that have no account, counted and locked exactly like an
// account's (staff-auth-service.ts recordFailure), so that a lock tells nothing about which
// e-mails exist. In the database, with single-document atomic updates, so that every process
// counts the same failures and concurrent ones lock once.
import { createHash } from 'node:crypto';
import { UnknownLoginModel } from '../../models/unknown-login.model.ts';
import type { UnknownEmailFailures } from './staff-context.ts';

/** Longer than the longest lock (24 hours): a document outlives every lock it holds. */
const KEEP_MS = 2 * 24 * 3_600_000;

export function unknownEmailFailures(opts: {
  /** Failures in a row that lock. */
  lockAfter: number;
  /** Minutes of the lock after `earlier` locks. */
  lockMinutes: (earlier: number) => number;
}): UnknownEmailFailures {
  const idOf = (email: string) => createHash('sha256').update(`unknown-login:${email}`).digest('base64url');
  return {
    async lockedUntil(email, now) {
      const found = await UnknownLoginModel.findById(idOf(email), { lockedUntil: 1 }).lean();
      const until = found?.lockedUntil;
      return until && until > now ? until : undefined;
    },
    async fail(email, now) {
      const _id = idOf(email);
      // Kept on the system's clock: the database's TTL monitor removes it on real time.
      const expiresAt = new Date(Date.now() + KEEP_MS);
      const after = await UnknownLoginModel.findOneAndUpdate(
        { _id },
        { $inc: { failedLogins: 1 }, $set: { expiresAt }, $setOnInsert: { lockCount: 0 } },
        { upsert: true, returnDocument: 'after' },
      ).lean();
      if (!after || after.failedLogins < opts.lockAfter) return;
      // Conditional on the count, so that concurrent failures lock once.
      await UnknownLoginModel.updateOne(
        { _id, failedLogins: { $gte: opts.lockAfter } },
        {
          $set: {
            failedLogins: 0,
            lockedUntil: new Date(now.getTime() + opts.lockMinutes(after.lockCount) * 60_000),
          },
          $inc: { lockCount: 1 },
        },
      );
    },
  };
}
