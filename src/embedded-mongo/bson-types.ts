// BSON type numbers and names of the engine's values, for `$type` in queries and aggregation.
import { badValue } from './errors.ts';
import { numberKind } from './numbers.ts';

export const BSON_TYPE_ALIASES: Record<string, number> = {
  double: 1,
  string: 2,
  object: 3,
  array: 4,
  binData: 5,
  undefined: 6,
  objectId: 7,
  bool: 8,
  date: 9,
  null: 10,
  regex: 11,
  dbPointer: 12,
  javascript: 13,
  symbol: 14,
  javascriptWithScope: 15,
  int: 16,
  timestamp: 17,
  long: 18,
  decimal: 19,
  minKey: -1,
  maxKey: 127,
};

const NAMES = Object.fromEntries(Object.entries(BSON_TYPE_ALIASES).map(([name, code]) => [code, name]));

const NUMBER_CODES = { int: 16, long: 18, double: 1, decimal: 19 } as const;

/** The BSON type number of a value as the engine holds it (see numbers.ts). */
export function bsonTypeOf(v: unknown): number {
  if (v === undefined) return 6;
  if (v === null) return 10;
  const kind = numberKind(v);
  if (kind) return NUMBER_CODES[kind];
  if (typeof v === 'string') return 2;
  if (typeof v === 'boolean') return 8;
  if (Array.isArray(v)) return 4;
  if (v instanceof Date) return 9;
  if (v instanceof RegExp) return 11;
  switch ((v as { _bsontype?: string })._bsontype) {
    case 'ObjectId':
      return 7;
    case 'Binary':
      return 5;
    case 'Timestamp':
      return 17;
    case 'BSONRegExp':
      return 11;
    case 'Code':
      return (v as { scope?: unknown }).scope ? 15 : 13;
    case 'BSONSymbol':
      return 14;
    case 'MinKey':
      return -1;
    case 'MaxKey':
      return 127;
    default:
      return 3;
  }
}

/** The name aggregation's `$type` answers ('missing' for a missing value). */
export function bsonTypeName(v: unknown): string {
  if (v === undefined) return 'missing';
  return NAMES[bsonTypeOf(v)] ?? 'object';
}

/** A `$type` operand as a test: a type number, an alias, or 'number'. */
export function typeTest(wanted: unknown): (v: unknown) => boolean {
  if (wanted === 'number') return (v) => numberKind(v) !== null;
  const code =
    typeof wanted === 'string' ? BSON_TYPE_ALIASES[wanted] : numberKind(wanted) ? Number(wanted) : undefined;
  if (code === undefined || (typeof wanted !== 'string' && NAMES[code] === undefined)) {
    throw badValue(`Unknown type name alias: ${String(wanted)}`);
  }
  return (v) => bsonTypeOf(v) === code;
}
