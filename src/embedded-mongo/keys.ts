// Order-preserving index keys: a string per BSON value such that, for two values of one type
// family, key order is value order and equal keys mean equal values. Numbers are keyed by their
// nearest double, with the exact value appended when the double is not exact (a Long above 2^53,
// most decimals), so equal values share a key; a range over numbers therefore scans the whole
// run of keys that share the bound's nearest double and lets the filter decide.
import type { Binary, BSONRegExp, Decimal128, ObjectId, Timestamp } from 'bson';
import { Decimal as DecimalJs } from 'decimal.js';
import { compareAsDecimal } from './decimal.ts';
import { numberKind, toBigInt, toNumber } from './numbers.ts';
import { codePointOrderUnit, typeRank } from './order.ts';

type Doc = Record<string, unknown>;

/** Turns a string into the key a collation compares by (strength 1: base letters, 2: + accents). */
export type CollationKey = (s: string) => string;

const f64 = new DataView(new ArrayBuffer(8));

function sortableDouble(n: number): string {
  f64.setFloat64(0, n === 0 ? 0 : n);
  let hi = f64.getUint32(0);
  let lo = f64.getUint32(4);
  if (hi & 0x80000000) {
    hi = ~hi >>> 0;
    lo = ~lo >>> 0;
  } else {
    hi = (hi | 0x80000000) >>> 0;
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

const ASTRAL_OR_HIGH = /[\uD800-\uFFFF]/;

/** A string whose UTF-16 order is the original's code-point (UTF-8 byte) order. */
function codePointOrdered(s: string): string {
  if (!ASTRAL_OR_HIGH.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) out += String.fromCharCode(codePointOrderUnit(s.charCodeAt(i)));
  return out;
}

/** The exact value of a number when its nearest double is not exact, else ''. */
function exactSuffix(v: unknown, approx: number): string {
  const kind = numberKind(v);
  if (kind === 'long') {
    const b = toBigInt(v)!;
    return BigInt(approx) === b ? '' : `~${b}`;
  }
  if (kind === 'decimal') {
    if (!Number.isFinite(approx) || compareAsDecimal(v, approx) === 0) return '';
    return `~${new DecimalJs((v as Decimal128).toString()).toString()}`;
  }
  return '';
}

function numberKey(tag: string, v: unknown): string {
  const n = toNumber(v);
  if (Number.isNaN(n)) return `${tag}0`;
  return `${tag}1${sortableDouble(n)}${exactSuffix(v, n)}`;
}

export function encodeKey(v: unknown, collationKey?: CollationKey): string {
  const rank = typeRank(v);
  const tag = String.fromCharCode(0x40 + rank);
  switch (rank) {
    case 1:
    case 2:
    case 13:
      return tag;
    case 3:
      return numberKey(tag, v);
    case 4:
      return tag + (collationKey ? collationKey(String(v)) : codePointOrdered(String(v)));
    case 7: {
      const bin = v as Binary;
      return (
        tag +
        bin.buffer.length.toString(16).padStart(8, '0') +
        bin.sub_type.toString(16).padStart(2, '0') +
        Buffer.from(bin.buffer).toString('hex')
      );
    }
    case 8:
      return tag + (v as ObjectId).toHexString();
    case 9:
      return tag + (v ? '1' : '0');
    case 10:
      return tag + sortableDouble((v as Date).getTime());
    case 11: {
      const t = v as Timestamp;
      return tag + (t.high >>> 0).toString(16).padStart(8, '0') + (t.low >>> 0).toString(16).padStart(8, '0');
    }
    case 12: {
      const r = v as RegExp | BSONRegExp;
      return r instanceof RegExp ? `${tag}${r.source}/${r.flags}` : `${tag}${r.pattern}/${r.options}`;
    }
    case 5: {
      let out = `${tag}{`;
      for (const [k, x] of Object.entries(v as Doc)) {
        if (x === undefined) continue;
        out += `${JSON.stringify(k)}:${JSON.stringify(encodeKey(x, collationKey))},`;
      }
      return `${out}}`;
    }
    case 6:
      return `${tag}[${(v as unknown[]).map((x) => JSON.stringify(encodeKey(x, collationKey))).join(',')}]`;
    default:
      return tag + String(v);
  }
}

/** The lowest key a range bound at `v` must start from (inclusive). */
export function rangeStartKey(v: unknown, inclusive: boolean): { key: string; inclusive: boolean } {
  if (typeRank(v) !== 3) return { key: encodeKey(v), inclusive };
  const n = toNumber(v);
  const tag = String.fromCharCode(0x43);
  return { key: Number.isNaN(n) ? `${tag}0` : `${tag}1${sortableDouble(n)}`, inclusive: true };
}

/** The highest key a range bound at `v` must reach (inclusive). */
export function rangeEndKey(v: unknown, inclusive: boolean): { key: string; inclusive: boolean } {
  if (typeRank(v) !== 3) return { key: encodeKey(v), inclusive };
  const n = toNumber(v);
  const tag = String.fromCharCode(0x43);
  return { key: Number.isNaN(n) ? `${tag}0` : `${tag}1${sortableDouble(n)}\uffff`, inclusive: true };
}

/** The last key of a type family: every key of that family sorts before it. */
export function typeEndKey(v: unknown): string {
  return String.fromCharCode(0x40 + typeRank(v) + 1);
}

export function typeStartKey(v: unknown): string {
  return String.fromCharCode(0x40 + typeRank(v));
}
