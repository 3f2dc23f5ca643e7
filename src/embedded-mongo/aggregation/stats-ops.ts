// Statistics over numbers of every BSON type: $stdDevPop, $stdDevSamp, $median and $percentile,
// as accumulators and as expressions. MongoDB computes them in doubles from any number type;
// mingo left out Longs, Decimal128s and integral doubles (held as `Double`) as non-numbers, and
// sorted the values as strings (10 before 9) before picking a percentile.
import { evalExpr } from 'mingo/core';
import { $push } from 'mingo/operators/accumulator';
import { badValue, MongoCommandError } from '../errors.ts';
import { makeDouble, numberKind, toNumber } from '../numbers.ts';
import { isPlainObject } from '../values.ts';

type Op = (obj: unknown, expr: any, options: any) => unknown;
type Accumulator = (coll: unknown[], expr: any, options: any) => unknown;

/** The numbers among `values` as doubles, arrays left out as MongoDB's accumulators leave them. */
function doubles(values: unknown[]): number[] {
  return values.filter((v) => numberKind(v) !== null).map(toNumber);
}

function standardDeviation(xs: number[], sample: boolean): unknown {
  const n = xs.length;
  if (n === 0 || (sample && n < 2)) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const squares = xs.reduce((a, x) => a + (x - mean) ** 2, 0);
  return makeDouble(Math.sqrt(squares / (sample ? n - 1 : n)));
}

function stdDev(sample: boolean): Accumulator {
  return (coll, expr, options) =>
    standardDeviation(
      doubles(expr === null || expr === undefined ? coll : $push(coll as never, expr, options)),
      sample,
    );
}

const METHODS = new Set(['approximate', 'discrete', 'continuous']);

/** The p-th percentiles of the numbers in `values` (doubles), or nulls when there are none. */
function percentiles(values: unknown[], ps: unknown, method: unknown): unknown[] {
  if (!METHODS.has(method as string))
    throw badValue(
      `Currently only 'approximate', 'discrete' and 'continuous' can be used as percentile 'method'`,
    );
  if (
    !Array.isArray(ps) ||
    ps.length === 0 ||
    ps.some((p) => numberKind(p) === null || toNumber(p) < 0 || toNumber(p) > 1)
  )
    throw new MongoCommandError(
      7750301,
      "The $percentile 'p' field must be an array of numbers from [0.0, 1.0]",
    );
  const xs = doubles(values).sort((a, b) => a - b);
  return ps.map((raw) => {
    if (xs.length === 0) return null;
    const p = toNumber(raw);
    if (method !== 'continuous') return makeDouble(xs[Math.max(0, Math.ceil(p * xs.length) - 1)]!);
    const rank = p * (xs.length - 1);
    const lo = Math.floor(rank);
    const hi = Math.ceil(rank);
    return makeDouble(xs[lo]! + (rank - lo) * (xs[hi]! - xs[lo]!));
  });
}

function spec(expr: unknown, name: string): { input: unknown; p?: unknown; method?: unknown } {
  if (!isPlainObject(expr) || !Object.hasOwn(expr, 'input') || !Object.hasOwn(expr, 'method'))
    throw badValue(`${name} requires an object with 'input' and 'method'`);
  return expr as { input: unknown; p?: unknown; method?: unknown };
}

const percentileAcc: Accumulator = (coll, expr, options) => {
  const { input, p, method } = spec(expr, '$percentile');
  return percentiles($push(coll as never, input, options), evalExpr({}, p, options), method);
};
const medianAcc: Accumulator = (coll, expr, options) => {
  const { input, method } = spec(expr, '$median');
  return percentiles($push(coll as never, input, options), [0.5], method)[0];
};

/** The expression forms (in a group, mingo passes them the group's documents) read their input as an array (or one value) of the current document. */
function listOf(obj: unknown, input: unknown, options: unknown): unknown[] {
  const v = evalExpr(obj, input, options as never);
  return Array.isArray(v) ? v : [v];
}

export const statsAccumulators: Record<string, Accumulator> = {
  $stdDevPop: stdDev(false),
  $stdDevSamp: stdDev(true),
  $percentile: percentileAcc,
  $median: medianAcc,
};

export const statsExpressionOps: Record<string, Op> = {
  $percentile: (obj, expr, options) => {
    if (Array.isArray(obj)) return percentileAcc(obj, expr, options);
    const { input, p, method } = spec(expr, '$percentile');
    return percentiles(listOf(obj, input, options), evalExpr(obj, p, options), method);
  },
  $median: (obj, expr, options) => {
    if (Array.isArray(obj)) return medianAcc(obj, expr, options);
    const { input, method } = spec(expr, '$median');
    return percentiles(listOf(obj, input, options), [0.5], method)[0];
  },
};
