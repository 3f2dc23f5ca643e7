// Database primitives for the hot paths of a rush (booking, lottery applications), each
// gathering concurrent calls into one command (see coalesce.ts). A call still stands alone:
// a document refused by a unique index fails its own call, never its neighbours'; any other
// failure of the shared command fails every call in it (see database-errors.ts).
import { coalesce, failed, type Outcome, succeeded } from './coalesce.ts';
import { perDocumentErrors, type WriteErrorLike, WriteOutcomeUnknownError } from './database-errors.ts';

/** What these helpers need of a collection (the driver's, or Mongoose's wrapper of it). */
interface CollectionLike {
  insertMany(
    docs: never[],
    options: { ordered: false; ignoreUndefined: true },
  ): Promise<{ insertedCount?: number } | unknown>;
  find(
    filter: Record<string, unknown>,
    options: { projection?: Record<string, 0 | 1> },
  ): { toArray(): Promise<unknown[]> };
}

/** One document's failure as an error of its own, shaped like the driver's duplicate key error. */
function asError(w: WriteErrorLike): Error {
  return Object.assign(new Error(w.errmsg ?? 'write error'), {
    code: w.code,
    keyPattern: w.keyPattern ?? w.err?.keyPattern,
  });
}

/**
 * Inserts one document per call; calls made together go in one unordered insert. A document
 * refused (a duplicate key) rejects its call with an error shaped like the driver's; a command
 * that failed as a whole, or whose reply does not account for every document, rejects them all.
 */
export function batchedInsert(collection: () => CollectionLike): (doc: object) => Promise<void> {
  return coalesce<object, void>(async (docs) => {
    const outcomes: Outcome<void>[] = docs.map(() => succeeded(undefined));
    let inserted: number | undefined;
    try {
      const res = await collection().insertMany(docs as never[], { ordered: false, ignoreUndefined: true });
      inserted = (res as { insertedCount?: number } | undefined)?.insertedCount;
    } catch (err) {
      const errors = perDocumentErrors(err);
      if (!errors) throw err;
      for (const w of errors) outcomes[w.index] = failed(asError(w));
      inserted = (err as { result?: { insertedCount?: number } }).result?.insertedCount;
    }
    const refused = outcomes.filter((o) => !o.ok).length;
    if (inserted !== undefined && inserted + refused !== docs.length)
      throw new WriteOutcomeUnknownError(`an insert of ${docs.length} documents (${inserted} reported)`);
    return outcomes;
  });
}

/** One conditional single-document update. */
export interface UpdateOne {
  filter: Record<string, unknown>;
  update: Record<string, unknown>;
  /** Inserts the document when the filter matches none (a match refused by _id is a duplicate key error). */
  upsert?: boolean;
}

/** What batchedUpdate (and batchedSteps) need of a collection. */
export interface UpdatableLike {
  bulkWrite(
    ops: { updateOne: UpdateOne }[],
    options: { ordered: boolean },
  ): Promise<{ matchedCount: number } | unknown>;
}

/**
 * The updates in one bulk write (stopping at the first refused when `ordered`): the updates the
 * server refused alone, each its own error by its index; none when all were applied. A command
 * that failed as a whole throws.
 */
export async function bulkUpdates(
  collection: UpdatableLike,
  ops: UpdateOne[],
  ordered: boolean,
): Promise<Map<number, Error>> {
  const refused = new Map<number, Error>();
  try {
    await collection.bulkWrite(
      ops.map((op) => ({ updateOne: op })),
      { ordered },
    );
  } catch (err) {
    const errors = perDocumentErrors(err);
    if (!errors) throw err;
    for (const w of errors) refused.set(w.index, asError(w));
  }
  return refused;
}

/**
 * Applies one single-document update per call; calls made together go in one unordered bulk
 * write. An update the server refused alone (a document's own error) rejects its call; a
 * command that failed as a whole rejects them all. Each call resolves once its update is
 * stored, whether or not its filter matched (as `updateOne` without looking at the result).
 */
export function batchedUpdate(collection: () => UpdatableLike): (op: UpdateOne) => Promise<void> {
  return coalesce<UpdateOne, void>(async (ops) => {
    const refused = await bulkUpdates(collection(), ops, false);
    return ops.map((_, i): Outcome<void> => {
      const error = refused.get(i);
      return error ? failed(error) : succeeded(undefined);
    });
  });
}

/**
 * Finds documents by _id (and an optional fixed condition); calls made together share one
 * query. Each call gets the documents among those it asked for.
 */
export function batchedFindByIds<Id extends { toString(): string }, Doc extends { _id: Id }>(
  collection: () => CollectionLike,
  options: { where?: Record<string, unknown>; projection?: Record<string, 0 | 1> } = {},
): (ids: Id[]) => Promise<Doc[]> {
  return coalesce<Id[], Doc[]>(async (asks) => {
    const ids = [...new Map(asks.flat().map((id) => [id.toString(), id])).values()];
    if (ids.length === 0) return asks.map(() => succeeded([]));
    const found = (await collection()
      .find(
        { _id: { $in: ids }, ...options.where },
        options.projection ? { projection: options.projection } : {},
      )
      .toArray()) as Doc[];
    const byId = new Map(found.map((d) => [d._id.toString(), d]));
    return asks.map((ask) =>
      succeeded(ask.map((id) => byId.get(id.toString())).filter((d): d is Doc => d !== undefined)),
    );
  });
}

/**
 * Finds documents by keys (the values of one field, or of a field in an array), given a query
 * for many keys at once (`$in`); calls made together share one query. Each call gets, in the
 * query's order, the documents holding any key it asked for (`keysOf`: the keys a document holds).
 */
export function batchedFindByKeys<Doc>(
  find: (keys: string[]) => Promise<Doc[]>,
  keysOf: (doc: Doc) => string[],
): (keys: string[]) => Promise<Doc[]> {
  return coalesce<string[], Doc[]>(async (asks) => {
    const keys = [...new Set(asks.flat())];
    if (keys.length === 0) return asks.map(() => succeeded([]));
    const found = await find(keys);
    const holders = new Map<string, number[]>();
    found.forEach((doc, i) => {
      for (const key of new Set(keysOf(doc))) {
        const at = holders.get(key);
        if (at) at.push(i);
        else holders.set(key, [i]);
      }
    });
    return asks.map((ask) => {
      const at = new Set(ask.flatMap((key) => holders.get(key) ?? []));
      return succeeded([...at].sort((a, b) => a - b).map((i) => found[i] as Doc));
    });
  });
}
