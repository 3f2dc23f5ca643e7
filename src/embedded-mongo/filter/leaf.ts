// Tests of one value against one query operator's operand ($eq, $gt..., $in, $regex, $mod,
// $bits*), with MongoDB's type bracketing: a range operator only matches values of the
// operand's type family, and NaN equals only NaN.
import { type Binary, type BSONRegExp, ObjectId } from 'bson';
import type { Collation } from '../collation.ts';
import { badValue, ErrorCodes, MongoCommandError } from '../errors.ts';
import { numberKind, toBigInt, toNumber } from '../numbers.ts';
import { compareUtf8, compareValues, regexFlags, regexSource, typeRank } from '../order.ts';
import { translatePcre } from './pcre.ts';

/** A test of one value; `slots` holds the operands of a filter compiled by its shape (shape.ts). */
export type Test = (v: unknown, slots?: readonly unknown[]) => boolean;

/**
 * The classes of operands whose equality and range tests depend on nothing but the class
 * (without a collation): a filter's shape names them, and its values fill the slots.
 */
export type OperandClass = 'null' | 'string' | 'number' | 'bool' | 'date' | 'objectId';

/** An operand's class, or null when its tests depend on more (NaN, Long, Decimal128, MinKey...). */
export function operandClass(v: unknown): OperandClass | null {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isNaN(v) ? null : 'number';
    case 'object':
      if (v instanceof Date) return 'date';
      return (v as { _bsontype?: string })._bsontype === 'ObjectId' ? 'objectId' : null;
    default:
      return null;
  }
}

/** The type rank of each class's operands, as typeRank gives it. */
const RANK_OF: Record<OperandClass, number> = {
  null: typeRank(null),
  number: typeRank(0),
  string: typeRank(''),
  objectId: typeRank(ObjectId.createFromHexString('000000000000000000000000')),
  bool: typeRank(false),
  date: typeRank(new Date(0)),
};

const isNullish: Test = (v) => v === null || v === undefined;

/** A number operand's equality: the same number, or another numeric type of equal value. */
function equalNumber(v: unknown, operand: unknown): boolean {
  return v === operand || (typeof v !== 'number' && typeRank(v) === 3 && compareValues(v, operand) === 0);
}

function equalRanked(v: unknown, operand: unknown, rank: number, strCmp: (a: string, b: string) => number) {
  return typeRank(v) === rank && compareValues(v, operand, strCmp) === 0;
}

/** Equality with the operand in `slots[at]`, of class `cls`, as equalTo tests that operand. */
export function equalToSlot(cls: OperandClass, at: number): Test {
  switch (cls) {
    case 'null':
      return isNullish;
    case 'string':
      return (v, slots) => v === slots![at];
    case 'number':
      return (v, slots) => equalNumber(v, slots![at]);
    default: {
      const rank = RANK_OF[cls];
      return (v, slots) => equalRanked(v, slots![at], rank, compareUtf8);
    }
  }
}

function isNaNNumber(v: unknown): boolean {
  return numberKind(v) !== null && Number.isNaN(toNumber(v));
}

export function isRegex(v: unknown): v is RegExp | BSONRegExp {
  return v instanceof RegExp || (v as { _bsontype?: string } | null)?._bsontype === 'BSONRegExp';
}

/** Equality as queries see it: null also matches a missing value; strings under a collation. */
export function equalTo(operand: unknown, collation?: Collation): Test {
  const strCmp = collation?.compare ?? compareUtf8;
  if (operand === null || operand === undefined) return isNullish;
  if (typeof operand === 'string' && !collation) return (v) => v === operand;
  if (typeof operand === 'number' && !Number.isNaN(operand)) return (v) => equalNumber(v, operand);
  if (isNaNNumber(operand)) return isNaNNumber;
  const rank = typeRank(operand);
  return (v) => equalRanked(v, operand, rank, strCmp);
}

export type RangeOp = '$gt' | '$gte' | '$lt' | '$lte';

