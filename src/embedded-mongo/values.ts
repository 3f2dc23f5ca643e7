// BSON value semantics the engine needs beyond mingo: MongoDB's cross-type sort order,
// order-preserving index keys, path resolution for index keys, copy-on-write cloning.
import { type Binary, BSONRegExp, Decimal128, Double, Int32, Long, ObjectId, type Timestamp } from 'bson';

export type Doc = Record<string, unknown>;

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
  if (v instanceof RegExp || v instanceof BSONRegExp) return 12;
  const bsontype = (v as { _bsontype?: string })._bsontype;
  switch (bsontype) {
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
    default:
      return 5;
  }
}

export function isNumeric(v: unknown): boolean {
  return typeRank(v) === 3;
}

export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Long) return v.toNumber();
  if (v instanceof Int32 || v instanceof Double) return v.valueOf();
  if (v instanceof Decimal128) return Number.parseFloat(v.toString());
  return Number.NaN;
}

function cmpPrimitive<T extends string | number>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export type StringCompare = (a: string, b: string) => number;

/** Total order of BSON values as MongoDB defines it; strings by code unit or by a collator. */
export function compareValues(a: unknown, b: unknown, strCmp?: StringCompare): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 1:
    case 2:
    case 13:
      return 0;
    case 3: {
      const x = toNumber(a);
      const y = toNumber(b);
      if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1;
      if (Number.isNaN(y)) return 1;
      return cmpPrimitive(x, y);
    }
    case 4: {
      const x = String(a);
      const y = String(b);
      return strCmp ? strCmp(x, y) : cmpPrimitive(x, y);
    }
    case 5: {
      const ka = Object.keys(a as Doc);
      const kb = Object.keys(b as Doc);
      for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
        const va = (a as Doc)[ka[i]!];
        const vb = (b as Doc)[kb[i]!];
        const byType = typeRank(va) - typeRank(vb);
        if (byType) return byType;
        const byName = cmpPrimitive(ka[i]!, kb[i]!);
        if (byName) return byName;
        const byValue = compareValues(va, vb, strCmp);
        if (byValue) return byValue;
      }
      return ka.length - kb.length;
    }
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
      return cmpPrimitive((a as ObjectId).toHexString(), (b as ObjectId).toHexString());
    case 9:
      return Number(a) - Number(b);
    case 10:
      return cmpPrimitive((a as Date).getTime(), (b as Date).getTime());
    case 11: {
      const x = a as Timestamp;
      const y = b as Timestamp;
      return cmpPrimitive(x.high >>> 0, y.high >>> 0) || cmpPrimitive(x.low >>> 0, y.low >>> 0);
    }
    case 12: {
      const x = a as RegExp | BSONRegExp;
      const y = b as RegExp | BSONRegExp;
      const sx = x instanceof RegExp ? x.source : x.pattern;
      const sy = y instanceof RegExp ? y.source : y.pattern;
      const fx = x instanceof RegExp ? x.flags : x.options;
      const fy = y instanceof RegExp ? y.flags : y.options;
      return cmpPrimitive(sx, sy) || cmpPrimitive(fx, fy);
    }
    default:
      return 0;
  }
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  return compareValues(a, b) === 0;
}

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

/** Turns a string into the key a collation compares by (strength 1: base letters, 2: + accents). */
export type CollationKey = (s: string) => string;

/**
 * An order-preserving string key for a BSON value: for two values of the same type family,
 * key order is value order, and equal keys mean equal values. Used by indexes.
 */
export function encodeKey(v: unknown, collationKey?: CollationKey): string {
  const rank = typeRank(v);
  const tag = String.fromCharCode(0x40 + rank);
  switch (rank) {
    case 1:
    case 2:
    case 13:
      return tag;
    case 3: {
      const n = toNumber(v);
      return Number.isNaN(n) ? tag + '0' : tag + '1' + sortableDouble(n);
    }
    case 4:
      return tag + (collationKey ? collationKey(String(v)) : String(v));
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
      let out = tag + '{';
      for (const [k, x] of Object.entries(v as Doc)) {
        if (x === undefined) continue;
        out += JSON.stringify(k) + ':' + JSON.stringify(encodeKey(x, collationKey)) + ',';
      }
      return out + '}';
    }
    case 6:
      return (
        tag + '[' + (v as unknown[]).map((x) => JSON.stringify(encodeKey(x, collationKey))).join(',') + ']'
      );
    default:
      return tag + String(v);
  }
}

/** The last key of a type family: every key of that family sorts before it. */
export function typeEndKey(v: unknown): string {
  return String.fromCharCode(0x40 + typeRank(v) + 1);
}
export function typeStartKey(v: unknown): string {
  return String.fromCharCode(0x40 + typeRank(v));
}

/**
 * Values at a dotted path as an index sees them: arrays along the way and at the end are
 * expanded (multikey); a missing field yields `undefined`.
 */
export function pathValues(doc: unknown, path: string): { values: unknown[]; multikey: boolean } {
  const parts = path.split('.');
  const out: unknown[] = [];
  let multikey = false;
  const walk = (node: unknown, i: number): void => {
    if (i === parts.length) {
      if (Array.isArray(node)) {
        multikey = true;
        if (node.length === 0) out.push(undefined);
        else for (const x of node) out.push(x);
      } else {
        out.push(node);
      }
      return;
    }
    if (node === null || typeof node !== 'object' || node instanceof Date) {
      out.push(undefined);
      return;
    }
    const part = parts[i]!;
    if (Array.isArray(node)) {
      if (/^\d+$/.test(part)) {
        walk(node[Number(part)], i + 1);
        return;
      }
      multikey = true;
      if (node.length === 0) out.push(undefined);
      for (const el of node) {
        if (el !== null && typeof el === 'object' && !Array.isArray(el)) walk((el as Doc)[part], i + 1);
      }
      return;
    }
    walk((node as Doc)[part], i + 1);
  };
  walk(doc, 0);
  if (out.length === 0) out.push(undefined);
  return { values: out, multikey };
}

/** The plain value at a dotted path (no array expansion except numeric positions). */
export function getPath(doc: unknown, path: string): unknown {
  let node: unknown = doc;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Doc)[part];
  }
  return node;
}

/**
 * Deep copy of the mutable parts of a document (plain objects, arrays, dates). BSON value
 * classes are immutable and shared. Stored documents are never mutated: writes copy first.
 */
export function cloneDoc<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(cloneDoc) as T;
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if ((v as { _bsontype?: string })._bsontype !== undefined) return v;
  if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return v;
  const out: Doc = {};
  for (const k of Object.keys(v)) out[k] = cloneDoc((v as Doc)[k]);
  return out as T;
}

export function isPlainObject(v: unknown): v is Doc {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** `{ $gt: 1 }` style operator objects, as opposed to literal embedded documents. */
export function isOperatorObject(v: unknown): v is Doc {
  if (!isPlainObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys[0]!.startsWith('$');
}

/** How MongoDB prints a value inside `dup key: { ... }`. */
export function formatValue(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (v instanceof ObjectId) return `ObjectId('${v.toHexString()}')`;
  if (Array.isArray(v)) return `[ ${v.map(formatValue).join(', ')} ]`;
  if (isPlainObject(v)) {
    const parts = Object.entries(v).map(([k, x]) => `${k}: ${formatValue(x)}`);
    return parts.length ? `{ ${parts.join(', ')} }` : '{}';
  }
  return String(v);
}
