// Decimal128 arithmetic as IEEE 754-2008 decimal128 defines it (34 significant digits, rounding
// half to even), through decimal.js. decimal.js forgets a value's exponent (0.30 and 0.3 are one
// value to it); MongoDB keeps it (0.30 × 3 = 0.90), so each result is written back with the
// exponent decimal arithmetic prefers: the smaller one for a sum, the sum of both for a product.
import { Decimal128 } from 'bson';
import { Decimal as DecimalJs } from 'decimal.js';
import { type NumberKind, numberKind, toBigInt, toNumber } from './numbers.ts';

const Dec = DecimalJs.clone({
  precision: 34,
  rounding: DecimalJs.ROUND_HALF_EVEN,
  toExpNeg: -7000,
  toExpPos: 7000,
  minE: -6176,
  maxE: 6144,
});

/** Exact conversions (doubles to their full binary value) use a wider context. */
const Exact = DecimalJs.clone({ precision: 1200, toExpNeg: -7000, toExpPos: 7000, minE: -9e15, maxE: 9e15 });

type Dec = InstanceType<typeof Dec>;

export interface DecimalValue {
  value: Dec;
  /** The exponent of the coefficient (0.30 is 30 × 10^-2: exponent -2). */
  exponent: number;
}

const PARTS = /^(-?)(\d+)(?:\.(\d+))?(?:E([+-]\d+))?$/;

/** A Decimal128 as a value and its exponent. */
export function fromDecimal128(d: Decimal128): DecimalValue {
  const s = d.toString();
  const m = PARTS.exec(s);
  if (!m) return { value: new Dec(s), exponent: 0 };
  const frac = m[3] ?? '';
  return { value: new Dec(s), exponent: Number(m[4] ?? 0) - frac.length };
}

/** Any number as decimal arithmetic takes it: ints and longs exactly, doubles to 15 digits. */
export function toDecimalValue(v: unknown): DecimalValue {
  const kind: NumberKind | null = numberKind(v);
  if (kind === 'decimal') return fromDecimal128(v as Decimal128);
  if (kind === 'int' || kind === 'long') return { value: new Dec(String(toBigInt(v))), exponent: 0 };
  const n = toNumber(v);
  if (!Number.isFinite(n)) return { value: new Dec(n), exponent: 0 };
  if (n === 0) return { value: new Dec(0), exponent: 0 };
  // MongoDB converts a double to a decimal rounded to 15 significant digits, zeros kept.
  const rounded = new Dec(n).toSignificantDigits(15);
  return { value: rounded, exponent: rounded.e - 14 };
}

/** A decimal result written with the preferred exponent when its digits allow it. */
export function toDecimal128(value: Dec, preferred: number): Decimal128 {
  if (!value.isFinite())
    return Decimal128.fromString(value.isNaN() ? 'NaN' : value.isNeg() ? '-Infinity' : 'Infinity');
  if (value.isZero()) {
    const e = Math.max(-6176, Math.min(6111, preferred));
    return Decimal128.fromString(`${value.isNeg() ? '-' : ''}0E${e}`);
  }
  // value = coefficient × 10^exponent with no trailing zeros in the coefficient.
  const [mantissa = '0', power = '0'] = value.abs().toExponential().split('e');
  const trimmed = mantissa.replace('.', '').replace(/0+$/, '') || '0';
  const exponent = Number(power) - (trimmed.length - 1);
  const target = exponent > preferred ? Math.max(preferred, exponent - (34 - trimmed.length)) : exponent;
  const coefficient = trimmed + '0'.repeat(exponent - target);
  return Decimal128.fromString(`${value.isNeg() ? '-' : ''}${coefficient}E${target}`);
}

export function decimalAdd(a: unknown, b: unknown): Decimal128 {
  const x = toDecimalValue(a);
  const y = toDecimalValue(b);
  return toDecimal128(x.value.plus(y.value), Math.min(x.exponent, y.exponent));
}

export function decimalSubtract(a: unknown, b: unknown): Decimal128 {
  const x = toDecimalValue(a);
  const y = toDecimalValue(b);
  return toDecimal128(x.value.minus(y.value), Math.min(x.exponent, y.exponent));
}

export function decimalMultiply(a: unknown, b: unknown): Decimal128 {
  const x = toDecimalValue(a);
  const y = toDecimalValue(b);
  return toDecimal128(x.value.times(y.value), x.exponent + y.exponent);
}

export function decimalDivide(a: unknown, b: unknown): Decimal128 {
  const x = toDecimalValue(a);
  const y = toDecimalValue(b);
  return toDecimal128(x.value.dividedBy(y.value), x.exponent - y.exponent);
}

export function decimalMod(a: unknown, b: unknown): Decimal128 {
  const x = toDecimalValue(a);
  const y = toDecimalValue(b);
  return toDecimal128(x.value.mod(y.value), Math.min(x.exponent, y.exponent));
}

/** The sum of many values, each added in turn as MongoDB's accumulators do. */
export function decimalSum(values: unknown[]): Decimal128 {
  let total = new Dec(0);
  let exponent = 0;
  for (const v of values) {
    const x = toDecimalValue(v);
    total = total.plus(x.value);
    exponent = Math.min(exponent, x.exponent);
  }
  return toDecimal128(total, exponent);
}

/** Exact order of two numbers when one is a Decimal128 (doubles at their full binary value). */
export function compareAsDecimal(a: unknown, b: unknown): number {
  const x = exactDecimal(a);
  const y = exactDecimal(b);
  if (x.isNaN()) return y.isNaN() ? 0 : -1;
  if (y.isNaN()) return 1;
  return x.comparedTo(y);
}

function exactDecimal(v: unknown): InstanceType<typeof Exact> {
  const kind = numberKind(v);
  if (kind === 'decimal') return new Exact((v as Decimal128).toString());
  if (kind === 'int' || kind === 'long') return new Exact(String(toBigInt(v)));
  const n = toNumber(v);
  if (!Number.isFinite(n) || Number.isInteger(n))
    return new Exact(Number.isInteger(n) ? BigInt(n).toString() : n);
  // A finite double is m × 2^e: expand it exactly.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, n);
  const bits = view.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn);
  const mantissa = bits & ((1n << 52n) - 1n);
  const m = exp === 0 ? mantissa : mantissa | (1n << 52n);
  const e = (exp === 0 ? 1 : exp) - 1075;
  const abs = new Exact(m.toString()).times(new Exact(2).pow(e));
  return n < 0 ? abs.neg() : abs;
}

/** A Decimal128 as a double (for operators that work in doubles). */
export function decimalToNumber(d: Decimal128): number {
  return Number.parseFloat(d.toString());
}
