// Operators that order values: $sortArray, $minN/$maxN, and the $top/$bottom accumulators, in
// MongoDB's BSON order (numbers by value across types, strings by UTF-8 bytes or the collation;
// sort.ts and order.ts). mingo ordered a Long, a Decimal128 or an integral double (a `Double`)
// after every other value, and answered `$top` as an array.
import { evalExpr } from 'mingo/core';
import { $push } from 'mingo/operators/accumulator';
import { bsonTypeName } from '../bson-types.ts';
import { parseCollation } from '../collation.ts';
import { badValue, MongoCommandError } from '../errors.ts';
import { numberKind, toNumber } from '../numbers.ts';
import { compareValues } from '../order.ts';
import { parseSort, sortDocs } from '../sort.ts';
import { type Doc, isPlainObject } from '../values.ts';

type Op = (obj: unknown, expr: any, options: any) => unknown;
type Accumulator = (coll: unknown[], expr: any, options: any) => unknown;

const isNil = (v: unknown) => v === null || v === undefined;

function compareFor(options: any): (a: unknown, b: unknown) => number {
  const collation = parseCollation(options?.collation);
  return (a, b) => compareValues(a, b, collation?.compare);
}

/** `n` of $minN, $topN, ...: a positive whole number of any number type. */
function countOf(expr: any, options: any, name: string): number {
  const n = evalExpr(options?.local?.groupId ?? {}, expr?.n, options);
  if (numberKind(n) === null || !Number.isInteger(toNumber(n)) || toNumber(n) < 1)
    throw badValue(`${name}: 'n' must be a positive integer, not ${bsonTypeName(n)} ${String(n)}`);
  return toNumber(n);
}

/** The `n` smallest (sign 1) or largest (sign -1) values, nulls and missing values left out. */
function extremes(values: unknown[], n: number, sign: 1 | -1, options: any): unknown[] {
  const cmp = compareFor(options);
  return values
    .filter((v) => !isNil(v))
    .sort((a, b) => sign * cmp(a, b))
    .slice(0, n);
}

function extremesAcc(name: string, sign: 1 | -1): Accumulator {
  return (coll, expr, options) =>
    extremes(
      $push(coll as never, expr?.input, options) as unknown[],
      countOf(expr, options, name),
      sign,
      options,
    );
}

/** The expression form; in a group (mingo passes the group's documents) the accumulator. */
function extremesExpr(name: string, sign: 1 | -1): Op {
  const accumulate = extremesAcc(name, sign);
  return (obj, expr, options) => {
    if (Array.isArray(obj)) return accumulate(obj, expr, options);
    const input = evalExpr(obj, expr?.input, options);
    if (isNil(input)) return null;
    if (!Array.isArray(input)) throw new MongoCommandError(5788200, `Input to ${name} must be an array`);
    return extremes(input, countOf(expr, options, name), sign, options);
  };
}

function sortedBy(docs: unknown[], sortBy: unknown, options: any): unknown[] {
  const sort = parseSort(sortBy);
  if (!sort) throw badValue("'sortBy' must be a non-empty object");
  return sortDocs(docs.slice() as Doc[], sort, parseCollation(options?.collation));
}

/** $topN/$bottomN (`n` given) and $top/$bottom (one value, not an array). */
function ranked(name: string, end: 'top' | 'bottom', many: boolean): Accumulator {
  return (coll, expr, options) => {
    if (!isPlainObject(expr) || !Object.hasOwn(expr, 'output') || !Object.hasOwn(expr, 'sortBy'))
      throw badValue(`${name} requires 'output' and 'sortBy'`);
    const n = many ? countOf(expr, options, name) : 1;
    const sorted = sortedBy(coll, expr.sortBy, options);
    const chosen = end === 'top' ? sorted.slice(0, n) : sorted.slice(Math.max(0, sorted.length - n));
    const outputs = $push(chosen as never, expr.output, options) as unknown[];
    return many ? outputs : (outputs[0] ?? null);
  };
}

const $sortArray: Op = (obj, expr, options) => {
  if (!isPlainObject(expr) || !Object.hasOwn(expr, 'input') || !Object.hasOwn(expr, 'sortBy'))
    throw badValue('$sortArray requires both input and sortBy');
  const input = evalExpr(obj, expr.input, options);
  if (isNil(input)) return null;
  if (!Array.isArray(input))
    throw new MongoCommandError(
      2,
      `The input argument to $sortArray must be an array, but was of type: ${bsonTypeName(input)}`,
    );
  if (isPlainObject(expr.sortBy)) return sortedBy(input, expr.sortBy, options);
  const sign = toNumber(expr.sortBy);
  if (sign !== 1 && sign !== -1) throw badValue('$sortArray sortBy must be 1, -1 or a sort specification');
  const cmp = compareFor(options);
  return input.slice().sort((a, b) => sign * cmp(a, b));
};

export const orderAccumulators: Record<string, Accumulator> = {
  $minN: extremesAcc('$minN', 1),
  $maxN: extremesAcc('$maxN', -1),
  $top: ranked('$top', 'top', false),
  $bottom: ranked('$bottom', 'bottom', false),
  $topN: ranked('$topN', 'top', true),
  $bottomN: ranked('$bottomN', 'bottom', true),
};

export const orderExpressionOps: Record<string, Op> = {
  $sortArray,
  $minN: extremesExpr('$minN', 1),
  $maxN: extremesExpr('$maxN', -1),
};
