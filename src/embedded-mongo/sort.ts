// Sort specifications and sorting in MongoDB's order: BSON type order, strings by UTF-8 bytes
// or a collation, and an array sorted by its smallest (ascending) or largest (descending) element.
import type { Collation } from './collation.ts';
import { badValue } from './errors.ts';
import { compareValues } from './order.ts';
import { type Doc, isPlainObject, pathValues } from './values.ts';

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
  let best = values[0];
  for (const v of values.slice(1)) {
    const c = compareValues(v, best, collation?.compare);
    if ((dir === 1 && c < 0) || (dir === -1 && c > 0)) best = v;
  }
  return best;
}

/** A document's sort key under `sort`, one value per sort field. */
export function sortKeys(doc: Doc, sort: SortSpec, collation?: Collation): unknown[] {
  return sort.map(([p, d]) => sortKey(doc, p, d, collation));
}

/** Sorts documents (stable: ties keep their order). */
export function sortDocs(docs: Doc[], sort: SortSpec, collation?: Collation): Doc[] {
  if (sort.length === 1 && sort[0]![0] === '$natural') {
    return sort[0]![1] === -1 ? docs.reverse() : docs;
  }
  const keyed = docs.map((doc) => ({ doc, keys: sortKeys(doc, sort, collation) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < sort.length; i++) {
      const c = compareValues(a.keys[i], b.keys[i], collation?.compare);
      if (c) return c * sort[i]![1];
    }
    return 0;
  });
  return keyed.map((k) => k.doc);
}
