// Type conversions ($convert, $toString, $toInt, $toLong, $toDouble, $toDecimal, $toBool, $toDate,
// $toObjectId) as MongoDB converts: a Long and a Decimal128 exactly (a Long above 2^53 prints
// every digit; "9007199254740993" becomes that Long, not the nearest double), out-of-range and
// unparsable values fail with 241 ConversionFailure unless `onError` is given.
import { Decimal128, ObjectId } from 'bson';
import { evalExpr } from 'mingo/core';
import { BSON_TYPE_ALIASES, bsonTypeName } from '../bson-types.ts';
import { toDecimal128, toDecimalValue } from '../decimal.ts';
import { badValue, ErrorCodes, MongoCommandError } from '../errors.ts';
import { coerceToBool } from '../filter/compile.ts';
import { LONG_MAX, LONG_MIN, makeDouble, numberKind, toBigInt, toNumber } from '../numbers.ts';
import { isPlainObject } from '../values.ts';
import { parseDateString } from './date-strings.ts';

type Op = (obj: unknown, expr: any, options: any) => unknown;

class ConversionError extends Error {}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:Infinity|inf|NaN)$/i;

/** The whole part of a number (a decimal exactly), or a ConversionError for NaN and infinities. */
function wholePart(v: unknown): bigint {
  const kind = numberKind(v);
  if (kind === 'int' || kind === 'long') return toBigInt(v)!;
  const d = toDecimalValue(v).value;
  if (!d.isFinite()) throw new ConversionError(`Attempt to convert ${d.toString()} value to integer`);
  return BigInt(d.trunc().toFixed(0));
}

function integerIn(v: unknown, min: bigint, max: bigint): bigint {
  let n: bigint;
  if (typeof v === 'string') {
    if (!INTEGER.test(v.trim())) throw new ConversionError(`Failed to parse number '${v}'`);
    n = BigInt(v.trim());
  } else if (typeof v === 'boolean') n = v ? 1n : 0n;
  else if (v instanceof Date && max === LONG_MAX) n = BigInt(v.getTime());
  else if (numberKind(v) !== null) n = wholePart(v);
  else throw unsupported(v, max === LONG_MAX ? 'long' : 'int');
  if (n < min || n > max) throw new ConversionError('Conversion would overflow target type');
  return n;
}

/** MongoDB's dates reach ±2^63 ms; JavaScript's (which the engine holds) ±8.64e15 ms. */
function outOfDateRange(): MongoCommandError {
  return new MongoCommandError(
    ErrorCodes.NotImplemented,
    'dates more than 8.64e15 ms from 1970 are not supported by the embedded engine',
  );
}

function unsupported(v: unknown, to: string): ConversionError {
  return new ConversionError(`Unsupported conversion from ${bsonTypeName(v)} to ${to}`);
}

/** A number as MongoDB prints it: ints and Longs exactly, a Decimal128 with its digits. */
export function numberToString(v: unknown): string {
  const kind = numberKind(v);
  if (kind === 'long') return toBigInt(v)!.toString();
  if (kind === 'decimal') return (v as Decimal128).toString();
  return String(toNumber(v));
}

