// Documents as the engine holds them: path resolution, copy-on-write cloning, MongoDB's way of
// printing a value in messages, and how BSON arrives (numbers exactly, see numbers.ts). The value
// order and index keys live in order.ts and keys.ts; they are re-exported here.
import { ObjectId } from 'bson';

export { type CollationKey, encodeKey, typeEndKey, typeStartKey } from './keys.ts';
export { isNumeric, toNumber } from './numbers.ts';
export { compareValues, type StringCompare, typeRank, valuesEqual } from './order.ts';

export type Doc = Record<string, unknown>;

/**
 * How every BSON document entering the engine is read (from the wire and from the journal):
 * nothing promoted, so an int32, a double and an int64 stay distinguishable; `fromBson`
 * (numbers.ts) then turns them into the engine's exact representation.
 */
export const BSON_DESERIALIZE_OPTIONS = {
  promoteValues: false,
  promoteBuffers: false,
  bsonRegExp: true,
} as const;

/** Sets a field as an own property, `__proto__` included (plain assignment would set the prototype). */
export function setField(doc: Doc, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(doc, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    doc[key] = value;
  }
}

/** A field's value when the object has it as its own property (never an inherited one). */
export function own(node: unknown, key: string): unknown {
  return node !== null && typeof node === 'object' && Object.hasOwn(node, key)
    ? (node as Doc)[key]
    : undefined;
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
        if (el !== null && typeof el === 'object' && !Array.isArray(el)) walk(own(el, part), i + 1);
      }
      return;
    }
    walk(own(node, part), i + 1);
  };
  walk(doc, 0);
  if (out.length === 0) out.push(undefined);
  return { values: out, multikey };
}

/** The plain value at a dotted path (no array expansion except numeric positions). */
export function getPath(doc: unknown, path: string): unknown {
  let node: unknown = doc;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
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
  for (const k of Object.keys(v)) setField(out, k, cloneDoc((v as Doc)[k]));
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
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (v instanceof ObjectId) return `ObjectId('${v.toHexString()}')`;
  if (Array.isArray(v)) return `[ ${v.map(formatValue).join(', ')} ]`;
  if (isPlainObject(v)) {
    const parts = Object.entries(v).map(([k, x]) => `${k}: ${formatValue(x)}`);
    return parts.length ? `{ ${parts.join(', ')} }` : '{}';
  }
  return String(v);
}
