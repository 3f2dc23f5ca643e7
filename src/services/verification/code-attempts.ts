// Counting an attempt at a phone's live code, before any comparison: a conditional $inc that
// allows at most `maxAttempts`, however many arrive at once. The attempts of a moment share the
// database's commands: one bulk write counts them all, one read brings back the codes they were
// counted against. A bulk write does not say which of its updates matched, so each attempt
// leaves a mark of its own in the code (`tries`, as many as `attempts`): an attempt whose mark
// is in the code read back was counted against that very code; one whose mark is not was not
// counted (no code live, attempts spent), or its code was used up or replaced in between, and
// has nothing to compare with either way.
import { batchedFindByIds, batchedUpdate } from '../../lib/batched-db.ts';
import type { RandomBytes } from '../../lib/clock.ts';
import {
  type LiveCode,
  VerificationModel,
  type VerificationPurpose,
  type VerificationRecord,
  verificationUpdates,
} from '../../models/verification-code.model.ts';

export type AttemptCounter = (
  phone: string,
  purpose: VerificationPurpose,
  now: Date,
) => Promise<LiveCode | undefined>;

/** Counts one attempt at the live code; the code counted against, or undefined when none is left to try. */
export function createAttemptCounter(maxAttempts: number, random: RandomBytes): AttemptCounter {
  // Sent as `update` commands (lib/update-command.ts), journaled as before.
  const count = batchedUpdate(() => verificationUpdates);
  const read = batchedFindByIds<string, Pick<VerificationRecord, '_id' | 'codes'>>(
    () => VerificationModel.collection as never,
    { projection: { codes: 1 } },
  );
  return async (phone, purpose, now) => {
    const path = `codes.${purpose}`;
    const id = `phone:${phone}`;
    const mark = Buffer.from(random(9)).toString('base64url');
    await count({
      filter: { _id: id, [`${path}.expiresAt`]: { $gt: now }, [`${path}.attempts`]: { $lt: maxAttempts } },
      update: { $inc: { [`${path}.attempts`]: 1 }, $push: { [`${path}.tries`]: mark } },
    });
    const [held] = await read([id]);
    const live = held?.codes?.[purpose];
    return live?.tries?.includes(mark) ? live : undefined;
  };
}
