// BSON numbers kept exactly. In memory the engine holds an int32 as a JavaScript number, a
// double as a number too unless the serializer would write that number as an int32 (an
// integral double such as 42.0 stays a bson `Double`), an int64 as a bigint (written back as a
// Long), and a Decimal128 as itself. So every stored number goes back out with the type it
// came in with, and Longs stay exact above 2^53.
import { type DBRef, type Decimal128, Double, type Int32, type Long } from 'bson';

export type NumberKind = 'int' | 'long' | 'double' | 'decimal';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
export const LONG_MIN = -(2n ** 63n);
export const LONG_MAX = 2n ** 63n - 1n;

/** True for a number the BSON serializer writes as an int32. */
export function isInt32Number(n: number): boolean {
  return Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX && !Object.is(n, -0);
}

/** The BSON numeric type of a value, or null when it is not a number. */
export function numberKind(v: unknown): NumberKind | null {
  switch (typeof v) {
    case 'number':
      return isInt32Number(v) ? 'int' : 'double';
    case 'bigint':
      return 'long';
    case 'object': {
      switch ((v as { _bsontype?: string } | null)?._bsontype) {
        case 'Double':
          return 'double';
        case 'Int32':
          return 'int';
        case 'Long':
          return 'long';
        case 'Decimal128':
          return 'decimal';
        default:
          return null;
      }
    }
    default:
      return null;
  }
}

export function isNumeric(v: unknown): boolean {
  return numberKind(v) !== null;
}

/** A double as the engine holds it: a number, or a `Double` where a number would read as an int. */
export function makeDouble(n: number): number | Double {
  return isInt32Number(n) ? new Double(n) : n;
}

/** An int64 result: a bigint (serialized as a Long). */
export function makeLong(n: bigint): bigint {
  return n;
}

/** The closest JavaScript number (exact for int32 and double). */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const t = (v as { _bsontype?: string } | null)?._bsontype;
  if (t === 'Double' || t === 'Int32') return (v as Double | Int32).value;
  if (t === 'Long') return (v as Long).toNumber();
  if (t === 'Decimal128') return Number.parseFloat((v as Decimal128).toString());
  return Number.NaN;
}

/** An integral value as a bigint, or null when it is not a whole number in range. */
export function toBigInt(v: unknown): bigint | null {
  if (typeof v === 'bigint') return v;
  const t = (v as { _bsontype?: string } | null)?._bsontype;
  if (t === 'Long') return (v as Long).toBigInt();
  const n = toNumber(v);
  return Number.isInteger(n) ? BigInt(n) : null;
}

/** Orders an exact integer against a double (neither NaN). */
function compareBigIntToDouble(a: bigint, d: number): number {
  if (d === Number.POSITIVE_INFINITY) return -1;
  if (d === Number.NEGATIVE_INFINITY) return 1;
  const floor = Math.floor(d);
  const f = BigInt(floor);
  if (a < f) return -1;
  if (a > f) return 1;
  return floor === d ? 0 : -1;
}

/** Compares two numeric values exactly, whatever their BSON types; NaN sorts first. */
export function compareNumbers(
  a: unknown,
  b: unknown,
  compareDecimal: (x: unknown, y: unknown) => number,
): number {
  const ka = numberKind(a);
  const kb = numberKind(b);
  if (ka === 'decimal' || kb === 'decimal') return compareDecimal(a, b);
  if (ka === 'long' || kb === 'long') {
    const x = ka === 'long' ? toBigInt(a)! : null;
    const y = kb === 'long' ? toBigInt(b)! : null;
    if (x !== null && y !== null) return x < y ? -1 : x > y ? 1 : 0;
    const d = toNumber(x === null ? a : b);
    if (Number.isNaN(d)) return x === null ? -1 : 1;
    return x !== null ? compareBigIntToDouble(x, d) : -compareBigIntToDouble(y!, d);
  }
  const x = toNumber(a);
  const y = toNumber(b);
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1;
  if (Number.isNaN(y)) return 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Normalizes a deserialized value in place into the engine's representation (see the top). */
export function fromBson<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = fromBson(v[i]);
    return v;
  }
  const t = (v as { _bsontype?: string })._bsontype;
  if (t !== undefined) return normalizeBsonValue(v) as T;
  if (v instanceof Date || v instanceof RegExp) return v;
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    const x = o[k];
    if (x !== null && typeof x === 'object') {
      const y = fromBson(x);
      if (y === x) continue;
      if (k === '__proto__')
        Object.defineProperty(o, k, { value: y, writable: true, enumerable: true, configurable: true });
      else o[k] = y;
    }
  }
  return v;
}

function normalizeBsonValue(v: unknown): unknown {
  const t = (v as { _bsontype: string })._bsontype;
  if (t === 'Int32') return (v as Int32).value;
  if (t === 'Double') return makeDouble((v as Double).value);
  if (t === 'Long') return (v as Long).toBigInt();
  if (t === 'DBRef') {
    // Held as the document it is on the wire, so paths like `ref.$id` reach into it.
    const ref = v as DBRef;
    const doc: Record<string, unknown> = { $ref: ref.collection, $id: fromBson(ref.oid) };
    if (ref.db) doc.$db = ref.db;
    return Object.assign(doc, fromBson({ ...ref.fields }));
  }
  return v;
}
