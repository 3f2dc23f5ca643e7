// Arithmetic with MongoDB's result types: the widest operand type wins (int < long < double <
// decimal); an int result that overflows becomes a long; a long that overflows becomes a double
// in aggregation and an error in an update. Decimals go through decimal.ts.
import { decimalAdd, decimalDivide, decimalMod, decimalMultiply, decimalSubtract } from './decimal.ts';
import {
  LONG_MAX,
  LONG_MIN,
  makeDouble,
  type NumberKind,
  numberKind,
  toBigInt,
  toNumber,
} from './numbers.ts';

const RANK: Record<NumberKind, number> = { int: 0, long: 1, double: 2, decimal: 3 };

export function widest(a: NumberKind, b: NumberKind): NumberKind {
  return RANK[a] >= RANK[b] ? a : b;
}

export type Operation = 'add' | 'subtract' | 'multiply';

/** Thrown when a long result does not fit in 64 bits and the caller refuses doubles. */
export class LongOverflow extends Error {}

const INT_OPS: Record<Operation, (x: bigint, y: bigint) => bigint> = {
  add: (x, y) => x + y,
  subtract: (x, y) => x - y,
  multiply: (x, y) => x * y,
};
const DOUBLE_OPS: Record<Operation, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  subtract: (x, y) => x - y,
  multiply: (x, y) => x * y,
};
const DECIMAL_OPS = { add: decimalAdd, subtract: decimalSubtract, multiply: decimalMultiply };

/**
 * `a op b` for two numbers. `overflow` says what a long result past 64 bits becomes: a double
 * (aggregation) or a LongOverflow error (update operators).
 */
export function arithmetic(op: Operation, a: unknown, b: unknown, overflow: 'double' | 'error'): unknown {
  const kind = widest(numberKind(a)!, numberKind(b)!);
  if (kind === 'decimal') return DECIMAL_OPS[op](a, b);
  if (kind === 'double') return makeDouble(DOUBLE_OPS[op](toNumber(a), toNumber(b)));
  const exact = INT_OPS[op](toBigInt(a)!, toBigInt(b)!);
  if (kind === 'int' && exact >= -2147483648n && exact <= 2147483647n) return Number(exact);
  if (exact >= LONG_MIN && exact <= LONG_MAX) return exact;
  if (overflow === 'error') throw new LongOverflow();
  return makeDouble(Number(exact));
}

/** `a / b`: a double, or a decimal when either is one. Throws on division by zero. */
export function divide(a: unknown, b: unknown): unknown {
  if (numberKind(a) === 'decimal' || numberKind(b) === 'decimal') {
    if (toNumber(b) === 0) throw new RangeError("can't $divide by zero");
    return decimalDivide(a, b);
  }
  const y = toNumber(b);
  if (y === 0) throw new RangeError("can't $divide by zero");
  return makeDouble(toNumber(a) / y);
}

/** `a % b` with the sign of the dividend, in the widest type. Throws on a zero divisor. */
export function modulo(a: unknown, b: unknown): unknown {
  const kind = widest(numberKind(a)!, numberKind(b)!);
  if (toNumber(b) === 0) throw new RangeError("can't $mod by 0");
  if (kind === 'decimal') return decimalMod(a, b);
  if (kind === 'double') return makeDouble(toNumber(a) % toNumber(b));
  const r = toBigInt(a)! % toBigInt(b)!;
  return kind === 'int' ? Number(r) : r;
}

/** A value converted to a number type, as $toInt, $toLong, $toDouble and $toDecimal do. */
export function sameKindAs(kind: NumberKind, n: number): unknown {
  if (kind === 'double') return makeDouble(n);
  if (kind === 'long') return BigInt(Math.trunc(n));
  return n;
}
