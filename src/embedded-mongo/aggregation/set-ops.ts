// Set and membership operators that compare values as MongoDB does (grouping.ts): 2 and 2.0 and
// Long 2 are one element, as are "a" and "A" under a case-insensitive collation. mingo compares
// by JavaScript representation, so `$setUnion` would keep both 2 and 2n, and `$in` would not
// find a Long in an array of ints.
import { evalExpr } from 'mingo/core';
import { $push } from 'mingo/operators/accumulator';
import { bsonTypeName } from '../bson-types.ts';
import { badValue, MongoCommandError } from '../errors.ts';
import { numberKind, toNumber } from '../numbers.ts';
import { valueKeyFor } from './grouping.ts';

type Op = (obj: unknown, expr: any, options: any) => unknown;
type Accumulator = (coll: unknown[], expr: any, options: any) => unknown;

const isNil = (v: unknown) => v === null || v === undefined;

/** Each distinct value once, the first of equal ones, in order. */
function distinct(values: unknown[], keyOf: (v: unknown) => string): unknown[] {
  const seen = new Map<string, unknown>();
  for (const v of values) {
    const k = keyOf(v);
    if (!seen.has(k)) seen.set(k, v);
  }
  return [...seen.values()];
}

function operands(obj: unknown, expr: unknown, options: unknown, name: string): unknown[] {
  const values = evalExpr(obj, expr, options as never);
  if (!Array.isArray(expr)) return [values];
  if (!Array.isArray(values)) throw badValue(`${name} only supports an array of arguments`);
  return values;
}

/** The two operands of a binary operator, or MongoDB's error for another count. */
function pair(obj: unknown, expr: unknown, options: unknown, name: string): [unknown, unknown] {
  const args = operands(obj, expr, options, name);
  if (args.length !== 2)
    throw badValue(`Expression ${name} takes exactly 2 arguments. ${args.length} were passed in.`);
  return [args[0], args[1]];
}

function notArray(code: number, message: string, v: unknown): MongoCommandError {
  return new MongoCommandError(code, `${message}${bsonTypeName(v)}`);
}

/** Every operand an array, or MongoDB's error (`code`) naming the type of the first that is not. */
function assertArrays(sets: unknown[], code: number, name: string): asserts sets is unknown[][] {
  const bad = sets.find((s) => !Array.isArray(s));
  if (bad !== undefined)
    throw notArray(code, `All operands of ${name} must be arrays. One argument is of type: `, bad);
}

/** Both operands as arrays, or MongoDB's error: `codes` for the first and for the second. */
function arrayPair(
  pairOf: [unknown, unknown],
  name: string,
  codes: [number, number],
): [unknown[], unknown[]] {
  const [a, b] = pairOf;
  const message = (which: string) =>
    `both operands of ${name} must be arrays. ${which} argument is of type: `;
  if (!Array.isArray(a)) throw notArray(codes[0], message('First'), a);
  if (!Array.isArray(b)) throw notArray(codes[1], message('Second'), b);
  return [a, b];
}

const $setUnion: Op = (obj, expr, options) => {
  const sets = operands(obj, expr, options, '$setUnion');
  if (sets.some(isNil)) return null;
  assertArrays(sets, 17043, '$setUnion');
  return distinct(sets.flat(), valueKeyFor(options));
};

const $setIntersection: Op = (obj, expr, options) => {
  const sets = operands(obj, expr, options, '$setIntersection');
  if (sets.some(isNil)) return null;
  assertArrays(sets, 17047, '$setIntersection');
  const keyOf = valueKeyFor(options);
  const [first = [], ...rest] = sets;
  const others = rest.map((s) => new Set(s.map(keyOf)));
  return distinct(first, keyOf).filter((v) => others.every((s) => s.has(keyOf(v))));
};

const $setDifference: Op = (obj, expr, options) => {
  const operandPair = pair(obj, expr, options, '$setDifference');
  if (operandPair.some(isNil)) return null;
  const [a, b] = arrayPair(operandPair, '$setDifference', [17048, 17049]);
  const keyOf = valueKeyFor(options);
  const removed = new Set(b.map(keyOf));
  return distinct(a, keyOf).filter((v) => !removed.has(keyOf(v)));
};

const $setEquals: Op = (obj, expr, options) => {
  const sets = operands(obj, expr, options, '$setEquals');
  if (sets.length < 2) throw badValue(`$setEquals needs at least two arguments had: ${sets.length}`);
  assertArrays(sets, 17044, '$setEquals');
  const keyOf = valueKeyFor(options);
  const [first, ...rest] = sets.map((s) => new Set(s.map(keyOf)));
  return rest.every((s) => s.size === first!.size && [...s].every((k) => first!.has(k)));
};

const $setIsSubset: Op = (obj, expr, options) => {
  const [a, b] = arrayPair(pair(obj, expr, options, '$setIsSubset'), '$setIsSubset', [17046, 17042]);
  const keyOf = valueKeyFor(options);
  const superset = new Set(b.map(keyOf));
  return a.every((v) => superset.has(keyOf(v)));
};

const $in: Op = (obj, expr, options) => {
  const [item, list] = pair(obj, expr, options, '$in');
  if (!Array.isArray(list))
    throw notArray(40081, '$in requires an array as a second argument, found: ', list);
  const keyOf = valueKeyFor(options);
  const wanted = keyOf(item);
  return list.some((v) => keyOf(v) === wanted);
};

/** An index argument of $indexOfArray: a non-negative whole number of any number type. */
function position(v: unknown, code: number, what: string): number {
  const n = toNumber(v);
  if (numberKind(v) === null || !Number.isInteger(n))
    throw new MongoCommandError(
      code,
      `$indexOfArray requires an integral ${what}, found a value of type: ${bsonTypeName(v)}`,
    );
  if (n < 0) throw new MongoCommandError(code, `$indexOfArray requires a nonnegative ${what}, found: ${n}`);
  return n;
}

const $indexOfArray: Op = (obj, expr, options) => {
  const args = operands(obj, expr, options, '$indexOfArray');
  if (args.length < 2 || args.length > 4)
    throw badValue(
      `Expression $indexOfArray takes at least 2 arguments, and at most 4, but ${args.length} were passed in.`,
    );
  const [list, item, start, end] = args;
  if (isNil(list)) return null;
  if (!Array.isArray(list))
    throw notArray(40090, '$indexOfArray requires an array as a first argument, found: ', list);
  const from = start === undefined ? 0 : position(start, 40096, 'starting index');
  const to = end === undefined ? list.length : Math.min(position(end, 40097, 'ending index'), list.length);
  const keyOf = valueKeyFor(options);
  const wanted = keyOf(item);
  for (let i = from; i < to; i++) if (keyOf(list[i]) === wanted) return i;
  return -1;
};

export const setExpressionOps: Record<string, Op> = {
  $setUnion,
  $setIntersection,
  $setDifference,
  $setEquals,
  $setIsSubset,
  $in,
  $indexOfArray,
};

/** $addToSet: each distinct value once (missing values left out). */
const $addToSet: Accumulator = (coll, expr, options) =>
  distinct(
    ($push(coll as never, expr, options) as unknown[]).filter((v) => v !== undefined),
    valueKeyFor(options),
  );

export const setAccumulators: Record<string, Accumulator> = { $addToSet };
