// Query filters compiled into predicates, with MongoDB's matching rules: logical operators,
// field paths through arrays, negations over the whole path, `$elemMatch`, `$all` as a
// conjunction, `$expr`. A match can report the array element the positional `$` stands for
// (MongoDB's "elemMatchKey": set by conditions under `$and`, never by an `$or` of several).
import { badValue, ErrorCodes, MongoCommandError } from '../errors.ts';
import { type Doc, isPlainObject } from '../values.ts';
import { always, and, anyOf, never, noneOf } from './combine.ts';
import { type FieldOptions, fieldPredicate } from './field.ts';

import type { FilterOptions, Matcher } from './matcher-types.ts';
import { shapeMatcher, shapeOf } from './shape.ts';

export type { FilterOptions, MatchDetails, Matcher } from './matcher-types.ts';

/** Evaluates an aggregation expression against a document (set by the aggregation module). */
export type ExpressionEvaluator = (doc: Doc, expr: unknown, opts: FilterOptions) => unknown;

let evaluate: ExpressionEvaluator | null = null;

export function setExpressionEvaluator(fn: ExpressionEvaluator): void {
  evaluate = fn;
}

/** MongoDB's truthiness of an expression result. */
export function coerceToBool(v: unknown): boolean {
  if (v === undefined || v === null || v === false) return false;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (typeof v === 'bigint') return v !== 0n;
  const t = (v as { _bsontype?: string })._bsontype;
  if (t === 'Double' || t === 'Int32' || t === 'Decimal128') return Number(String(v)) !== 0;
  return true;
}

/** A compiled filter; throws MongoDB-shaped errors for malformed ones. */
export function compileFilter(filter: unknown, opts: FilterOptions = {}): Matcher {
  if (filter === undefined || filter === null) return always;
  if (!isPlainObject(filter)) throw badValue('filter must be an object');
  // A filter in the common subset is compiled once for its shape, its values bound as slots.
  const shape = opts.collation ? null : shapeOf(filter);
  if (shape) return shapeMatcher(filter, shape);
  return compileDocument(filter, opts, false);
}

/** An `$and`/`$or`/`$nor` operand: a non-empty array of filter documents. */
function clauses(op: string, v: unknown, opts: FilterOptions, inElemMatch: boolean): Matcher[] {
  if (!Array.isArray(v)) throw badValue(`${op} must be an array`);
  if (v.length === 0) throw badValue('$and/$or/$nor must be a nonempty array');
  return v.map((sub) => {
    if (!isPlainObject(sub)) throw badValue('$or/$and/$nor entries need to be full objects');
    return compileDocument(sub, opts, inElemMatch);
  });
}

const DBREF_FIELDS = new Set(['$ref', '$id', '$db']);

/** A filter document: the conjunction of its entries. */
export function compileDocument(filter: Doc, opts: FilterOptions, inElemMatch: boolean): Matcher {
  const parts: Matcher[] = [];
  let fieldOpts: FieldOptions | undefined;
  for (const key of Object.keys(filter)) {
    const value = filter[key];
    if (key.startsWith('$') && !(inElemMatch && DBREF_FIELDS.has(key))) {
      parts.push(topLevel(key, value, opts, inElemMatch));
      continue;
    }
    fieldOpts ??= { ...opts, compileDocument };
    parts.push(fieldPredicate(key, value, fieldOpts));
  }
  return and(parts);
}

function topLevel(op: string, value: unknown, opts: FilterOptions, inElemMatch: boolean): Matcher {
  switch (op) {
    case '$and':
      return and(clauses(op, value, opts, inElemMatch));
    case '$or':
      return anyOf(clauses(op, value, opts, inElemMatch));
    case '$nor':
      return noneOf(clauses(op, value, opts, inElemMatch));
    case '$expr': {
      const exprOpts = { ...opts };
      return (doc) => {
        if (!evaluate) throw new MongoCommandError(ErrorCodes.InternalError, '$expr evaluator missing');
        return coerceToBool(evaluate(doc, value, exprOpts));
      };
    }
    case '$comment':
      return always;
    case '$alwaysTrue':
      return always;
    case '$alwaysFalse':
      return never;
    case '$where':
      throw new MongoCommandError(ErrorCodes.BadValue, '$where is not supported by the embedded engine');
    case '$text':
      throw new MongoCommandError(ErrorCodes.IndexNotFound, 'text index required for $text query');
    case '$jsonSchema':
      throw new MongoCommandError(
        ErrorCodes.NotImplemented,
        '$jsonSchema is not supported by the embedded engine',
      );
    default:
      throw badValue(
        `unknown top level operator: ${op}. If you have a field name that starts with a '$' symbol, consider using $getField or $setField.`,
      );
  }
}