const ACCEPT: Record<RangeOp, (c: number) => boolean> = {
  $gt: (c) => c > 0,
  $gte: (c) => c >= 0,
  $lt: (c) => c < 0,
  $lte: (c) => c <= 0,
};

export function compareTo(op: RangeOp, operand: unknown, collation?: Collation): Test {
  const strCmp = collation?.compare ?? compareUtf8;
  const accept = ACCEPT[op];
  const inclusive = op === '$gte' || op === '$lte';
  const rank = typeRank(operand);
  if (rank === 1 || rank === 13) {
    // MinKey and MaxKey bound every type.
    return (v) => accept(compareValues(v, operand)) && (inclusive || typeRank(v) !== rank);
  }
  if (rank === 2) return inclusive ? isNullish : () => false;
  if (isNaNNumber(operand)) return inclusive ? isNaNNumber : () => false;
  return (v) => inRange(v, operand, rank, accept, strCmp);
}

/** A range test against an operand of `rank` (neither null, NaN, MinKey nor MaxKey). */
function inRange(
  v: unknown,
  operand: unknown,
  rank: number,
  accept: (c: number) => boolean,
  strCmp: (a: string, b: string) => number,
): boolean {
  if (typeRank(v) !== rank) return false;
  if (rank === 3 && isNaNNumber(v)) return false;
  return accept(compareValues(v, operand, strCmp));
}

/** A range operator against the operand in `slots[at]`, of class `cls`, as compareTo tests that operand. */
export function compareToSlot(op: RangeOp, cls: OperandClass, at: number): Test {
  const inclusive = op === '$gte' || op === '$lte';
  if (cls === 'null') return inclusive ? isNullish : () => false;
  const accept = ACCEPT[op];
  const rank = RANK_OF[cls];
  return (v, slots) => inRange(v, slots![at], rank, accept, compareUtf8);
}

const REGEX_OPTIONS = /^[imsxu]*$/;

/** A JavaScript RegExp for a BSON pattern and options (`x`: free spacing, stripped here). */
export function toRegExp(pattern: string, options: string): RegExp {
  if (!REGEX_OPTIONS.test(options)) {
    throw new MongoCommandError(51108, `invalid flag in regex options: ${options.replace(/[imsxu]/g, '')}`);
  }
  const pcre = translatePcre(pattern, options);
  let source = pcre.source;
  if (pcre.options.includes('x'))
    source = source.replace(/\\#|#[^\n]*|\\\s|\s+/g, (m) => (m.startsWith('\\') ? m : ''));
  const flags = [...new Set(pcre.options.replace(/x/g, '').split(''))].join('');
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new MongoCommandError(51091, `Regular expression is invalid: ${(err as Error).message}`);
  }
}

export function regexTest(pattern: unknown, options?: unknown): Test {
  const re = isRegex(pattern)
    ? toRegExp(
        regexSource(pattern),
        typeof options === 'string' ? options : normalizeFlags(regexFlags(pattern)),
      )
    : toRegExp(String(pattern), typeof options === 'string' ? options : '');
  const literal = isRegex(pattern) ? pattern : undefined;
  return (v) => {
    if (typeof v === 'string') return re.test(v);
    if ((v as { _bsontype?: string } | null)?._bsontype === 'BSONSymbol')
      return re.test(String((v as { value: string }).value));
    // A stored regular expression matches an equal one.
    return literal !== undefined && isRegex(v) && compareValues(v, literal) === 0;
  };
}

/** JavaScript flags as BSON options (the driver reads `s` as `g` is never sent; keep i, m, s, u). */
function normalizeFlags(flags: string): string {
  return flags.replace(/[^imsu]/g, '');
}

export function inTest(list: unknown, collation?: Collation): Test {
  if (!Array.isArray(list)) throw badValue('$in needs an array');
  const tests = list.map((x) => {
    if ((x as { $regex?: unknown } | null)?.$regex !== undefined || isOperatorDoc(x)) {
      throw badValue('cannot nest $ under $in');
    }
    return isRegex(x) ? regexTest(x) : equalTo(x, collation);
  });
  return (v) => tests.some((t) => t(v));
}

