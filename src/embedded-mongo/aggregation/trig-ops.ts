// Trigonometry over every number type: an int, a Long or a double argument gives a double, a
// Decimal128 a Decimal128 computed in decimal (decimal-math.ts). mingo takes only JavaScript
// numbers, so it refused a Long, a Decimal128 and an integral double (held as a `Double`).
// Arguments outside an operator's domain fail with 50989, as on MongoDB.
import { evalExpr } from 'mingo/core';
import { bsonTypeName } from '../bson-types.ts';
import { decimalAtan2 } from '../decimal-math.ts';
import { MongoCommandError } from '../errors.ts';
import { makeDouble, numberKind, toNumber } from '../numbers.ts';
import { unaryDouble } from './numeric-ops.ts';

type Op = (obj: unknown, expr: any, options: any) => unknown;

const FINITE: [number, number, string] = [-Infinity, Infinity, '(-inf,inf)'];
const UNIT: [number, number, string] = [-1, 1, '[-1,1]'];

/** Each operator, its double function and the interval its argument must lie in. */
const FUNCTIONS: Record<string, [(x: number) => number, [number, number, string] | null]> = {
  $sin: [Math.sin, FINITE],
  $cos: [Math.cos, FINITE],
  $tan: [Math.tan, FINITE],
  $asin: [Math.asin, UNIT],
  $acos: [Math.acos, UNIT],
  $atan: [Math.atan, null],
  $sinh: [Math.sinh, null],
  $cosh: [Math.cosh, null],
  $tanh: [Math.tanh, null],
  $asinh: [Math.asinh, null],
  $acosh: [Math.acosh, [1, Infinity, '[1,inf]']],
  $atanh: [Math.atanh, UNIT],
  $sigmoid: [(x) => 1 / (1 + Math.exp(-x)), null],
  $degreesToRadians: [(x) => (x * Math.PI) / 180, null],
  $radiansToDegrees: [(x) => (x * 180) / Math.PI, null],
};

function bounded(name: string, fn: (x: number) => number, domain: [number, number, string] | null): Op {
  const compute = unaryDouble(name, fn);
  return (obj, expr, options) => {
    const v = evalExpr(obj, Array.isArray(expr) ? expr[0] : expr, options);
    if (domain && numberKind(v) !== null) {
      const x = toNumber(v);
      const [lo, hi, text] = domain;
      const inside = lo === -Infinity ? Number.isFinite(x) : x >= lo && x <= hi;
      if (!inside && !Number.isNaN(x)) {
        const shown = Number.isFinite(x) ? String(x) : x > 0 ? 'inf' : '-inf';
        throw new MongoCommandError(50989, `cannot apply ${name} to ${shown}, value must in ${text}`);
      }
    }
    return compute(obj, { $literal: v }, options);
  };
}

const $atan2: Op = (obj, expr, options) => {
  const [y, x] = evalExpr(obj, expr, options) as unknown[];
  if (y === null || y === undefined || x === null || x === undefined) return null;
  if (numberKind(y) === null || numberKind(x) === null)
    throw new MongoCommandError(
      51044,
      `$atan2 only supports numeric types, not ${bsonTypeName(y)} and ${bsonTypeName(x)}`,
    );
  if (numberKind(y) === 'decimal' || numberKind(x) === 'decimal') return decimalAtan2(y, x);
  return makeDouble(Math.atan2(toNumber(y), toNumber(x)));
};

export const trigExpressionOps: Record<string, Op> = {
  ...Object.fromEntries(
    Object.entries(FUNCTIONS).map(([name, [fn, domain]]) => [name, bounded(name, fn, domain)]),
  ),
  $atan2,
};
