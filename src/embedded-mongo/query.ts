// Query execution: the planner's candidates (an index's or the whole collection), each checked
// against the filter, then sorted, skipped and limited as MongoDB does. A long scan yields to
// other connections every few milliseconds and honours maxTimeMS (budget.ts); the documents it
// returns are the versions it saw, so a caller that writes must re-check the current version.
import type { Budget } from './budget.ts';
import type { Collation } from './collation.ts';
import type { Collection } from './collection.ts';
import { compileFilter, type Matcher } from './filter/compile.ts';
import type { Index } from './indexes.ts';
import type { QueryMetrics } from './metrics.ts';
import { planQuery } from './planner.ts';
import { type SortSpec, sortDocs } from './sort.ts';
import { type Doc, encodeKey, isOperatorObject } from './values.ts';

export interface FindOptions {
  sort?: SortSpec | null;
  skip?: number;
  limit?: number;
  collation?: Collation;
  variables?: Doc;
  hint?: unknown;
  budget: Budget;
  metrics: QueryMetrics;
  /** The filter already compiled with this collation and these variables (a write's re-check uses it too). */
  match?: Matcher;
}

/** The scalar an `_id` condition equals (`{ _id: v }`), or undefined when it is anything else. */
function idEquality(filter: Doc): unknown {
  if (!Object.hasOwn(filter, '_id')) return undefined;
  const v = filter._id;
  if (v === null || v === undefined || v instanceof RegExp || Array.isArray(v) || isOperatorObject(v))
    return undefined;
  if ((v as { _bsontype?: string })._bsontype === 'BSONRegExp') return undefined;
  return v;
}

/**
 * A filter with a top-level `{ _id: <scalar> }` among its conditions: at most one document can
 * match (`_id` is unique and never an array), the one the primary map holds under that key, so
 * it is checked against the whole filter without planning or walking an index (MongoDB's
 * IDHACK, widened to filters with further conditions, as the app's conditional writes are).
 */
function idLookup(
  coll: Collection,
  filter: Doc | undefined,
  match: Matcher,
  metrics: QueryMetrics,
): Doc[] | null {
  if (!filter) return null;
  const id = idEquality(filter);
  if (id === undefined) return null;
  const doc = coll.docs.get(encodeKey(id));
  if (!doc) return [];
  metrics.scanned++;
  metrics.scannedObjects++;
  return match(doc) ? [doc] : [];
}

/** Candidate documents in plan order, each once. */
function* candidates(
  coll: Collection,
  ids: (() => Iterable<string>) | null,
  reverse: boolean,
  metrics: QueryMetrics,
): Iterable<Doc> {
  if (!ids) {
    const all = reverse ? [...coll.docs.values()].reverse() : coll.docs.values();
    for (const doc of all) {
      metrics.scannedObjects++;
      yield doc;
    }
    return;
  }
  const seen = new Set<string>();
  for (const id of ids()) {
    metrics.scanned++;
    if (seen.has(id)) continue;
    seen.add(id);
    const doc = coll.docs.get(id);
    if (!doc) continue;
    metrics.scannedObjects++;
    yield doc;
  }
}

/** Matching documents until `wanted` are found, yielding to the event loop between slices. */
async function collect(
  source: Iterable<Doc>,
  match: Matcher,
  wanted: number,
  budget: Budget,
): Promise<Doc[]> {
  const out: Doc[] = [];
  if (wanted <= 0) return out;
  for (const doc of source) {
    if (budget.step()) await budget.pause();
    if (match(doc)) {
      out.push(doc);
      if (out.length >= wanted) break;
    }
  }
  return out;
}

/**
 * With a sort on an indexed field and a limit, walk the index in order and stop once the limit
 * is reached, instead of sorting every match. Null and missing values sort first, arrays by
 * their smallest (ascending) or largest (descending) element, as MongoDB does.
 */
async function sortedByIndex(
  coll: Collection,
  match: Matcher,
  sort: SortSpec,
  wanted: number,
  opts: FindOptions,
): Promise<Doc[] | null> {
  const [field, dir] = sort[0]!;
  if (opts.collation) return null;
  const index = coll.indexes.find(
    (ix) => ix.leadingField === field && !ix.partial && !ix.sparse && !ix.collation && !ix.hidden,
  );
  if (!index) return null;
  const out: Doc[] = [];
  const seen = index.multikey ? new Set<string>() : null;
  for (const key of index.keysInOrder(dir)) {
    const group: Doc[] = [];
    for (const id of index.lookup(key)) {
      opts.metrics.scanned++;
      if (opts.budget.step()) await opts.budget.pause();
      if (seen) {
        if (seen.has(id)) continue;
        seen.add(id);
      }
      const doc = coll.docs.get(id);
      if (!doc) continue;
      opts.metrics.scannedObjects++;
      if (match(doc)) group.push(doc);
    }
    out.push(...(sort.length > 1 && group.length > 1 ? sortDocs(group, sort) : group));
    if (out.length >= wanted) break;
  }
  return out;
}

/** The key pattern of an index as a sort (results of a hinted query follow it). */
function indexOrder(index: Index): SortSpec {
  return Object.entries(index.spec.key).map(([f, d]) => [f, Number(d) < 0 ? -1 : 1]);
}

/**
 * The documents matching a filter, sorted, skipped and limited (stored objects, unprojected).
 * The filter is checked even when the collection does not exist.
 */
export async function findDocs(
  coll: Collection | undefined,
  filter: Doc | undefined,
  opts: FindOptions,
): Promise<Doc[]> {
  const match = opts.match ?? compileFilter(filter, { collation: opts.collation, variables: opts.variables });
  if (!coll) return [];
  const skip = opts.skip ?? 0;
  const limit = opts.limit && opts.limit > 0 ? opts.limit : Number.POSITIVE_INFINITY;
  const noHint = opts.hint === undefined || opts.hint === null;
  const exact = opts.collation || !noHint ? null : idLookup(coll, filter, match, opts.metrics);
  if (exact) return exact.slice(skip, skip + limit);
  const plan = planQuery(coll, filter, opts.collation, opts.hint);
  const source = candidates(coll, plan.ids, plan.reverse === true, opts.metrics);
  if (!opts.sort) {
    const found = await collect(source, match, skip + limit, opts.budget);
    const ordered = plan.hinted ? sortDocs(found, indexOrder(plan.hinted)) : found;
    return ordered.slice(skip);
  }
  if (Number.isFinite(limit) && plan.cost > 1000 && noHint && opts.sort[0]![0] !== '$natural') {
    const walked = await sortedByIndex(coll, match, opts.sort, skip + limit, opts);
    if (walked) return walked.slice(skip, skip + limit);
  }
  const all = await collect(source, match, Number.POSITIVE_INFINITY, opts.budget);
  return sortDocs(all, opts.sort, opts.collation).slice(skip, skip + limit);
}
