// Aggregation operators over numbers that keep BSON types as MongoDB does: arithmetic in the
// widest operand type (ints overflowing into longs, decimals exact), $sum/$avg accumulators,
// conversions, $type, and $range within MongoDB's memory limit.
import { evalExpr } from 'mingo/core';
import { $push } from 'mingo/operators/accumulator';
import { arithmetic, divide, modulo, type Operation } from '../arithmetic.ts';
import { bsonTypeName } from '../bson-types.ts';
import { decimalDivide, decimalSum } from '../decimal.ts';
import {
  decimalAbs,
  decimalCeil,
  decimalFloor,
  decimalFunction,
  decimalLog,
  decimalPow,
  decimalRound,
  roundInteger,
} from '../decimal-math.ts';
import { badValue, MongoCommandError } from '../errors.ts';
import { makeDouble, numberKind, toBigInt, toNumber } from '../numbers.ts';
import { compareValues } from '../order.ts';

type Op = (obj: unknown, expr: any, options: any) => unknown;
type Accumulator = (coll: unknown[], expr: any, options: any) => unknown;

const isNil = (v: unknown) => v === null || v === undefined;

function args(obj: unknown, expr: unknown, options: unknown, name: string): unknown[] {
  const values = evalExpr(obj, expr, options as never);
  if (!Array.isArray(values)) throw badValue(`${name} only supports an array of arguments`);
  return values;
}

function fold(name: string, op: Operation): Op {
  return (obj, expr, options) => {
    const values = args(obj, expr, options, name);
    let acc: unknown = op === 'multiply' ? 1 : 0;
    let date: Date | null = null;
    for (const v of values) {
      if (isNil(v)) return null;
      if (v instanceof Date && op === 'add') {
        if (date) throw badValue('only one date allowed in an $add expression');
        date = v;
        continue;
      }
      if (numberKind(v) === null)
        throw new MongoCommandError(16554, `${name} only supports numeric types, not ${bsonTypeName(v)}`);
      acc = arithmetic(op, acc, v, 'double');
    }
    return date ? new Date(date.getTime() + Math.round(toNumber(acc))) : acc;
  };
}

const $subtract: Op = (obj, expr, options) => {
  const [a, b] = args(obj, expr, options, '$subtract');
  if (isNil(a) || isNil(b)) return null;
  if (a instanceof Date && b instanceof Date) return BigInt(a.getTime() - b.getTime());
  if (a instanceof Date && numberKind(b)) return new Date(a.getTime() - Math.round(toNumber(b)));
  if (numberKind(a) === null || numberKind(b) === null) {
    throw new MongoCommandError(16556, `cant $subtract a ${bsonTypeName(b)} from a ${bsonTypeName(a)}`);
  }
  return arithmetic('subtract', a, b, 'double');
};

function binary(name: string, fn: (a: unknown, b: unknown) => unknown, code: number): Op {
  return (obj, expr, options) => {
    const [a, b] = args(obj, expr, options, name);
    if (isNil(a) || isNil(b)) return null;
    if (numberKind(a) === null || numberKind(b) === null) {
      throw new MongoCommandError(
        code,
        `${name} only supports numeric types, not ${bsonTypeName(a)} and ${bsonTypeName(b)}`,
      );
    }
    try {
      return fn(a, b);
    } catch (err) {
      if (err instanceof RangeError) throw badValue(err.message);
      throw err;
    }
  };
}

/** A one-argument operator over doubles; a decimal argument is computed in decimal. */
export function unaryDouble(name: string, fn: (x: number) => number): Op {
  return (obj, expr, options) => {
    const v = evalExpr(obj, Array.isArray(expr) ? expr[0] : expr, options);
    if (isNil(v)) return null;
    if (numberKind(v) === null) throw badValue(`${name} only supports numeric types, not ${bsonTypeName(v)}`);
    return numberKind(v) === 'decimal' ? decimalFunction(name, v) : makeDouble(fn(toNumber(v)));
  };
}

