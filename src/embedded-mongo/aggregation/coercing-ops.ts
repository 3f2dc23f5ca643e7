// mingo's string and array operators, given their arguments as MongoDB reads them. mingo takes
// only JavaScript numbers and strings, so it refused (or misread) a Long, a Decimal128 or an
// integral double (held as a `Double`): here the arguments are evaluated once, numbers that stand
// for a string are written exactly as MongoDB writes them ($substr, $toUpper, $strcasecmp coerce
// numbers and dates to strings), numbers that stand for a position or a count become plain
// numbers (a valid position fits in 32 bits, so this loses nothing), and mingo's operator runs
// on those values (date parts and amounts likewise). Bitwise operators are the engine's own, exact on 64-bit Longs.
import { evalExpr } from 'mingo/core';
import * as mingo from 'mingo/operators/expression';
import { bsonTypeName } from '../bson-types.ts';
import { ErrorCodes, MongoCommandError } from '../errors.ts';
import { numberKind, toBigInt, toNumber } from '../numbers.ts';
import { isPlainObject } from '../values.ts';
import { numberToString } from './conversions.ts';

type Op = (obj: unknown, expr: any, options: any) => unknown;
type Coerce = (v: unknown) => unknown;

/** A value as MongoDB coerces it to a string: numbers exactly, dates in ISO form, null as ''. */
const asString: Coerce = (v) => {
  if (v === null || v === undefined) return '';
  if (numberKind(v) !== null) return numberToString(v);
  if (v instanceof Date) return v.toISOString();
  return v;
};

const asPlainNumber: Coerce = (v) => (numberKind(v) !== null ? toNumber(v) : v);
const same: Coerce = (v) => v;

/** mingo's `op` over evaluated arguments, each coerced by the function at its position. */
function positional(mingoOp: unknown, coercions: Coerce[]): Op {
  const op = mingoOp as Op;
  return (obj, expr, options) => {
    const single = !Array.isArray(expr);
    const values = single ? [evalExpr(obj, expr, options)] : (evalExpr(obj, expr, options) as unknown[]);
    const literal = values.map((v, i) => ({ $literal: (coercions[i] ?? same)(v) }));
    return op(obj, single ? literal[0] : literal, options);
  };
}

/** mingo's `op` over an object of named arguments, `n` (a count) as a plain number. */
function withCount(mingoOp: unknown): Op {
  const op = mingoOp as Op;
  return (obj, expr, options) => {
    if (!isPlainObject(expr) || !Object.hasOwn(expr, 'n')) return op(obj, expr, options);
    const n = asPlainNumber(evalExpr(obj, expr.n, options));
    return op(obj, { ...expr, n: { $literal: n } }, options);
  };
}

function bitwise(name: string, identity: bigint, combine: (x: bigint, y: bigint) => bigint): Op {
  return (obj, expr, options) => {
    const values = (
      Array.isArray(expr) ? evalExpr(obj, expr, options) : [evalExpr(obj, expr, options)]
    ) as unknown[];
    let acc = identity;
    let long = false;
    for (const v of values) {
      if (v === null || v === undefined) return null;
      const kind = numberKind(v);
      if (kind !== 'int' && kind !== 'long')
        throw new MongoCommandError(
          ErrorCodes.TypeMismatch,
          `${name} only supports int and long operands, not ${bsonTypeName(v)}`,
        );
      long ||= kind === 'long';
      const x = toBigInt(v)!;
      acc = combine(acc, x);
    }
    const r = BigInt.asIntN(64, acc);
    return long ? r : Number(BigInt.asIntN(32, r));
  };
}

const $bitNot: Op = (obj, expr, options) => {
  const v = evalExpr(obj, Array.isArray(expr) ? expr[0] : expr, options);
  if (v === null || v === undefined) return null;
  const kind = numberKind(v);
  if (kind !== 'int' && kind !== 'long')
    throw new MongoCommandError(
      ErrorCodes.TypeMismatch,
      `$bitNot only supports int and long, not: ${bsonTypeName(v)}`,
    );
  return kind === 'long' ? ~toBigInt(v)! : ~toNumber(v);
};

