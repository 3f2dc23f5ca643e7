// Query execution: pick an index for the filter's leading-field equality, `$in` or range
// conditions, scan only its candidates (re-checked by the full filter), then sort, skip,
// limit and project as MongoDB does.
import { Query } from 'mingo/query';
import { badValue } from './errors.ts';
import type { Index } from './indexes.ts';
import { type Collation, compileFilter, mingoOptions } from './matcher.ts';
import type { Collection } from './storage.ts';
import {
  cloneDoc,
  compareValues,
  type Doc,
  encodeKey,
  isOperatorObject,
  isPlainObject,
  pathValues,
  typeRank,
} from './values.ts';

interface Plan {
  index: Index;
  cost: number;
  ids: () => Iterable<string>;
}

/** A value an index can look up by equality: no regex, array or operator document. */
function isIndexableEquality(v: unknown): boolean {
  if (v instanceof RegExp || Array.isArray(v)) return false;
  if ((v as { _bsontype?: string } | null)?._bsontype === 'BSONRegExp') return false;
  return !isOperatorObject(v);
}

function planFor(coll: Collection, index: Index, cond: unknown, collation?: Collation): Plan | null {
  if (index.partial) return null;
  const ck = index.collation?.key;
  const usable = (v: unknown) => {
    // A query collation may match strings an index built without it would miss.
    if (typeof v === 'string' && collation) return false;
    if ((v === null || v === undefined) && index.sparse) return false;
    return true;
  };
  const equalities = (values: unknown[]): Plan | null => {
    if (!values.every((v) => isIndexableEquality(v) && usable(v))) return null;
    const keys = [...new Set(values.map((v) => encodeKey(v, ck)))];
    let cost = 0;
    for (const k of keys) cost += index.countEqual(k);
    return {
      index,
      cost,
      ids: function* () {
        for (const k of keys) yield* index.lookup(k);
      },
    };
  };
  if (!isOperatorObject(cond)) return equalities([cond]);
  const ops = cond as Doc;
  if ('$eq' in ops) return equalities([ops.$eq]);
  if (Array.isArray(ops.$in)) return equalities(ops.$in);
  let lo: { key: string; inclusive: boolean; rank: number } | undefined;
  let hi: { key: string; inclusive: boolean; rank: number } | undefined;
  const rangeable = (v: unknown) => {
    const r = typeRank(v);
    if (r === 3 || r === 8 || r === 9 || r === 10 || r === 11) return true;
    return r === 4 && !collation && !index.collation;
  };
  for (const [op, v] of Object.entries(ops)) {
    if (!rangeable(v)) continue;
    if ((op === '$gt' || op === '$gte') && !lo)
      lo = { key: encodeKey(v), inclusive: op === '$gte', rank: typeRank(v) };
    if ((op === '$lt' || op === '$lte') && !hi)
      hi = { key: encodeKey(v), inclusive: op === '$lte', rank: typeRank(v) };
  }
  if (!lo && !hi) return null;
  // On a multikey index two bounds may be met by different elements: keep one.
  if (lo && hi && (lo.rank !== hi.rank || index.multikey)) hi = undefined;
  const sample = lo ?? hi!;
  const typeOfBound = sample.rank;
  const familyStart = String.fromCharCode(0x40 + typeOfBound);
  const familyEnd = String.fromCharCode(0x40 + typeOfBound + 1);
  const from = lo ?? { key: familyStart, inclusive: true };
  const to = hi ?? { key: familyEnd, inclusive: false };
  return {
    index,
    // Without statistics, assume a range keeps a third of the collection.
    cost: coll.docs.size / 3 + 1,
    ids: () => index.range(from.key, from.inclusive, to.key, to.inclusive),
  };
}

/** The documents a filter can match: an index's candidates or the whole collection. */
export function candidateDocs(
  coll: Collection,
  filter: Doc | undefined,
  collation?: Collation,
): Iterable<Doc> {
  return plan(coll, filter, collation).docs;
}

