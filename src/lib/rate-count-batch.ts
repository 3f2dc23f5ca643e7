// Hits of rate-limit counters gathered across concurrent requests (group commit, coalesce.ts):
// a rush of bookings, each counting one hit of its own pair of ID numbers, costs one bulk write
// and at most one read per batch instead of one write per request. Each hit still gets its own exact
// count, as if the hits had come one by one, however many processes count the same key:
//
// - hits of one key in one batch are one increment of n; they get the counts T-n+1 … T, where
//   T is the key's count just after that increment;
// - every increment also appends `{ t, n }` to the key's short log (the last LOG_LENGTH
//   changes, `t` naming the batch), so the read that follows the bulk write finds T from the
//   count it reads, less whatever was counted after this batch's own entry (another process
//   may count the key between the write and the read).
//
// The read is of the keys that were there already: a key the bulk write inserted (the first
// hit of its window, as for most addresses asking for a verification code) was counted by this
// batch alone, so its count is known without asking. A batch of one key is one findAndModify.
// A key whose window has ended, or whose first hit raced another process's to insert it, is
// answered `null`: the store counts it alone (database-rate-store.ts), with the conditional
// restart of the window.
import { randomBytes } from 'node:crypto';
import { coalesce, type Outcome, succeeded } from './coalesce.ts';
import { perDocumentErrors } from './database-errors.ts';
import { isDuplicate } from './duplicate-key.ts';

/** How many of a key's latest changes its document remembers. */
export const LOG_LENGTH = 32;

/** One change of a key's count: `t` names the batch that made it (empty for a give-back). */
export interface CountLogEntry {
  t: string;
  n: number;
}

/** What a rate-limit counter document holds (database-rate-store.ts). */
export interface CounterDocument {
  _id: string;
  hits: number;
  resetAt: Date;
  expiresAt: Date;
  log?: CountLogEntry[];
}

/** One hit to count: the key's document, the application's time, the limit's window. */
export interface HitAsk {
  _id: string;
  now: Date;
  windowMs: number;
}

export interface Counted {
  totalHits: number;
  resetTime: Date;
}

/** What the counter needs of the counters' collection (the driver's). */
export interface CountersLike {
  findOneAndUpdate(
    filter: Record<string, unknown>,
    update: Record<string, unknown>,
    options: { upsert: true; returnDocument: 'after' },
  ): Promise<CounterDocument | null>;
  bulkWrite(
    ops: { updateOne: { filter: Record<string, unknown>; update: Record<string, unknown>; upsert: true } }[],
    options: { ordered: false },
  ): Promise<unknown>;
  find(filter: Record<string, unknown>): { toArray(): Promise<CounterDocument[]> };
}

interface KeyHits {
  _id: string;
  /** The latest time of its hits: a window ended for any of them has ended. */
  now: Date;
  windowMs: number;
  /** Indexes of the batch's hits of this key, in order. */
  hits: number[];
}

/** The window a first hit starts: on the application's clock, removed on the system's. */
export function windowFrom(now: Date, windowMs: number): Pick<CounterDocument, 'resetAt' | 'expiresAt'> {
  return { resetAt: new Date(now.getTime() + windowMs), expiresAt: new Date(Date.now() + windowMs) };
}

/** Changes a key's count by n and logs the change as batch t's (empty: a change of its own). */
export function countChange(n: number, t: string) {
  return { $inc: { hits: n }, $push: { log: { $each: [{ t, n }], $slice: -LOG_LENGTH } } };
}

/** The update that counts n hits of a live window (or starts one, with upsert). */
export function countUpdate(n: number, t: string, now: Date, windowMs: number) {
  return { ...countChange(n, t), $setOnInsert: windowFrom(now, windowMs) };
}

function byKey(asks: HitAsk[]): KeyHits[] {
  const keys = new Map<string, KeyHits>();
  asks.forEach((ask, i) => {
    const k = keys.get(ask._id);
    if (!k) keys.set(ask._id, { _id: ask._id, now: ask.now, windowMs: ask.windowMs, hits: [i] });
    else {
      k.hits.push(i);
      if (ask.now > k.now) k.now = ask.now;
    }
  });
  return [...keys.values()];
}