/** A one-argument operator that keeps integers integers ($abs, $ceil, $floor); decimals exact. */
function unaryKeepKind(
  name: string,
  fn: (x: number) => number,
  big: (x: bigint) => bigint,
  dec: (v: unknown) => unknown,
): Op {
  return (obj, expr, options) => {
    const v = evalExpr(obj, Array.isArray(expr) ? expr[0] : expr, options);
    if (isNil(v)) return null;
    const kind = numberKind(v);
    if (kind === null) throw badValue(`${name} only supports numeric types, not ${bsonTypeName(v)}`);
    if (kind === 'long') return big(toBigInt(v)!);
    if (kind === 'int') {
      const r = fn(toNumber(v));
      return r > 2147483647 ? BigInt(r) : r;
    }
    if (kind === 'decimal') return dec(v);
    return makeDouble(fn(toNumber(v)));
  };
}

/** Half to even at `places` decimal places, as $round does. */
function roundHalfEven(x: number, places: number): number {
  const f = 10 ** places;
  const y = x * f;
  const r = Math.round(y);
  const tie = Math.abs(y % 1) === 0.5;
  return (tie && r % 2 !== 0 ? r - 1 : r) / f;
}

function rounding(name: string, mode: 'half-even' | 'down', fn: (x: number, places: number) => number): Op {
  return (obj, expr, options) => {
    const [v, p] = Array.isArray(expr)
      ? (evalExpr(obj, expr, options) as unknown[])
      : [evalExpr(obj, expr, options), 0];
    if (isNil(v)) return null;
    const kind = numberKind(v);
    if (kind === null) throw badValue(`${name} only supports numeric types, not ${bsonTypeName(v)}`);
    const places = isNil(p) ? 0 : toNumber(p);
    if (kind === 'decimal') return decimalRound(v, places, mode);
    if (kind === 'int' || kind === 'long') {
      if (places >= 0) return v;
      const r = roundInteger(toBigInt(v)!, -places, mode);
      return kind === 'int' && r >= -2147483648n && r <= 2147483647n ? Number(r) : r;
    }
    return makeDouble(fn(toNumber(v), places));
  };
}

// As accumulators these also serve the expression forms ({ $sum: ['$a', '$b'] } in $project):
// mingo evaluates the argument and passes the values with no expression.
const sumAcc: Accumulator = (coll, expr, options) =>
  sumOf(typeof expr === 'number' ? coll.map(() => expr) : $push(coll as any, expr, options));
const avgAcc: Accumulator = (coll, expr, options) => averageOf($push(coll as any, expr, options));

/** $sum: ints stay ints (longs past int32), any double makes a double, any decimal a decimal. */
export function sumOf(values: unknown[]): unknown {
  const nums = values.filter((v) => numberKind(v) !== null);
  if (nums.some((v) => numberKind(v) === 'decimal')) return decimalSum(nums);
  let acc: unknown = 0;
  for (const v of nums) acc = arithmetic('add', acc, v, 'double');
  return acc;
}

/** $avg: a double, or a decimal when any value is one; null without numbers. */
export function averageOf(values: unknown[]): unknown {
  const nums = values.filter((v) => numberKind(v) !== null);
  if (nums.length === 0) return null;
  if (nums.some((v) => numberKind(v) === 'decimal')) return decimalDivide(decimalSum(nums), nums.length);
  return makeDouble(
    toNumber(sumOf(nums.map((v) => (numberKind(v) === 'long' ? Number(toBigInt(v)) : v)))) / nums.length,
  );
}

function extreme(sign: 1 | -1): Accumulator {
  return (coll, expr, options) => {
    let best: unknown;
    for (const v of $push(coll as any, expr, options) as unknown[]) {
      if (isNil(v)) continue;
      if (best === undefined || compareValues(v, best) * sign > 0) best = v;
    }
    return best ?? null;
  };
}

/** MongoDB's memory limit for $range (internalQueryMaxRangeBytes, 100 MiB; 16 bytes a value). */
const MAX_RANGE_BYTES = 100 * 1024 * 1024;