/** The cheapest way to the candidates, with its estimated number of documents. */
function plan(
  coll: Collection,
  filter: Doc | undefined,
  collation?: Collation,
): { docs: Iterable<Doc>; cost: number } {
  const scan = { docs: coll.docs.values(), cost: coll.docs.size };
  if (!filter) return scan;
  let best: Plan | null = null;
  for (const [field, cond] of Object.entries(filter)) {
    if (field.startsWith('$')) continue;
    for (const index of coll.indexes) {
      if (index.leadingField !== field) continue;
      const p = planFor(coll, index, cond, collation);
      if (p && (!best || p.cost < best.cost)) best = p;
    }
    if (best && best.cost <= 1) break;
  }
  if (!best || best.cost >= coll.docs.size) return scan;
  const chosen = best;
  const docs = (function* () {
    const seen = chosen.index.multikey ? new Set<string>() : null;
    for (const id of chosen.ids()) {
      if (seen) {
        if (seen.has(id)) continue;
        seen.add(id);
      }
      const doc = coll.docs.get(id);
      if (doc) yield doc;
    }
  })();
  return { docs, cost: chosen.cost };
}

/**
 * With a sort on an indexed field and a limit, walk the index in order and stop once the
 * limit is reached, instead of sorting every match. Null and missing values sort first,
 * arrays by their smallest (ascending) or largest (descending) element, as MongoDB does.
 */
function sortedByIndex(
  coll: Collection,
  match: (doc: Doc) => boolean,
  sort: SortSpec,
  wanted: number,
  collation?: Collation,
): Doc[] | null {
  const [field, dir] = sort[0]!;
  if (collation) return null;
  const index = coll.indexes.find(
    (ix) => ix.leadingField === field && !ix.partial && !ix.sparse && !ix.collation,
  );
  if (!index) return null;
  const out: Doc[] = [];
  const seen = index.multikey ? new Set<string>() : null;
  for (const key of index.keysInOrder(dir)) {
    const group: Doc[] = [];
    for (const id of index.lookup(key)) {
      if (seen) {
        if (seen.has(id)) continue;
        seen.add(id);
      }
      const doc = coll.docs.get(id);
      if (doc && match(doc)) group.push(doc);
    }
    out.push(...(sort.length > 1 && group.length > 1 ? sortDocs(group, sort) : group));
    if (out.length >= wanted) break;
  }
  return out;
}

/** `{ _id: <scalar> }` alone: answered by the primary map without running the matcher. */
function exactIdLookup(coll: Collection, filter: Doc | undefined): Doc[] | null {
  if (!filter) return null;
  const keys = Object.keys(filter);
  if (keys.length !== 1 || keys[0] !== '_id') return null;
  const v = filter._id;
  if (!isIndexableEquality(v) || v === null || v === undefined) return null;
  const doc = coll.docs.get(encodeKey(v));
  return doc ? [doc] : [];
}

export type SortSpec = Array<[string, 1 | -1]>;

export function parseSort(sort: unknown): SortSpec | null {
  if (sort === undefined || sort === null) return null;
  if (!isPlainObject(sort)) throw badValue('sort must be an object');
  const out: SortSpec = [];
  for (const [k, v] of Object.entries(sort)) {
    if (isPlainObject(v) && v.$meta !== undefined) throw badValue('$meta sort is not supported');
    const dir = Number(v);
    if (dir !== 1 && dir !== -1) throw badValue(`Invalid sort value for ${k}: must be 1 or -1`);
    out.push([k, dir]);
  }
  return out.length ? out : null;
}

function sortKey(doc: Doc, path: string, dir: 1 | -1, collation?: Collation): unknown {
  const { values } = pathValues(doc, path);
  if (values.length === 1) return values[0];
  // An array sorts by its smallest element ascending, its largest descending.
  let best = values[0];
  for (const v of values.slice(1)) {
    const c = compareValues(v, best, collation?.compare);
    if ((dir === 1 && c < 0) || (dir === -1 && c > 0)) best = v;
  }
  return best;
}

export function sortDocs(docs: Doc[], sort: SortSpec, collation?: Collation): Doc[] {
  if (sort.length === 1 && sort[0]![0] === '$natural') {
    return sort[0]![1] === -1 ? docs.reverse() : docs;
  }
  const keyed = docs.map((doc) => ({ doc, keys: sort.map(([p, d]) => sortKey(doc, p, d, collation)) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < sort.length; i++) {
      const c = compareValues(a.keys[i], b.keys[i], collation?.compare);
      if (c) return c * sort[i]![1];
    }
    return 0;
  });
  return keyed.map((k) => k.doc);
}

