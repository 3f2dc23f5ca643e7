// Conditional updates that must happen one after another, as a verification code's sends:
// the phone's allowance is taken only once the address's was. Done one call at a time, each
// step of a moment's calls costs a database command of its own (a round trip each); here the
// steps of every call made together go in one ordered bulk write, so a moment's calls cost one
// command when nothing is refused.
//
// An ordered bulk write stops at the first step the server refuses: that call ends there (its
// later steps are never applied), the steps before it are stored, those after it were not
// reached. What was not reached goes on in unordered rounds of one step per call (as many
// rounds as a call has steps), so a refusal costs at most that many commands more, however
// many calls share the moment.

import { bulkUpdates, type UpdatableLike, type UpdateOne } from './batched-db.ts';
import { coalesce, failed, type Outcome, succeeded } from './coalesce.ts';
import { isDuplicate } from './duplicate-key.ts';

interface Progress {
  steps: UpdateOne[];
  /** Steps stored so far. */
  applied: number;
  /** Set once a step was refused: the call ends there. */
  refused?: Error;
  /** A later round failed as a whole while this call was still going. */
  failure?: unknown;
}

/** The step the server refused first in an ordered bulk write; undefined when none was. */
async function orderedWrite(collection: () => UpdatableLike, ops: UpdateOne[]) {
  const refused = await bulkUpdates(collection(), ops, true);
  if (refused.size === 0) return undefined;
  const index = Math.min(...refused.keys());
  return { index, error: refused.get(index)! };
}

/** One unordered round: the next step of every call still going. */
async function unorderedRound(collection: () => UpdatableLike, going: Progress[]): Promise<void> {
  const ops = going.map((p) => p.steps[p.applied]!);
  const refusals = await bulkUpdates(collection(), ops, false);
  going.forEach((p, i) => {
    const refusal = refusals.get(i);
    if (refusal) p.refused = refusal;
    else p.applied += 1;
  });
}

/**
 * Applies each call's steps in order, a step only once the one before it is stored. A call
 * resolves with the number of its steps applied: all of them, or those before the one refused
 * by a duplicate key (a conditional upsert over its limit collides on _id). A step refused for
 * another reason of its own rejects its call; a command that failed as a whole rejects them all.
 */
export function batchedSteps(collection: () => UpdatableLike): (steps: UpdateOne[]) => Promise<number> {
  return coalesce<UpdateOne[], number>(async (calls) => {
    const progress: Progress[] = calls.map((steps) => ({ steps, applied: 0 }));
    const order = progress.flatMap((p) => p.steps.map(() => p));
    const stop = await orderedWrite(collection, calls.flat());
    const reached = stop ? stop.index : order.length;
    for (const p of order.slice(0, reached)) p.applied += 1;
    if (stop) order[stop.index]!.refused = stop.error;
    for (;;) {
      const going = progress.filter((p) => !p.refused && !p.failure && p.applied < p.steps.length);
      if (going.length === 0) break;
      // Calls already done keep their answer; only those still going share the failure.
      await unorderedRound(collection, going).catch((err: unknown) => {
        for (const p of going) p.failure = err;
      });
    }
    return progress.map((p): Outcome<number> => {
      if (p.failure) return failed(p.failure);
      if (p.refused && !isDuplicate(p.refused)) return failed(p.refused);
      return succeeded(p.applied);
    });
  });
}
