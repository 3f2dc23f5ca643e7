// Grouping by value as MongoDB does: values that compare equal form one group, whatever their
// BSON number types (int 42, double 42.0, Long 42 and Decimal128 "42" are one key, inside
// documents and arrays too) and, under a collation, whatever their case or accents. mingo keys
// its groups by JavaScript representation, so the engine runs `$group`, `$sortByCount` and the
// partitions of `$setWindowFields` (window-fields.ts) on a canonical key (keys.ts, the index key encoding): every
// value of a group is replaced by the first one seen, which is the `_id` MongoDB answers.
import { evalExpr } from 'mingo/core';
import { $group as mingoGroup } from 'mingo/operators/pipeline';
import { parseCollation } from '../collation.ts';
import { badValue } from '../errors.ts';
import { encodeKey } from '../keys.ts';
import { parseSort, sortDocs } from '../sort.ts';
import { type Doc, isPlainObject } from '../values.ts';

/** A mingo lazy sequence, as far as these stages use it. */
export interface Sequence {
  transform(f: (docs: Doc[]) => Iterator<Doc>): Sequence;
}

export type Stage = (coll: Sequence, spec: any, options: any) => Sequence;

/** The canonical key of a value: equal values (as MongoDB compares them) share it. */
export function valueKeyFor(options: { collation?: unknown } | undefined): (v: unknown) => string {
  const collation = parseCollation(options?.collation);
  return (v) => encodeKey(v ?? null, collation?.key);
}

/**
 * `expr` rewritten so that, over the documents of `coll`, it answers the first value equal to
 * its own: the rewritten expression looks up a table the returned sequence fills before any
 * document goes on. mingo's `$function` operator is the engine's, which runs the functions the
 * engine builds (expressions.ts).
 */
export function canonicalKeys(coll: Sequence, expr: unknown, options: any): [Sequence, unknown] {
  const firstOf = new Map<Doc, unknown>();
  const keyOf = valueKeyFor(options);
  const filled = coll.transform((docs) => {
    const byKey = new Map<string, unknown>();
    for (const doc of docs) {
      const v = evalExpr(doc, expr, options) ?? null;
      const k = keyOf(v);
      if (!byKey.has(k)) byKey.set(k, v);
      firstOf.set(doc, byKey.get(k));
    }
    return docs[Symbol.iterator]();
  });
  return [filled, { $function: { body: (doc: Doc) => firstOf.get(doc), args: ['$$CURRENT'] } }];
}

const $group: Stage = (coll, spec, options) => {
  if (!isPlainObject(spec) || !Object.hasOwn(spec, '_id'))
    throw badValue('a group specification must include an _id');
  const [keyed, id] = canonicalKeys(coll, spec._id, options);
  return mingoGroup(keyed as never, { ...spec, _id: id }, options) as unknown as Sequence;
};

const $sortByCount: Stage = (coll, spec, options) => {
  const grouped = $group(coll, { _id: spec, count: { $sum: 1 } }, options);
  const sort = parseSort({ count: -1 })!;
  return grouped.transform((docs) => sortDocs(docs, sort)[Symbol.iterator]());
};

export const groupingStages: Record<string, Stage> = { $group, $sortByCount };