/** The key's count just after the batch `t` counted it, from what was read later. */
export function countAfter(doc: CounterDocument, t: string): number | undefined {
  const log = doc.log ?? [];
  const at = log.findIndex((e) => e.t === t);
  if (at < 0) return undefined;
  return doc.hits - log.slice(at + 1).reduce((sum, e) => sum + e.n, 0);
}

/** The keys a bulk write inserted, by their index in it (the driver's `upsertedIds`); undefined when not told. */
function upsertedOf(result: unknown): Record<number, unknown> | undefined {
  const ids = (result as { upsertedIds?: unknown } | null | undefined)?.upsertedIds;
  return ids && typeof ids === 'object' ? (ids as Record<number, unknown>) : undefined;
}

/**
 * Counts hits of many keys with as few commands as the load allows. `collection` is the
 * counters' collection; each call resolves to its hit's count and window, or to null when the
 * key must be counted alone (see above).
 */
export function createHitCounter(collection: () => CountersLike): (ask: HitAsk) => Promise<Counted | null> {
  const processTag = randomBytes(6).toString('base64url');
  let batches = 0;
  return coalesce<HitAsk, Counted | null>(async (asks) => {
    const t = `${processTag}${(batches++).toString(36)}`;
    const keys = byKey(asks);
    const outcomes: Outcome<Counted | null>[] = asks.map(() => succeeded(null));
    const answer = (k: KeyHits, total: number, resetTime: Date) =>
      k.hits.forEach((index, i) => {
        outcomes[index] = succeeded({ totalHits: total - k.hits.length + 1 + i, resetTime });
      });
    const live = (k: KeyHits) => ({ _id: k._id, resetAt: { $gt: k.now } });
    if (keys.length === 1) {
      const k = keys[0]!;
      try {
        const doc = await collection().findOneAndUpdate(
          live(k),
          countUpdate(k.hits.length, t, k.now, k.windowMs),
          {
            upsert: true,
            returnDocument: 'after',
          },
        );
        if (doc) answer(k, doc.hits, doc.resetAt);
      } catch (err) {
        if (!isDuplicate(err)) throw err;
      }
      return outcomes;
    }
    const refused = new Set<number>();
    let inserted: Record<number, unknown> | undefined;
    try {
      const res = await collection().bulkWrite(
        keys.map((k) => ({
          updateOne: {
            filter: live(k),
            update: countUpdate(k.hits.length, t, k.now, k.windowMs),
            upsert: true,
          },
        })),
        { ordered: false },
      );
      inserted = upsertedOf(res);
    } catch (err) {
      // Only a key's own first hit raced by another process's (its _id taken) is left to count
      // alone; anything else leaves the outcome of every hit unknown.
      const errors = perDocumentErrors(err);
      if (!errors?.every((e) => isDuplicate(e))) throw err;
      for (const e of errors) refused.add(e.index);
      inserted = upsertedOf((err as { result?: unknown }).result);
    }
    // A key this write inserted starts its window with these hits: its count is theirs, its
    // window the one just set, whatever was counted since (countAfter would say the same).
    for (const i of Object.keys(inserted ?? {}).map(Number)) {
      const k = keys[i]!;
      answer(k, k.hits.length, windowFrom(k.now, k.windowMs).resetAt);
    }
    const counted = keys.filter((_, i) => !refused.has(i) && !(inserted && i in inserted));
    if (counted.length === 0) return outcomes;
    const docs = await collection()
      .find({ _id: { $in: counted.map((k) => k._id) } })
      .toArray();
    const byId = new Map(docs.map((d) => [d._id, d]));
    for (const k of counted) {
      const doc = byId.get(k._id);
      // Forgotten since (a reset): these hits were the only ones of their window.
      if (!doc) answer(k, k.hits.length, windowFrom(k.now, k.windowMs).resetAt);
      // Counted too long ago to find (a window restarted since, or a flood of other batches):
      // the count as it is now.
      else answer(k, countAfter(doc, t) ?? doc.hits, doc.resetAt);
    }
    return outcomes;
  });
}
