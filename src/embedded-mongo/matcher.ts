// Query matching through mingo, with the engine's patches: a mingo context whose comparison
// operators honour a collation, a `$type` that knows every BSON alias, and MongoDB's refusal
// of server-side JavaScript.
import { Context, evalExpr } from 'mingo/core';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import { Query } from 'mingo/query';
import type { CollationSpec, Options } from 'mingo/types';
import { isEqual, resolve } from 'mingo/util';
import { badValue, ErrorCodes, MongoCommandError } from './errors.ts';
import {
  type CollationKey,
  compareValues,
  type Doc,
  isPlainObject,
  type StringCompare,
  typeRank,
} from './values.ts';

export type Predicate = (doc: Doc) => boolean;

export interface Collation {
  spec: CollationSpec;
  compare: StringCompare;
  key: CollationKey;
}

const collations = new Map<string, Collation>();

/** A collation document as MongoDB takes it; `undefined` for the simple (binary) collation. */
export function parseCollation(raw: unknown): Collation | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || typeof (raw as Doc).locale !== 'string') {
    throw badValue('collation must be an object with a locale');
  }
  const spec = raw as CollationSpec & { numericOrdering?: boolean };
  if (spec.locale === 'simple') return undefined;
  const cacheKey = JSON.stringify(spec);
  let c = collations.get(cacheKey);
  if (c) return c;
  const strength = spec.strength ?? 3;
  let collator: Intl.Collator;
  try {
    collator = new Intl.Collator(spec.locale, {
      sensitivity: strength === 1 ? 'base' : strength === 2 ? 'accent' : 'variant',
      numeric: spec.numericOrdering === true,
      caseFirst: spec.caseFirst === 'upper' || spec.caseFirst === 'lower' ? spec.caseFirst : 'false',
    });
  } catch {
    throw badValue(`Field 'locale' is invalid in: ${cacheKey}`);
  }
  const key: CollationKey =
    strength === 1
      ? (s) => s.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase(spec.locale)
      : strength === 2
        ? (s) => s.toLocaleLowerCase(spec.locale)
        : (s) => s;
  c = { spec: { ...spec }, compare: collator.compare, key };
  collations.set(cacheKey, c);
  return c;
}

const BSON_TYPE_ALIASES: Record<string, number> = {
  double: 1,
  string: 2,
  object: 3,
  array: 4,
  binData: 5,
  undefined: 6,
  objectId: 7,
  bool: 8,
  date: 9,
  null: 10,
  regex: 11,
  dbPointer: 12,
  javascript: 13,
  symbol: 14,
  javascriptWithScope: 15,
  int: 16,
  timestamp: 17,
  long: 18,
  decimal: 19,
  minKey: -1,
  maxKey: 127,
};

/** The BSON type number of a deserialized value (numbers as the serializer will write them). */
export function bsonTypeOf(v: unknown): number {
  if (v === undefined) return 6;
  if (v === null) return 10;
  if (typeof v === 'number') return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 ? 16 : 1;
  if (typeof v === 'string') return 2;
  if (typeof v === 'boolean') return 8;
  if (Array.isArray(v)) return 4;
  if (v instanceof Date) return 9;
  if (v instanceof RegExp) return 11;
  switch ((v as { _bsontype?: string })._bsontype) {
    case 'ObjectId':
      return 7;
    case 'Binary':
      return 5;
    case 'Long':
      return 18;
    case 'Int32':
      return 16;
    case 'Double':
      return 1;
    case 'Decimal128':
      return 19;
    case 'Timestamp':
      return 17;
    case 'BSONRegExp':
      return 11;
    case 'Code':
      return 13;
    case 'BSONSymbol':
      return 14;
    case 'MinKey':
      return -1;
    case 'MaxKey':
      return 127;
    default:
      return 3;
  }
}

function typeMatches(v: unknown, wanted: unknown): boolean {
  if (wanted === 'number') return typeRank(v) === 3 && v !== undefined && v !== null;
  const code = typeof wanted === 'number' ? wanted : BSON_TYPE_ALIASES[String(wanted)];
  if (code === undefined) throw badValue(`Unknown type name alias: ${String(wanted)}`);
  return bsonTypeOf(v) === code;
}

type QueryOp = (selector: string, value: any, options: Options) => (obj: Doc) => boolean;

const $type: QueryOp = (selector, value) => {
  const wanted: unknown[] = Array.isArray(value) ? value : [value];
  return (obj) => {
    const v = resolve(obj, selector, { unwrapArray: true });
    const candidates = Array.isArray(v) ? [v, ...v] : [v];
    // A missing field has no type: { $type: 'null' } matches only a stored null.
    if (v === undefined) return false;
    return candidates.some((x) => wanted.some((w) => typeMatches(x, w)));
  };
};

const refuseScript: QueryOp = () => {
  throw new MongoCommandError(ErrorCodes.BadValue, '$where is not supported by the embedded engine');
};

