// $setWindowFields with MongoDB's partitions and order. Partitions are keyed by value (grouping.ts).
// mingo sorts each partition with its own comparison (strings by UTF-16 code unit, a Long, a
// Decimal128 or an integral double after every other value), so the engine sorts the documents in
// BSON order itself and hands mingo their ranks to sort by: documents with equal sort keys share a
// rank, so $rank and $denseRank still see ties. Windows that read the sort field's values (a
// `range` window, $derivative, $integral, $linearFill) sort by that value as a JavaScript number
// (or date) instead, and the window operators that compute in doubles read their inputs as
// JavaScript numbers: exact for ints, doubles and Longs up to 2^53; a larger Long or a Decimal128
// there is refused (238), since mingo would compute it as a double.
import { $setWindowFields as mingoWindows } from 'mingo/operators/pipeline';
import { parseCollation } from '../collation.ts';
import { ErrorCodes, MongoCommandError } from '../errors.ts';
import { makeDouble, numberKind, toNumber } from '../numbers.ts';
import { compareValues } from '../order.ts';
import { parseSort, sortDocs, sortKeys } from '../sort.ts';
import { type Doc, isPlainObject, pathValues } from '../values.ts';
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

/** A number as mingo computes with it, or the refusal when a double would not hold it exactly. */
function plainNumber(v: unknown): unknown {
  const kind = numberKind(v);
  if (kind === null || kind === 'int' || (kind === 'double' && typeof v === 'number')) return v;
  const n = toNumber(v);
  if (kind === 'double' || (kind === 'long' && Number.isSafeInteger(n))) return n;
  throw new MongoCommandError(
    ErrorCodes.NotImplemented,
    `the embedded engine computes $setWindowFields ranges and numeric window operators in doubles, which do not hold this ${kind === 'long' ? 'Long' : 'Decimal128'} (${String(v)}) exactly`,
  );
}

const asPlainNumber = (expr: unknown) => ({ $function: { body: plainNumber, args: [expr] } });

/** The window operators that compute in doubles, and where their numeric inputs are. */
const NUMERIC_INPUTS: Record<string, (args: any) => unknown> = {
  $expMovingAvg: (a) => ({ ...a, input: asPlainNumber(a?.input) }),
  $derivative: (a) => ({ ...a, input: asPlainNumber(a?.input) }),
  $integral: (a) => ({ ...a, input: asPlainNumber(a?.input) }),
  $minMaxScaler: (a) =>
    isPlainObject(a) && 'input' in a ? { ...a, input: asPlainNumber(a.input) } : asPlainNumber(a),
  $linearFill: (a) => asPlainNumber(a),
  $covariancePop: (a) => (Array.isArray(a) ? a.map(asPlainNumber) : a),
  $covarianceSamp: (a) => (Array.isArray(a) ? a.map(asPlainNumber) : a),
};

function withPlainInputs(output: Doc): Doc {
  const out: Doc = {};
  for (const [field, spec] of Object.entries(output)) {
    const op = isPlainObject(spec) ? Object.keys(spec).find((k) => NUMERIC_INPUTS[k]) : undefined;
    out[field] = op ? { ...(spec as Doc), [op]: NUMERIC_INPUTS[op]!((spec as Doc)[op]) } : spec;
  }
  return out;
}

/** Marks each document with its (single) sort field's value as mingo computes ranges with it. */
function valued(coll: Sequence, sortBy: unknown): Sequence {
  const [[path] = ['']] = parseSort(sortBy)!;
  return coll.transform((docs) => {
    for (const doc of docs) {
      const [v] = pathValues(doc, path).values;
      doc[RANK] = v instanceof Date ? v : plainNumber(v);
    }
    return docs[Symbol.iterator]();
  });
}

/** The window operators whose result MongoDB gives as a double, whatever it looks like. */
const DOUBLE_RESULTS = new Set([
  '$derivative',
  '$integral',
  '$expMovingAvg',
  '$covariancePop',
  '$covarianceSamp',
]);

/** The stage's answer: ranks removed, results of double operators typed as doubles. */
function finished(coll: Sequence, output: unknown): Sequence {
  const doubles = isPlainObject(output)
    ? Object.entries(output)
        .filter(([, o]) => isPlainObject(o) && Object.keys(o).some((k) => DOUBLE_RESULTS.has(k)))
        .map(([field]) => field)
    : [];
  return coll.transform((docs) =>
    docs
      .map((doc: Doc) => {
        delete doc[RANK];
        for (const field of doubles) if (typeof doc[field] === 'number') doc[field] = makeDouble(doc[field]);
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
  if (isPlainObject(spec.output)) rewritten.output = withPlainInputs(spec.output);
  const sorted = spec.sortBy !== undefined && parseSort(spec.sortBy) !== null;
  if (sorted && readsSortValues(spec.output)) {
    input = valued(input, spec.sortBy);
    const [[, dir] = ['', 1]] = parseSort(spec.sortBy)!;
    rewritten.sortBy = { [RANK]: dir };
  } else if (sorted) {
    input = ranked(input, spec.sortBy, options);
    rewritten.sortBy = { [RANK]: 1 };
  }
  const out = mingoWindows(input as never, rewritten as never, options) as unknown as Sequence;
  return finished(out, spec.output);
};