export interface FindOptions {
  sort?: SortSpec | null;
  skip?: number;
  limit?: number;
  collation?: Collation;
  variables?: Doc;
}

/** The documents matching a filter, sorted, skipped and limited (stored objects, unprojected). */
export function findDocs(
  coll: Collection | undefined,
  filter: Doc | undefined,
  opts: FindOptions = {},
): Doc[] {
  if (!coll) return [];
  const skip = opts.skip ?? 0;
  const limit = opts.limit && opts.limit > 0 ? opts.limit : Number.POSITIVE_INFINITY;
  const exact = opts.collation ? null : exactIdLookup(coll, filter);
  if (exact) return exact.slice(skip, skip + limit);
  const match = compileFilter(filter, opts.collation, opts.variables);
  const out: Doc[] = [];
  if (!opts.sort) {
    const wanted = skip + limit;
    for (const doc of candidateDocs(coll, filter, opts.collation)) {
      if (match(doc)) {
        out.push(doc);
        if (out.length >= wanted) break;
      }
    }
    return out.slice(skip);
  }
  const candidates = plan(coll, filter, opts.collation);
  if (Number.isFinite(limit) && candidates.cost > 1000 && opts.sort[0]![0] !== '$natural') {
    const walked = sortedByIndex(coll, match, opts.sort, skip + limit, opts.collation);
    if (walked) return walked.slice(skip, skip + limit);
  }
  for (const doc of candidates.docs) if (match(doc)) out.push(doc);
  const sorted = sortDocs(out, opts.sort, opts.collation);
  return sorted.slice(skip, skip + limit);
}

function sliceArray(arr: unknown[], spec: unknown): unknown[] {
  if (Array.isArray(spec)) {
    const [skip, limit] = spec.map(Number) as [number, number];
    const from = skip < 0 ? Math.max(0, arr.length + skip) : skip;
    return arr.slice(from, from + limit);
  }
  const n = Number(spec);
  return n < 0 ? arr.slice(Math.max(0, arr.length + n)) : arr.slice(0, n);
}

/**
 * `$slice` alone or with exclusions keeps every other field (mingo treats it as an
 * inclusion): exclude with mingo, then slice here.
 */
function sliceOnlyProjector(projection: Doc, collation?: Collation): ((docs: Doc[]) => Doc[]) | null {
  const slices: Array<[string, unknown]> = [];
  const exclusions: Doc = {};
  for (const [path, v] of Object.entries(projection)) {
    if (isPlainObject(v) && Object.keys(v).length === 1 && '$slice' in v) slices.push([path, v.$slice]);
    else if (v === 0 || v === false) exclusions[path] = 0;
    else return null;
  }
  if (slices.length === 0) return null;
  const exclude = Object.keys(exclusions).length ? new Query({}, mingoOptions(collation)) : null;
  return (docs) =>
    docs.map((raw) => {
      const doc = exclude ? (exclude.find([raw], exclusions).all()[0] as Doc) : cloneDoc(raw);
      for (const [path, spec] of slices) {
        const parts = path.split('.');
        let parent: unknown = doc;
        for (const part of parts.slice(0, -1)) parent = isPlainObject(parent) ? parent[part] : undefined;
        const last = parts[parts.length - 1]!;
        if (isPlainObject(parent) && Array.isArray(parent[last])) {
          parent[last] = sliceArray(parent[last] as unknown[], spec);
        }
      }
      return doc;
    });
}

/** Applies a find projection (inclusion, exclusion, `$slice`, `$elemMatch`, positional `$`). */
export function projector(
  projection: unknown,
  filter: Doc | undefined,
  collation?: Collation,
): ((docs: Doc[]) => Doc[]) | null {
  if (projection === undefined || projection === null) return null;
  if (!isPlainObject(projection)) throw badValue('projection must be an object');
  if (Object.keys(projection).length === 0) return null;
  const slicing = sliceOnlyProjector(projection, collation);
  if (slicing) return slicing;
  const positional = Object.keys(projection).some((k) => k.endsWith('.$'));
  const query = new Query(positional && filter ? filter : {}, mingoOptions(collation));
  // Validate the projection now so that a bad one fails the command, not a later getMore.
  query.find([{}], projection as Doc).all();
  return (docs) => query.find(docs, projection as Doc).all() as Doc[];
}