/** mingo's `op` over an object of named arguments, every number among them a plain number. */
function named(mingoOp: unknown): Op {
  const op = mingoOp as Op;
  return (obj, expr, options) => {
    if (!isPlainObject(expr)) return op(obj, expr, options);
    const literal: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(expr))
      literal[k] = { $literal: asPlainNumber(evalExpr(obj, e, options)) };
    return op(obj, literal, options);
  };
}

/** $concat: strings only (a number is an error, 16702, not coerced); null when any is null. */
const $concat: Op = (obj, expr, options) => {
  const values = (
    Array.isArray(expr) ? evalExpr(obj, expr, options) : [evalExpr(obj, expr, options)]
  ) as unknown[];
  let out = '';
  for (const v of values) {
    if (v === null || v === undefined) return null;
    if (typeof v !== 'string')
      throw new MongoCommandError(16702, `$concat only supports strings, not ${bsonTypeName(v)}`);
    out += v;
  }
  return out;
};

/** An operator whose answer MongoDB gives as a Long ($dateDiff). */
function asLong(op: Op): Op {
  return (obj, expr, options) => {
    const r = op(obj, expr, options);
    return typeof r === 'number' && Number.isInteger(r) ? BigInt(r) : r;
  };
}

/** The bytes from `start` (`count` of them, or to the end), never cutting a character. */
const substrBytes: Op = (_obj, expr) => {
  const [s, start, count] = (expr as { $literal: unknown }[]).map((a) => a.$literal) as [
    string,
    number,
    number,
  ];
  if (typeof s !== 'string')
    throw new MongoCommandError(16007, `$substrBytes: string expected, not ${bsonTypeName(s)}`);
  if (!Number.isInteger(start) || !Number.isInteger(count))
    throw new MongoCommandError(16034, '$substrBytes: starting index and length must be whole numbers');
  if (start < 0)
    throw new MongoCommandError(50752, `$substrBytes: starting index must be non-negative (got: ${start})`);
  const bytes = Buffer.from(s, 'utf8');
  if (start >= bytes.length) return '';
  const end = count < 0 ? bytes.length : Math.min(start + count, bytes.length);
  const continuation = (i: number) => i < bytes.length && ((bytes[i] ?? 0) & 0xc0) === 0x80;
  if (continuation(start))
    throw new MongoCommandError(
      28656,
      '$substrBytes:  Invalid range, starting index is a UTF-8 continuation byte.',
    );
  if (continuation(end))
    throw new MongoCommandError(
      28657,
      '$substrBytes:  Invalid range, ending index is in the middle of a UTF-8 character.',
    );
  return bytes.subarray(start, end).toString('utf8');
};

export const coercingExpressionOps: Record<string, Op> = {
  $concat,
  $substr: positional(substrBytes, [asString, asPlainNumber, asPlainNumber]),
  $substrBytes: positional(substrBytes, [asString, asPlainNumber, asPlainNumber]),
  $substrCP: positional(mingo.$substrCP, [asString, asPlainNumber, asPlainNumber]),
  $toUpper: positional(mingo.$toUpper, [asString]),
  $toLower: positional(mingo.$toLower, [asString]),
  $strcasecmp: positional(mingo.$strcasecmp, [asString, asString]),
  $indexOfBytes: positional(mingo.$indexOfBytes, [same, same, asPlainNumber, asPlainNumber]),
  $arrayElemAt: positional(mingo.$arrayElemAt, [same, asPlainNumber]),
  $slice: positional(mingo.$slice, [same, asPlainNumber, asPlainNumber]),
  $firstN: withCount(mingo.$firstN),
  $lastN: withCount(mingo.$lastN),
  $dateAdd: named(mingo.$dateAdd),
  $dateSubtract: named(mingo.$dateSubtract),
  $dateDiff: asLong(named(mingo.$dateDiff)),
  $bitAnd: bitwise('$bitAnd', -1n, (x, y) => x & y),
  $bitOr: bitwise('$bitOr', 0n, (x, y) => x | y),
  $bitXor: bitwise('$bitXor', 0n, (x, y) => x ^ y),
  $bitNot,
};
