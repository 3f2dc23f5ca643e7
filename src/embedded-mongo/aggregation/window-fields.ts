// $setWindowFields with MongoDB's partitions and order. Partitions are keyed by value (grouping.ts).
// mingo sorts each partition with its own comparison (strings by UTF-16 code unit, a Long, a
// Decimal128 or an integral double after every other value), so the engine sorts the documents in
// BSON order itself and hands mingo their ranks to sort by: documents with equal sort keys share a
// rank, so $rank and $denseRank still see ties. Windows that read the sort field's values (a
// `range` window, $derivative, $integral, $linearFill) keep mingo's order: see the docs' known
// differences.
import { $setWindowFields as mingoWindows } from 'mingo/operators/pipeline';
import { parseCollation } from '../collation.ts';
import { compareValues } from '../order.ts';
import { parseSort, sortDocs, sortKeys } from '../sort.ts';
import { type Doc, isPlainObject } from '../values.ts';
import { canonicalKeys, type Sequence, type Stage } from './grouping.ts';

/** A field no client document carries, removed again before the stage answers. */
const RANK = '\u0000engineWindowRank';
const READS_SORT_VALUES = new Set(['$derivative', '$integral', '$linearFill']);

function readsSortValues(output: unknown): boolean {
  if (!isPlainObject(output)) return true;
  return Object.values(output).some(
    (o) =>
      !isPlainObject(o) ||
      (isPlainObject(o.window) && o.window.range !== undefined) ||
      Object.keys(o).some((k) => READS_SORT_VALUES.has(k)),
  );
}

/** Marks each document with its rank in BSON order under `sortBy` (ties share one). */
function ranked(coll: Sequence, sortBy: unknown, options: any): Sequence {
  const sort = parseSort(sortBy)!;
  const collation = parseCollation(options?.collation);
  return coll.transform((docs) => {
    let previous: unknown[] | null = null;
    let rank = 0;
    for (const doc of sortDocs(docs.slice(), sort, collation)) {
      const keys = sortKeys(doc, sort, collation);
      if (previous && keys.some((k, i) => compareValues(k, previous![i], collation?.compare) !== 0)) rank++;
      previous = keys;
      doc[RANK] = rank;
    }
    return docs[Symbol.iterator]();
  });
}

function withoutRanks(coll: Sequence): Sequence {
  return coll.transform((docs) =>
    docs
      .map((doc: Doc) => {
        delete doc[RANK];
        return doc;
      })
      [Symbol.iterator](),
  );
}

export const $setWindowFields: Stage = (coll, spec, options) => {
  if (!isPlainObject(spec)) return mingoWindows(coll as never, spec, options) as unknown as Sequence;
  let input = coll;
  const rewritten: Doc = { ...spec };
  if (spec.partitionBy !== undefined) {
    const [keyed, partitionBy] = canonicalKeys(input, spec.partitionBy, options);
    input = keyed;
    rewritten.partitionBy = partitionBy;
  }
  const byRank = spec.sortBy !== undefined && !readsSortValues(spec.output);
  if (byRank) {
    input = ranked(input, spec.sortBy, options);
    rewritten.sortBy = { [RANK]: 1 };
  }
  const out = mingoWindows(input as never, rewritten as never, options) as unknown as Sequence;
  return byRank ? withoutRanks(out) : out;
};
