/**
 * Group commit for database calls: concurrent calls of one kind are gathered and served by
 * one call over all of them. While a batch is in flight, new calls wait and go together in
 * the next one, so the batch size follows the load: a lone request waits one turn of the
 * event loop, and a rush of a hundred requests costs a few database commands instead of a
 * hundred. Each caller still gets its own result or its own error.
 */
import { DATABASE_CALL_DEADLINE_MS, withDeadline } from './deadline.ts';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export const succeeded = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const failed = <T>(error: unknown): Outcome<T> => ({ ok: false, error });

interface Waiting<In, Out> {
  item: In;
  resolve: (value: Out) => void;
  reject: (error: unknown) => void;
}

/**
 * `run` receives the gathered items and answers one outcome per item, in order. When `run`
 * itself throws (the database is unreachable, say), every caller of that batch gets the error.
 * A batch that has not settled after `deadlineMs` fails every caller with a DatabaseDeadlineError
 * (outcome unknown: 503) and the next batch goes: one call stuck on a dead connection never
 * holds every later caller (see deadline.ts).
 */
export function coalesce<In, Out>(
  run: (items: In[]) => Promise<Outcome<Out>[]>,
  maxBatch = 256,
  deadlineMs = DATABASE_CALL_DEADLINE_MS,
): (item: In) => Promise<Out> {
  let queue: Waiting<In, Out>[] = [];
  let inFlight = false;
  let scheduled = false;

  function schedule(): void {
    if (scheduled || inFlight || queue.length === 0) return;
    scheduled = true;
    setImmediate(flush);
  }

  async function flush(): Promise<void> {
    scheduled = false;
    const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
    queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
    inFlight = true;
    try {
      const outcomes = await withDeadline(
        run(batch.map((w) => w.item)),
        deadlineMs,
        'a batched database call',
      );
      batch.forEach((w, i) => {
        const outcome = outcomes[i];
        if (!outcome) w.reject(new Error('a batched call was left without an answer'));
        else if (outcome.ok) w.resolve(outcome.value);
        else w.reject(outcome.error);
      });
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      inFlight = false;
      schedule();
    }
  }

  return (item: In) =>
    new Promise<Out>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      schedule();
    });
}
