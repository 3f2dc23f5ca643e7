// The aggregation stages that write: `$out` replaces the target collection's documents (keeping
// its indexes), all or nothing; `$merge` inserts, merges, replaces or keeps by its `on` fields.
import type { Budget } from '../budget.ts';
import type { Collation } from '../collation.ts';
import { badValue, ErrorCodes, MongoCommandError } from '../errors.ts';
import type { QueryMetrics } from '../metrics.ts';
import { findDocs } from '../query.ts';
import { type Store, validateCollName } from '../storage.ts';
import { applyUpdate, prepareInsert } from '../update/index.ts';
import { cloneDoc, type Doc, getPath, isPlainObject } from '../values.ts';

export function targetOf(spec: unknown, db: string): { db: string; coll: string } {
  if (typeof spec === 'string') return { db, coll: validateCollName(spec) };
  if (isPlainObject(spec) && typeof spec.coll === 'string') {
    return { db: typeof spec.db === 'string' ? spec.db : db, coll: validateCollName(spec.coll) };
  }
  throw badValue('$out/$merge needs a collection name or { db, coll }');
}
/** $out: replaces the target's documents (keeping its indexes), all or nothing. */
export function writeOut(store: Store, target: { db: string; coll: string }, results: Doc[]): void {
  const coll = store.ensureCollection(target.db, target.coll).coll;
  const previous = [...coll.docs.values()];
  for (const doc of previous) coll.delete(doc);
  const inserted: Doc[] = [];
  try {
    for (const raw of results) {
      const doc = prepareInsert(cloneDoc(raw));
      coll.insert(doc);
      inserted.push(doc);
    }
  } catch (err) {
    for (const doc of inserted) coll.delete(doc);
    for (const doc of previous) coll.insert(doc);
    throw err;
  }
}

export async function writeMerge(
  store: Store,
  spec: Doc,
  db: string,
  results: Doc[],
  scan: { collation?: Collation; budget: Budget; metrics: QueryMetrics },
): Promise<void> {
  const target = targetOf(spec.into, db);
  const on =
    spec.on === undefined ? ['_id'] : Array.isArray(spec.on) ? (spec.on as string[]) : [String(spec.on)];
  const whenMatched = spec.whenMatched ?? 'merge';
  const whenNotMatched = spec.whenNotMatched ?? 'insert';
  const coll = store.ensureCollection(target.db, target.coll).coll;
  const onKey = JSON.stringify(Object.fromEntries(on.map((f) => [f, 1])));
  if (
    !(on.length === 1 && on[0] === '_id') &&
    !coll.indexes.some(
      (ix) => ix.unique && JSON.stringify(Object.fromEntries(ix.fields.map((f) => [f, 1]))) === onKey,
    )
  ) {
    throw new MongoCommandError(51183, 'Cannot find index to verify that join fields will be unique');
  }
  for (const raw of results) {
    const doc = cloneDoc(raw);
    const filter: Doc = {};
    for (const f of on) {
      const v = getPath(doc, f);
      if (v === undefined && f !== '_id')
        throw new MongoCommandError(
          51132,
          `$merge write error: 'on' field '${f}' cannot be missing, null or an array`,
        );
      filter[f] = v;
    }
    const [existing] =
      filter._id === undefined && on.includes('_id')
        ? []
        : await findDocs(coll, filter, { limit: 1, ...scan });
    if (!existing) {
      if (whenNotMatched === 'discard') continue;
      if (whenNotMatched === 'fail')
        throw new MongoCommandError(
          13113,
          '$merge could not find a matching document in the target collection for at least one document in the source collection',
        );
      coll.insert(prepareInsert(doc));
      continue;
    }
    if (whenMatched === 'keepExisting') continue;
    if (whenMatched === 'fail') {
      throw new MongoCommandError(
        ErrorCodes.DuplicateKey,
        `$merge failed: a document with the same '${on.join(', ')}' already exists`,
      );
    }
    let next: Doc | null;
    if (whenMatched === 'replace') {
      const { _id, ...rest } = doc;
      next = applyUpdate(existing, rest);
    } else if (whenMatched === 'merge') {
      const { _id, ...rest } = doc;
      next = Object.keys(rest).length ? applyUpdate(existing, { $set: rest }) : null;
    } else if (Array.isArray(whenMatched)) {
      next = applyUpdate(existing, whenMatched, {
        variables: { new: doc, ...(spec.let as Doc | undefined) },
      });
    } else {
      throw badValue(
        `Enumeration value '${String(whenMatched)}' for field 'whenMatched' is not a valid value.`,
      );
    }
    if (next) coll.replace(existing, next);
  }
}