const TO: Record<string, (v: unknown) => unknown> = {
  string(v) {
    if (typeof v === 'string') return v;
    if (numberKind(v) !== null) return numberToString(v);
    if (typeof v === 'boolean') return String(v);
    if (v instanceof Date) return v.toISOString();
    if (v instanceof ObjectId) return v.toHexString();
    throw unsupported(v, 'string');
  },
  int: (v) => Number(integerIn(v, -2147483648n, 2147483647n)),
  long: (v) => integerIn(v, LONG_MIN, LONG_MAX),
  double(v) {
    if (typeof v === 'string') {
      if (!DECIMAL.test(v.trim())) throw new ConversionError(`Failed to parse number '${v}'`);
      return makeDouble(Number(v.trim().replace(/^([+-]?)inf$/i, '$1Infinity')));
    }
    if (typeof v === 'boolean') return makeDouble(v ? 1 : 0);
    if (v instanceof Date) return makeDouble(v.getTime());
    if (numberKind(v) === null) throw unsupported(v, 'double');
    const n = toNumber(v);
    if (numberKind(v) === 'decimal' && !Number.isFinite(n) && toDecimalValue(v).value.isFinite())
      throw new ConversionError('Conversion would overflow target type');
    return makeDouble(n);
  },
  decimal(v) {
    if (numberKind(v) === 'decimal') return v;
    if (typeof v === 'string') {
      if (!DECIMAL.test(v.trim())) throw new ConversionError(`Failed to parse number '${v}'`);
      return Decimal128.fromString(v.trim());
    }
    if (typeof v === 'boolean') return Decimal128.fromString(v ? '1' : '0');
    if (v instanceof Date) return Decimal128.fromString(String(v.getTime()));
    if (numberKind(v) === null) throw unsupported(v, 'decimal');
    const { value, exponent } = toDecimalValue(v);
    return toDecimal128(value, exponent);
  },
  bool: (v) => coerceToBool(v),
  date(v) {
    if (v instanceof Date) return v;
    if (typeof v === 'string') {
      try {
        return parseDateString(v, undefined, undefined);
      } catch (err) {
        throw new ConversionError((err as Error).message);
      }
    }
    if (v instanceof ObjectId) return v.getTimestamp();
    const kind = numberKind(v);
    if (kind === 'long' || kind === 'double' || kind === 'decimal') {
      const date = new Date(Number(integerIn(v, LONG_MIN, LONG_MAX)));
      if (Number.isNaN(date.getTime())) throw outOfDateRange();
      return date;
    }
    if ((v as { _bsontype?: string })?._bsontype === 'Timestamp')
      return new Date((v as { high: number }).high * 1000);
    throw unsupported(v, 'date');
  },
  objectId(v) {
    if (v instanceof ObjectId) return v;
    if (typeof v === 'string' && /^[0-9a-f]{24}$/i.test(v)) return new ObjectId(v);
    if (typeof v === 'string') throw new ConversionError(`Failed to parse objectId '${v}'`);
    throw unsupported(v, 'objectId');
  },
};

/** The target of `to`: a type name or number, as a key of TO. */
function targetType(to: unknown): string {
  const name =
    typeof to === 'string'
      ? to
      : numberKind(to) !== null
        ? Object.entries(BSON_TYPE_ALIASES).find(([, code]) => code === toNumber(to))?.[0]
        : undefined;
  if (name === undefined || BSON_TYPE_ALIASES[name] === undefined)
    throw badValue(`Unknown type name: ${String(to)}`);
  return name;
}

function convert(value: unknown, to: string): unknown {
  const fn = TO[to];
  if (!fn) throw unsupported(value, to);
  return fn(value);
}

/** `{ $convert: { input, to, onError, onNull } }`. */
const $convert: Op = (obj, expr, options) => {
  if (!isPlainObject(expr) || !Object.hasOwn(expr, 'input') || !Object.hasOwn(expr, 'to'))
    throw badValue("$convert requires both 'input' and 'to'");
  const input = evalExpr(obj, expr.input, options);
  const to = evalExpr(obj, expr.to, options);
  if (input === null || input === undefined || to === null || to === undefined)
    return Object.hasOwn(expr, 'onNull') ? evalExpr(obj, expr.onNull, options) : null;
  const target = targetType(to);
  try {
    return convert(input, target);
  } catch (err) {
    if (!(err instanceof ConversionError)) throw err;
    if (Object.hasOwn(expr, 'onError')) return evalExpr(obj, expr.onError, options);
    throw new MongoCommandError(
      ErrorCodes.ConversionFailure,
      `${err.message} in $convert with no onError value`,
    );
  }
};

/** `$toX: value`, the short form of `$convert` (no onError: a failure is an error). */
function shortForm(to: string): Op {
  return (obj, expr, options) => {
    const input = Array.isArray(expr) && expr.length === 1 ? expr[0] : expr;
    return $convert(obj, { input: { $literal: evalExpr(obj, input, options) }, to }, options);
  };
}

export const conversionExpressionOps: Record<string, Op> = {
  $convert,
  $toString: shortForm('string'),
  $toInt: shortForm('int'),
  $toLong: shortForm('long'),
  $toDouble: shortForm('double'),
  $toDecimal: shortForm('decimal'),
  $toBool: shortForm('bool'),
  $toDate: shortForm('date'),
  $toObjectId: shortForm('objectId'),
};
