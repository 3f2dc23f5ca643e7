// Query plans: which index, if any, yields the candidates of a filter. Equality, `$in` and range
// conditions on an index's leading field (top level or inside `$and`) use it; an `$or` whose
// every branch has such an index is served by the union of those branches; a hint names the
// index to walk. Hidden indexes are never chosen. Candidates are always re-checked by the filter.
import type { Collation } from './collation.ts';
import type { Collection } from './collection.ts';
import { badValue } from './errors.ts';
import type { Index } from './indexes.ts';
import { encodeKey, rangeEndKey, rangeStartKey } from './keys.ts';
import { typeRank } from './order.ts';
import { type Doc, isOperatorObject, isPlainObject } from './values.ts';

export interface Plan {
  /** Candidate ids in index order; null: scan the whole collection. */
  ids: (() => Iterable<string>) | null;
  /** Estimated number of candidates. */
  cost: number;
  /** A collection scan in reverse insertion order (`hint: { $natural: -1 }`). */
  reverse?: boolean;
  /** The hinted index, whose key order the results follow when no sort is given. */
  hinted?: Index;
}

/** A value an index can look up by equality: no regex, array or operator document. */
function isIndexableEquality(v: unknown): boolean {
  if (v instanceof RegExp || Array.isArray(v)) return false;
  if ((v as { _bsontype?: string } | null)?._bsontype === 'BSONRegExp') return false;
  return !isOperatorObject(v);
}

function planFor(coll: Collection, index: Index, cond: unknown, collation?: Collation): Plan | null {
  if (index.partial || index.hidden) return null;
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
      lo = { ...rangeStartKey(v, op === '$gte'), rank: typeRank(v) };
    if ((op === '$lt' || op === '$lte') && !hi) hi = { ...rangeEndKey(v, op === '$lte'), rank: typeRank(v) };
  }
  if (!lo && !hi) return null;
  // On a multikey index two bounds may be met by different elements: keep one.
  if (lo && hi && (lo.rank !== hi.rank || index.multikey)) hi = undefined;
  // A one-sided range stays within the bound's type family (keys start with the type's tag).
  const rank = (lo ?? hi)!.rank;
  const from = lo ?? { key: String.fromCharCode(0x40 + rank), inclusive: true };
  const to = hi ?? { key: String.fromCharCode(0x41 + rank), inclusive: false };
  return {
    // Without statistics, assume a range keeps a third of the collection.
    cost: coll.docs.size / 3 + 1,
    ids: () => index.range(from.key, from.inclusive, to.key, to.inclusive),
  };
}

/** Top-level conditions, with those of top-level `$and` clauses. */
function conditions(filter: Doc): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [field, cond] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(cond)) {
      for (const sub of cond) if (isPlainObject(sub)) out.push(...conditions(sub));
    } else if (!field.startsWith('$')) {
      out.push([field, cond]);
    }
  }
  return out;
}

function bestPlan(coll: Collection, filter: Doc, collation?: Collation): Plan | null {
  let best = null as Plan | null;
  for (const [field, cond] of conditions(filter)) {
    for (const index of coll.indexes) {
      if (index.leadingField !== field) continue;
      const p = planFor(coll, index, cond, collation);
      if (p && (!best || p.cost < best.cost)) best = p;
    }
    if (best && best.cost <= 1) return best;
  }
  const or = filter.$or;
  if (Array.isArray(or) && or.length > 0 && or.every(isPlainObject)) {
    const branches = or.map((b) => bestPlan(coll, b as Doc, collation));
    if (branches.every((b) => b !== null)) {
      const cost = branches.reduce((n, b) => n + b!.cost, 0);
      if (!best || cost < best.cost) {
        best = {
          cost,
          ids: function* () {
            for (const b of branches) yield* b!.ids!();
          },
        };
      }
    }
  }
  return best;
}

function hintedPlan(coll: Collection, hint: unknown): Plan {
  if (isPlainObject(hint) && '$natural' in hint) {
    return { ids: null, cost: coll.docs.size, reverse: Number(hint.$natural) < 0 };
  }
  const index = typeof hint === 'string' || isPlainObject(hint) ? coll.findIndex(hint) : undefined;
  if (!index || index.hidden) {
    throw badValue(
      'error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index',
    );
  }
  const dir = Number(index.spec.key[index.leadingField]) < 0 ? -1 : 1;
  return {
    cost: coll.docs.size,
    hinted: index,
    ids: function* () {
      for (const key of index.keysInOrder(dir)) yield* index.lookup(key);
    },
  };
}

/** The plan for a filter: a hinted index, the cheapest usable index, or a collection scan. */
export function planQuery(
  coll: Collection,
  filter: Doc | undefined,
  collation?: Collation,
  hint?: unknown,
): Plan {
  if (hint !== undefined && hint !== null) return hintedPlan(coll, hint);
  const scan: Plan = { ids: null, cost: coll.docs.size };
  if (!filter) return scan;
  const best = bestPlan(coll, filter, collation);
  if (!best || best.cost >= coll.docs.size) return scan;
  return best;
}

/** Whether a hint names an index of the collection (checked even when nothing is scanned). */
export function checkHint(coll: Collection | undefined, hint: unknown): void {
  if (hint === undefined || hint === null || !coll) return;
  hintedPlan(coll, hint);
}
