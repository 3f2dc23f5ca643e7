// MongoDB's total order of BSON values: by type (null < numbers < strings < objects < arrays <
// binary < ObjectId < booleans < dates < timestamps < regexes), then by value. Numbers compare
// exactly across int, long, double and decimal; strings by their UTF-8 bytes (the simple
// collation) unless a collation's comparison is given.
import type { Binary, BSONRegExp, ObjectId, Timestamp } from 'bson';
import { compareAsDecimal } from './decimal.ts';
import { compareNumbers } from './numbers.ts';

type Doc = Record<string, unknown>;

/** Rank of a value's type in MongoDB's comparison order (missing sorts as null). */
export function typeRank(v: unknown): number {
  if (v === undefined || v === null) return 2;
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return 3;
    case 'string':
      return 4;
    case 'boolean':
      return 9;
    case 'object':
      break;
    default:
      return 14;
  }
  if (Array.isArray(v)) return 6;
  if (v instanceof Date) return 10;
  if (v instanceof RegExp) return 12;
  switch ((v as { _bsontype?: string })._bsontype) {
    case undefined:
      return 5;
    case 'MinKey':
      return 1;
    case 'MaxKey':
      return 13;
    case 'Long':
    case 'Int32':
    case 'Double':
    case 'Decimal128':
      return 3;
    case 'BSONSymbol':
      return 4;
    case 'Binary':
      return 7;
    case 'ObjectId':
      return 8;
    case 'Timestamp':
      return 11;
    case 'BSONRegExp':
      return 12;
    default:
      return 5;
  }
}

/** A UTF-16 code unit moved so that code-unit order becomes code-point (UTF-8 byte) order. */
export function codePointOrderUnit(c: number): number {
  return c >= 0xe000 ? c - 0x800 : c >= 0xd800 ? c + 0x2000 : c;
}

/** Strings in UTF-8 byte order, which is code-point order (not JavaScript's UTF-16 order). */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return x >= 0xd800 && y >= 0xd800 ? codePointOrderUnit(x) - codePointOrderUnit(y) : x - y;
  }
  return a.length - b.length;
}

function cmp<T extends string | number>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export type StringCompare = (a: string, b: string) => number;

/** Total order of BSON values as MongoDB defines it. */
export function compareValues(a: unknown, b: unknown, strCmp: StringCompare = compareUtf8): number {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a === b) return 0;
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
    if (Number.isNaN(b)) return 1;
    return a < b ? -1 : 1;
  }
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 3:
      return compareNumbers(a, b, compareAsDecimal);
    case 4:
      return strCmp(String(a), String(b));
    case 5:
      return compareDocuments(a as Doc, b as Doc, strCmp);
    case 6: {
      const xa = a as unknown[];
      const xb = b as unknown[];
      for (let i = 0; i < Math.min(xa.length, xb.length); i++) {
        const c = compareValues(xa[i], xb[i], strCmp);
        if (c) return c;
      }
      return xa.length - xb.length;
    }
    case 7: {
      const x = (a as Binary).buffer;
      const y = (b as Binary).buffer;
      if (x.length !== y.length) return x.length - y.length;
      const st = (a as Binary).sub_type - (b as Binary).sub_type;
      if (st) return st;
      return Buffer.compare(Buffer.from(x), Buffer.from(y));
    }
    case 8:
      return cmp((a as ObjectId).toHexString(), (b as ObjectId).toHexString());
    case 9:
      return Number(a) - Number(b);
    case 10:
      return cmp((a as Date).getTime(), (b as Date).getTime());
    case 11: {
      const x = a as Timestamp;
      const y = b as Timestamp;
      return cmp(x.high >>> 0, y.high >>> 0) || cmp(x.low >>> 0, y.low >>> 0);
    }
    case 12:
      return cmp(regexSource(a), regexSource(b)) || cmp(regexFlags(a), regexFlags(b));
    default:
      return 0;
  }
}

function compareDocuments(a: Doc, b: Doc, strCmp: StringCompare): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    const va = a[ka[i]!];
    const vb = b[kb[i]!];
    const byType = typeRank(va) - typeRank(vb);
    if (byType) return byType;
    const byName = compareUtf8(ka[i]!, kb[i]!);
    if (byName) return byName;
    const byValue = compareValues(va, vb, strCmp);
    if (byValue) return byValue;
  }
  return ka.length - kb.length;
}

export function regexSource(r: unknown): string {
  return r instanceof RegExp ? r.source : (r as BSONRegExp).pattern;
}

export function regexFlags(r: unknown): string {
  return r instanceof RegExp ? r.flags : (r as BSONRegExp).options;
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  return compareValues(a, b) === 0;
}
