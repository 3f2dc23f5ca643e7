// Decimal128 functions beyond the four operations (decimal.ts): square roots, logarithms, powers,
// trigonometry and rounding, computed in decimal to 34 significant digits as MongoDB computes
// them for a Decimal128 argument, never through a double (which keeps only about 16 digits).
import type { Decimal128 } from 'bson';
import { toDecimal128, toDecimalValue } from './decimal.ts';

type Dec = ReturnType<typeof toDecimalValue>['value'];
type DecClass = { atan2(y: Dec, x: Dec): Dec; acos(x: number): Dec; new (v: string | number): Dec };

const classOf = (x: Dec) => x.constructor as unknown as DecClass;

const UNARY: Record<string, (x: Dec) => Dec> = {
  $sqrt: (x) => x.sqrt(),
  $exp: (x) => x.exp(),
  $ln: (x) => x.ln(),
  $log10: (x) => x.log(10),
  $sin: (x) => x.sin(),
  $cos: (x) => x.cos(),
  $tan: (x) => x.tan(),
  $asin: (x) => x.asin(),
  $acos: (x) => x.acos(),
  $atan: (x) => x.atan(),
  $sinh: (x) => x.sinh(),
  $cosh: (x) => x.cosh(),
  $tanh: (x) => x.tanh(),
  $asinh: (x) => x.asinh(),
  $acosh: (x) => x.acosh(),
  $atanh: (x) => x.atanh(),
  $sigmoid: (x) => x.neg().exp().plus(1).pow(-1),
  $degreesToRadians: (x) => x.times(classOf(x).acos(-1)).dividedBy(180),
  $radiansToDegrees: (x) => x.times(180).dividedBy(classOf(x).acos(-1)),
};

/** True when `name` has a decimal implementation here. */
export function hasDecimalFunction(name: string): boolean {
  return Object.hasOwn(UNARY, name);
}

/** `name` applied to a number in decimal (the argument converted as decimal arithmetic does). */
export function decimalFunction(name: string, v: unknown): Decimal128 {
  const fn = UNARY[name];
  if (!fn) throw new Error(`no decimal ${name}`);
  return toDecimal128(fn(toDecimalValue(v).value), 0);
}

export function decimalAtan2(y: unknown, x: unknown): Decimal128 {
  const a = toDecimalValue(y).value;
  return toDecimal128(classOf(a).atan2(a, toDecimalValue(x).value), 0);
}

export function decimalPow(base: unknown, exponent: unknown): Decimal128 {
  return toDecimal128(toDecimalValue(base).value.pow(toDecimalValue(exponent).value), 0);
}

export function decimalLog(n: unknown, base: unknown): Decimal128 {
  return toDecimal128(toDecimalValue(n).value.log(toDecimalValue(base).value), 0);
}

/** |v| with the digits it had (|-1.50| is 1.50). */
export function decimalAbs(v: unknown): Decimal128 {
  const { value, exponent } = toDecimalValue(v);
  return toDecimal128(value.abs(), exponent);
}

export function decimalCeil(v: unknown): Decimal128 {
  return toDecimal128(toDecimalValue(v).value.ceil(), 0);
}

export function decimalFloor(v: unknown): Decimal128 {
  return toDecimal128(toDecimalValue(v).value.floor(), 0);
}

/**
 * v rounded ('half-even', as $round) or truncated ('down', as $trunc) at `places` decimal places;
 * negative places round to tens, hundreds, ...
 */
export function decimalRound(v: unknown, places: number, mode: 'half-even' | 'down'): Decimal128 {
  const x = toDecimalValue(v).value;
  const rounding = mode === 'down' ? 1 : 6; // decimal.js ROUND_DOWN, ROUND_HALF_EVEN
  if (places >= 0) return toDecimal128(x.toDecimalPlaces(places, rounding), -places);
  const step = new (classOf(x))(10).pow(-places);
  return toDecimal128(x.dividedBy(step).toDecimalPlaces(0, rounding).times(step), 0);
}

/** An integer rounded ('half-even') or truncated ('down') to a multiple of 10^digits, exactly. */
export function roundInteger(x: bigint, digits: number, mode: 'half-even' | 'down'): bigint {
  const step = 10n ** BigInt(digits);
  const q = x / step;
  const r = x % step;
  if (mode === 'down' || r === 0n) return q * step;
  const sign = x < 0n ? -1n : 1n;
  const twice = (r < 0n ? -r : r) * 2n;
  const up = twice > step || (twice === step && q % 2n !== 0n);
  return (up ? q + sign : q) * step;
}
