// Field update operators on one concrete path: $set, $unset, $inc, $mul, $min, $max,
// $currentDate, $bit. Each says whether it changed the document; numbers keep MongoDB's types
// (an int that overflows becomes a long, a long that overflows is an error).
import { Decimal128, Double, Timestamp } from 'bson';
import { arithmetic, LongOverflow } from '../arithmetic.ts';
import { bsonTypeOf } from '../bson-types.ts';
import type { Collation } from '../collation.ts';
import { badValue, ErrorCodes, MongoCommandError } from '../errors.ts';
import { numberKind, toBigInt } from '../numbers.ts';
import { compareValues } from '../order.ts';
import { cloneDoc, type Doc, formatValue, isPlainObject } from '../values.ts';
import { has, locate, read, write } from './targets.ts';

export interface OpContext {
  doc: Doc;
  collation?: Collation;
  /** The path as written in the update, for messages. */
  path: string;
}

/** Same BSON type and value, field order included: a write of it changes nothing. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (bsonTypeOf(a) !== bsonTypeOf(b)) return false;
  if (Array.isArray(a)) {
    const y = b as unknown[];
    return a.length === y.length && a.every((x, i) => sameValue(x, y[i]));
  }
  if (isPlainObject(a)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b as Doc);
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameValue(a[k], (b as Doc)[k]));
  }
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  return compareValues(a, b) === 0;
}

function assign(ctx: OpContext, parts: string[], value: unknown): boolean {
  const at = locate(ctx.doc, parts, true)!;
  if (has(at.parent, at.key) && sameValue(read(at.parent, at.key), value)) return false;
  write(at.parent, at.key, value);
  return true;
}

export function $set(ctx: OpContext, parts: string[], value: unknown): boolean {
  return assign(ctx, parts, cloneDoc(value));
}

export function $unset(ctx: OpContext, parts: string[]): boolean {
  const at = locate(ctx.doc, parts, false);
  if (!at || !has(at.parent, at.key)) return false;
  if (Array.isArray(at.parent)) {
    // An array keeps its length: the element becomes null.
    if (at.parent[Number(at.key)] === null) return false;
    at.parent[Number(at.key)] = null;
  } else {
    delete at.parent[at.key];
  }
  return true;
}

function nonNumeric(ctx: OpContext, op: string, cur: unknown): MongoCommandError {
  return new MongoCommandError(
    ErrorCodes.TypeMismatch,
    `Cannot apply ${op} to a value of non-numeric type. {_id: ${formatValue(ctx.doc._id)}} has the field '${ctx.path.split('.').pop()}' of non-numeric type ${typeName(cur)}`,
  );
}

function typeName(v: unknown): string {
  const names: Record<number, string> = {
    1: 'double',
    2: 'string',
    3: 'object',
    4: 'array',
    5: 'binData',
    7: 'objectId',
    8: 'bool',
    9: 'date',
    10: 'null',
    11: 'regex',
    16: 'int',
    17: 'timestamp',
    18: 'long',
    19: 'decimal',
  };
  return names[bsonTypeOf(v)] ?? 'unknown';
}

function arithmeticOp(op: '$inc' | '$mul', ctx: OpContext, parts: string[], amount: unknown): boolean {
  const at = locate(ctx.doc, parts, true)!;
  if (!has(at.parent, at.key)) {
    return assign(ctx, parts, op === '$inc' ? cloneDoc(amount) : zeroLike(amount));
  }
  const cur = read(at.parent, at.key);
  if (numberKind(cur) === null) throw nonNumeric(ctx, op, cur);
  try {
    return assign(ctx, parts, arithmetic(op === '$inc' ? 'add' : 'multiply', cur, amount, 'error'));
  } catch (err) {
    if (!(err instanceof LongOverflow)) throw err;
    throw badValue(
      `Failed to apply ${op} operations to current value ((NumberLong)${String(toBigInt(cur))}) for document {_id: ${formatValue(ctx.doc._id)}}`,
    );
  }
}

/** $mul on a missing field sets 0 of the multiplier's type. */
function zeroLike(v: unknown): unknown {
  switch (numberKind(v)) {
    case 'long':
      return 0n;
    case 'double':
      return new Double(0);
    case 'decimal':
      return Decimal128.fromString('0');
    default:
      return 0;
  }
}

export const $inc = (ctx: OpContext, parts: string[], v: unknown) => arithmeticOp('$inc', ctx, parts, v);
export const $mul = (ctx: OpContext, parts: string[], v: unknown) => arithmeticOp('$mul', ctx, parts, v);

function extreme(sign: 1 | -1) {
  return (ctx: OpContext, parts: string[], value: unknown): boolean => {
    const at = locate(ctx.doc, parts, true)!;
    if (has(at.parent, at.key)) {
      const c = compareValues(value, read(at.parent, at.key), ctx.collation?.compare);
      if (c * sign <= 0) return false;
    }
    return assign(ctx, parts, cloneDoc(value));
  };
}

export const $min = extreme(-1);
export const $max = extreme(1);

let lastTimestamp = { t: 0, i: 0 };

export function $currentDate(ctx: OpContext, parts: string[], spec: unknown): boolean {
  if (isPlainObject(spec) && spec.$type === 'timestamp') {
    const t = Math.floor(Date.now() / 1000);
    lastTimestamp = t === lastTimestamp.t ? { t, i: lastTimestamp.i + 1 } : { t, i: 1 };
    return assign(ctx, parts, new Timestamp({ t, i: lastTimestamp.i }));
  }
  return assign(ctx, parts, new Date());
}

export function $bit(ctx: OpContext, parts: string[], spec: unknown): boolean {
  if (!isPlainObject(spec) || Object.keys(spec).length === 0) {
    throw badValue(
      `The $bit modifier is not compatible with a ${typeof spec}. You must pass in an embedded document: {$bit: {field: {and/or/xor: #}}`,
    );
  }
  const at = locate(ctx.doc, parts, true)!;
  const cur = has(at.parent, at.key) ? read(at.parent, at.key) : 0;
  const kind = numberKind(cur);
  if (kind !== 'int' && kind !== 'long') {
    throw badValue(
      `Cannot apply $bit to a value of non-integral type.{_id: ${formatValue(ctx.doc._id)}} has the field ${ctx.path} of non-integer type ${typeName(cur)}`,
    );
  }
  let result = toBigInt(cur)!;
  let wide = kind === 'long';
  for (const [op, operand] of Object.entries(spec)) {
    const ok = numberKind(operand);
    if (ok !== 'int' && ok !== 'long')
      throw badValue(
        `The $bit modifier field must be an Integer(32/64 bit); a '${typeName(operand)}' is not supported here: {${op}: ${formatValue(operand)}}`,
      );
    wide ||= ok === 'long';
    const b = toBigInt(operand)!;
    if (op === 'and') result &= b;
    else if (op === 'or') result |= b;
    else if (op === 'xor') result ^= b;
    else
      throw badValue(
        `The $bit modifier only supports 'and', 'or', and 'xor', not '${op}' which is an unknown operator: {${op}: ${formatValue(operand)}}`,
      );
  }
  return assign(ctx, parts, wide ? BigInt.asIntN(64, result) : Number(BigInt.asIntN(32, result)));
}