const $range: Op = (obj, expr, options) => {
  const [start, end, step = 1] = args(obj, expr, options, '$range');
  for (const [what, v] of [
    ['starting value', start],
    ['ending value', end],
    ['step value', step],
  ] as const) {
    if (numberKind(v) === null || !Number.isInteger(toNumber(v))) {
      throw new MongoCommandError(
        34443,
        `$range requires a numeric ${what} that can be represented as a 32-bit integer`,
      );
    }
  }
  const s = toNumber(start);
  const e = toNumber(end);
  const st = toNumber(step);
  if (st === 0) throw new MongoCommandError(34449, '$range requires a non-zero step value');
  const steps = Math.trunc((e - s) / st);
  const length = steps >= 0 ? steps + 1 : 0;
  const needed = 24 + length * 16;
  if (needed >= MAX_RANGE_BYTES) {
    throw new MongoCommandError(
      146,
      `$range would use too much memory (${needed} bytes) and cannot spill to disk. Memory limit: ${MAX_RANGE_BYTES} bytes`,
    );
  }
  const out: number[] = [];
  for (let i = s; st > 0 ? i < e : i > e; i += st) out.push(i);
  return out;
};

/** $pow: an int or long when both are integers and the exact result fits, else a double. */
const $pow: Op = (obj, expr, options) => {
  const [b, e] = args(obj, expr, options, '$pow');
  if (isNil(b) || isNil(e)) return null;
  if (numberKind(b) === null || numberKind(e) === null)
    throw new MongoCommandError(28762, '$pow only supports numeric types');
  const kb = numberKind(b);
  const ke = numberKind(e);
  if ((kb === 'int' || kb === 'long') && (ke === 'int' || ke === 'long') && toBigInt(e)! >= 0n) {
    const r = toBigInt(b)! ** toBigInt(e)!;
    if (kb === 'int' && ke === 'int' && r >= -2147483648n && r <= 2147483647n) return Number(r);
    if (r >= -(2n ** 63n) && r < 2n ** 63n) return r;
  }
  if (kb === 'decimal' || ke === 'decimal') return decimalPow(b, e);
  return makeDouble(toNumber(b) ** toNumber(e));
};

const $log: Op = (obj, expr, options) => {
  const [n, base] = args(obj, expr, options, '$log');
  if (isNil(n) || isNil(base)) return null;
  if (numberKind(n) === null || numberKind(base) === null)
    throw new MongoCommandError(28756, '$log only supports numeric types');
  if (numberKind(n) === 'decimal' || numberKind(base) === 'decimal') return decimalLog(n, base);
  return makeDouble(Math.log(toNumber(n)) / Math.log(toNumber(base)));
};

const $type: Op = (obj, expr, options) =>
  bsonTypeName(evalExpr(obj, Array.isArray(expr) ? expr[0] : expr, options));
const $isNumber: Op = (obj, expr, options) =>
  numberKind(evalExpr(obj, Array.isArray(expr) ? expr[0] : expr, options)) !== null;

export const numericExpressionOps: Record<string, Op> = {
  $add: fold('$add', 'add'),
  $multiply: fold('$multiply', 'multiply'),
  $subtract,
  $divide: binary('$divide', divide, 16609),
  $mod: binary('$mod', modulo, 16611),
  $abs: unaryKeepKind('$abs', Math.abs, (x) => (x < 0n ? -x : x), decimalAbs),
  $ceil: unaryKeepKind('$ceil', Math.ceil, (x) => x, decimalCeil),
  $floor: unaryKeepKind('$floor', Math.floor, (x) => x, decimalFloor),
  $round: rounding('$round', 'half-even', roundHalfEven),
  $trunc: rounding('$trunc', 'down', (x, p) => Math.trunc(x * 10 ** p) / 10 ** p),
  $sqrt: unaryDouble('$sqrt', Math.sqrt),
  $exp: unaryDouble('$exp', Math.exp),
  $ln: unaryDouble('$ln', Math.log),
  $log10: unaryDouble('$log10', Math.log10),
  $pow,
  $log,
  $range,
  $type,
  $isNumber,
};

export const numericAccumulators: Record<string, Accumulator> = {
  $sum: sumAcc,
  $avg: avgAcc,
  $min: extreme(-1),
  $max: extreme(1),
};