function isOperatorDoc(x: unknown): boolean {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  const first = Object.keys(x)[0];
  return first?.startsWith('$') === true && first !== '$ref' && first !== '$id' && first !== '$db';
}

export function modTest(operand: unknown): Test {
  if (!Array.isArray(operand) || operand.length !== 2) {
    throw badValue(
      Array.isArray(operand) && operand.length < 2
        ? 'malformed mod, not enough elements'
        : 'malformed mod, too many elements',
    );
  }
  const [d, r] = operand;
  if (numberKind(d) === null || numberKind(r) === null)
    throw badValue('malformed mod, divisor and remainder must be numbers');
  const divisor = BigInt(Math.trunc(toNumber(d)));
  if (divisor === 0n) throw badValue('divisor cannot be 0');
  const remainder = BigInt(Math.trunc(toNumber(r)));
  return (v) => {
    if (numberKind(v) === null) return false;
    const n = toNumber(v);
    if (!Number.isFinite(n)) return false;
    const x = numberKind(v) === 'long' ? toBigInt(v)! : BigInt(Math.trunc(n));
    return x % divisor === remainder;
  };
}

export type BitsOp = '$bitsAllSet' | '$bitsAnySet' | '$bitsAllClear' | '$bitsAnyClear';

/** The bit positions a $bits* operand names: a list, a number mask or a binary mask. */
function bitPositions(op: BitsOp, operand: unknown): number[] {
  if (Array.isArray(operand)) {
    return operand.map((p) => {
      const n = toNumber(p);
      if (!Number.isInteger(n) || n < 0)
        throw badValue(`bit positions must be non-negative integers for ${op}`);
      return n;
    });
  }
  if ((operand as { _bsontype?: string } | null)?._bsontype === 'Binary')
    return binaryBits(operand as Binary);
  const mask = toBigInt(operand);
  if (mask === null || mask < 0n)
    throw badValue(`${op} takes an Array, a number, or a BinData but received: ${String(operand)}`);
  const out: number[] = [];
  for (let i = 0; i < 64; i++) if ((mask >> BigInt(i)) & 1n) out.push(i);
  return out;
}

function binaryBits(bin: Binary): number[] {
  const out: number[] = [];
  const bytes = bin.buffer;
  for (let i = 0; i < bytes.length; i++)
    for (let b = 0; b < 8; b++) if (bytes[i]! & (1 << b)) out.push(i * 8 + b);
  return out;
}

export function bitsTest(op: BitsOp, operand: unknown): Test {
  const positions = bitPositions(op, operand);
  const wantSet = op === '$bitsAllSet' || op === '$bitsAnySet';
  const all = op === '$bitsAllSet' || op === '$bitsAllClear';
  return (v) => {
    let bitAt: (p: number) => boolean;
    if ((v as { _bsontype?: string } | null)?._bsontype === 'Binary') {
      const bytes = (v as Binary).buffer;
      bitAt = (p) => ((bytes[p >> 3] ?? 0) & (1 << (p & 7))) !== 0;
    } else {
      if (numberKind(v) === null) return false;
      const n = numberKind(v) === 'long' ? toBigInt(v)! : toBigInt(v);
      if (n === null || n < -(2n ** 63n) || n >= 2n ** 63n) return false;
      bitAt = (p) => (p > 63 ? n < 0n : ((n >> BigInt(p)) & 1n) === 1n);
    }
    const hits = (p: number) => bitAt(p) === wantSet;
    return all ? positions.every(hits) : positions.some(hits);
  };
}

/** Refusal for query operators the engine does not implement. */
export function notImplemented(op: string): never {
  throw new MongoCommandError(ErrorCodes.NotImplemented, `${op} is not supported by the embedded engine`);
}