/** Comparison operators that compare strings under a collation. */
function collatedOps(c: Collation): Record<string, QueryOp> {
  const eq = (a: unknown, b: unknown): boolean =>
    typeof a === 'string' && typeof b === 'string' ? c.compare(a, b) === 0 : isEqual(a, b);
  const matchEq = (lhs: unknown, v: unknown): boolean => {
    if (eq(lhs, v)) return true;
    if ((lhs === undefined || lhs === null) && (v === undefined || v === null)) return true;
    return Array.isArray(lhs) && lhs.some((x) => eq(x, v) || (Array.isArray(x) && x.some((y) => eq(y, v))));
  };
  const matchIn = (lhs: unknown, list: unknown[]): boolean =>
    list.some((v) =>
      v instanceof RegExp
        ? (Array.isArray(lhs) ? lhs : [lhs]).some((x) => typeof x === 'string' && v.test(x))
        : matchEq(lhs, v),
    );
  const range =
    (test: (c: number) => boolean): QueryOp =>
    (selector, value) =>
    (obj) => {
      const lhs = resolve(obj, selector, { unwrapArray: true });
      const xs = Array.isArray(lhs) ? lhs : [lhs];
      return xs.some((x) => typeRank(x) === typeRank(value) && test(compareValues(x, value, c.compare)));
    };
  const resolved = (selector: string, obj: Doc) => resolve(obj, selector, { unwrapArray: true });
  return {
    $eq: (selector, value) => (obj) => matchEq(resolved(selector, obj), value),
    $ne: (selector, value) => (obj) => !matchEq(resolved(selector, obj), value),
    $in: (selector, value) => (obj) => matchIn(resolved(selector, obj), value as unknown[]),
    $nin: (selector, value) => (obj) => !matchIn(resolved(selector, obj), value as unknown[]),
    $gt: range((x) => x > 0),
    $gte: range((x) => x >= 0),
    $lt: range((x) => x < 0),
    $lte: range((x) => x <= 0),
  };
}

type ExpressionOp = (obj: unknown, expr: any, options: Options) => unknown;

/**
 * Aggregation comparisons use the full BSON order across types (mingo brackets by type and
 * traverses arrays as queries do), and a missing field sorts before null.
 */
function expressionComparisons(c?: Collation): Record<string, ExpressionOp> {
  const cmp = (a: unknown, b: unknown) => {
    if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
    return compareValues(a, b, c?.compare);
  };
  const op =
    (name: string, test: (x: number) => unknown): ExpressionOp =>
    (obj, expr, options) => {
      if (!Array.isArray(expr) || expr.length !== 2)
        throw badValue(`Expression ${name} takes exactly 2 arguments.`);
      const [a, b] = evalExpr(obj, expr, options) as [unknown, unknown];
      return test(cmp(a, b));
    };
  return {
    $cmp: op('$cmp', (x) => Math.sign(x)),
    $eq: op('$eq', (x) => x === 0),
    $ne: op('$ne', (x) => x !== 0),
    $gt: op('$gt', (x) => x > 0),
    $gte: op('$gte', (x) => x >= 0),
    $lt: op('$lt', (x) => x < 0),
    $lte: op('$lte', (x) => x <= 0),
  };
}

function buildContext(overrides: Record<string, QueryOp>, collation?: Collation): Context {
  return Context.init({
    accumulator: { ...accumulatorOperators } as any,
    expression: { ...expressionOperators, ...expressionComparisons(collation) } as any,
    pipeline: { ...pipelineOperators } as any,
    projection: { ...projectionOperators } as any,
    query: { ...queryOperators, $type, $where: refuseScript, ...overrides } as any,
    window: { ...windowOperators } as any,
  });
}

const simpleContext = buildContext({});
const collatedContexts = new WeakMap<Collation, Context>();

export function contextFor(collation?: Collation): Context {
  if (!collation) return simpleContext;
  let ctx = collatedContexts.get(collation);
  if (!ctx) {
    ctx = buildContext(collatedOps(collation), collation);
    collatedContexts.set(collation, ctx);
  }
  return ctx;
}

export function mingoOptions(collation?: Collation, variables?: Doc): Partial<Options> {
  return {
    context: contextFor(collation),
    collation: collation?.spec,
    variables,
    scriptEnabled: false,
  };
}

/** A compiled filter; throws MongoDB-shaped errors for bad operators. */
export function compileFilter(filter: unknown, collation?: Collation, variables?: Doc): Predicate {
  if (filter === undefined || filter === null) return () => true;
  if (typeof filter !== 'object' || Array.isArray(filter)) throw badValue('filter must be an object');
  if (Object.keys(filter).length === 0) return () => true;
  if ('$where' in filter) throw badValue('$where is not supported by the embedded engine');
  let query: Query | undefined;
  const full = (doc: Doc) => {
    query ??= new Query(filter as Doc, mingoOptions(collation, variables));
    return query.test(doc);
  };
  if (!collation) {
    const simple = compileSimple(filter as Doc);
    if (simple) {
      return (doc) => {
        const r = simple(doc);
        return r === undefined ? full(doc) : r;
      };
    }
  }
  query = new Query(filter as Doc, mingoOptions(collation, variables));
  return full;
}

/** A scalar a simple comparison can handle: no null, array, document or regex. */
function isSimpleScalar(v: unknown): boolean {
  const r = typeRank(v);
  return r === 3 || r === 4 || r === 7 || r === 8 || r === 9 || r === 10;
}

type SimpleTest = (value: unknown) => boolean;

/**
 * The common filters (top-level fields compared with scalars through `$eq`, `$ne`, `$gt`,
 * `$gte`, `$lt`, `$lte`, `$in`) evaluated without mingo. The predicate answers `undefined`
 * when a document holds an array or a sub-document there: then mingo decides.
 */
function compileSimple(filter: Doc): ((doc: Doc) => boolean | undefined) | null {
  const tests: Array<[string, SimpleTest]> = [];
  const same = (x: unknown, v: unknown) => typeRank(x) === typeRank(v);
  for (const [field, cond] of Object.entries(filter)) {
    if (field.startsWith('$') || field.includes('.')) return null;
    const ops: Doc = isPlainObject(cond) && Object.keys(cond)[0]?.startsWith('$') ? cond : { $eq: cond };
    for (const [op, v] of Object.entries(ops)) {
      if (op === '$in') {
        if (!Array.isArray(v) || !v.every(isSimpleScalar)) return null;
        tests.push([field, (x) => v.some((y) => same(x, y) && compareValues(x, y) === 0)]);
        continue;
      }
      if (!isSimpleScalar(v)) return null;
      switch (op) {
        case '$eq':
          tests.push([field, (x) => same(x, v) && compareValues(x, v) === 0]);
          break;
        case '$ne':
          tests.push([field, (x) => !same(x, v) || compareValues(x, v) !== 0]);
          break;
        case '$gt':
          tests.push([field, (x) => same(x, v) && compareValues(x, v) > 0]);
          break;
        case '$gte':
          tests.push([field, (x) => same(x, v) && compareValues(x, v) >= 0]);
          break;
        case '$lt':
          tests.push([field, (x) => same(x, v) && compareValues(x, v) < 0]);
          break;
        case '$lte':
          tests.push([field, (x) => same(x, v) && compareValues(x, v) <= 0]);
          break;
        default:
          return null;
      }
    }
  }
  return (doc) => {
    let result = true;
    for (const [field, test] of tests) {
      const x = doc[field];
      if (
        x !== null &&
        typeof x === 'object' &&
        !(x instanceof Date) &&
        (x as { _bsontype?: string })._bsontype === undefined
      ) {
        return undefined;
      }
      if (typeof x === 'number' && Number.isNaN(x)) return undefined;
      if (!test(x)) result = false;
    }
    return result;
  };
}

export function newQuery(filter: Doc, collation?: Collation): Query {
  return new Query(filter, mingoOptions(collation));
}

/**
 * MongoDB's `$bucket` puts a value equal to a boundary in the bucket that starts there;
 * mingo puts it in the one before. Rewrite `$bucket` as the `$group` MongoDB documents it to
 * be, in nested pipelines too.
 */
export function rewritePipeline(pipeline: Doc[]): Doc[] {
  return pipeline.flatMap((stage): Doc[] => {
    const [name] = Object.keys(stage);
    const spec = name ? (stage[name] as Doc) : undefined;
    if (name === '$bucket' && spec && Array.isArray(spec.boundaries)) {
      const bounds = spec.boundaries as unknown[];
      // `then` is the $switch branch field, not a thenable (built by key to say so).
      const branches = bounds.slice(0, -1).map((lo, i) =>
        Object.fromEntries([
          ['case', { $and: [{ $gte: [spec.groupBy, lo] }, { $lt: [spec.groupBy, bounds[i + 1]] }] }],
          ['then', lo],
        ]),
      );
      const $switch: Doc = { branches };
      if (spec.default !== undefined) $switch.default = { $literal: spec.default };
      const output = (spec.output as Doc | undefined) ?? { count: { $sum: 1 } };
      return [{ $group: { _id: { $switch }, ...output } }, { $sort: { _id: 1 } }];
    }
    if (name === '$facet' && spec) {
      return [
        {
          $facet: Object.fromEntries(
            Object.entries(spec).map(([k, sub]) => [
              k,
              Array.isArray(sub) ? rewritePipeline(sub as Doc[]) : sub,
            ]),
          ),
        },
      ];
    }
    if ((name === '$lookup' || name === '$unionWith') && spec && Array.isArray(spec.pipeline)) {
      return [{ [name]: { ...spec, pipeline: rewritePipeline(spec.pipeline as Doc[]) } }];
    }
    return [stage];
  });
}
