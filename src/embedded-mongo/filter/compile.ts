// Query filters compiled into predicates, with MongoDB's matching rules: logical operators,
// field paths through arrays, negations over the whole path, `$elemMatch`, `$all` as a
// conjunction, `$expr`. A match can report the array element the positional `$` stands for
// (MongoDB's "elemMatchKey": set by conditions under `$and`, never by an `$or` of several).
import { badValue, ErrorCodes, MongoCommandError } from '../errors.ts';
import { type Doc, isPlainObject } from '../values.ts';
import { type FieldOptions, fieldPredicate } from './field.ts';

import type { FilterOptions, Matcher } from './matcher-types.ts';

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

const always: Matcher = () => true;
const never: Matcher = () => false;

/** A compiled filter; throws MongoDB-shaped errors for malformed ones. */
export function compileFilter(filter: unknown, opts: FilterOptions = {}): Matcher {
  if (filter === undefined || filter === null) return always;
  if (!isPlainObject(filter)) throw badValue('filter must be an object');
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

function and(parts: Matcher[]): Matcher {
  if (parts.length === 0) return always;
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 2) {
    const [a, b] = parts as [Matcher, Matcher];
    return (doc, details) => a(doc, details) && b(doc, details);
  }
  return (doc, details) => {
    for (const p of parts) if (!p(doc, details)) return false;
    return true;
  };
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
    case '$or': {
      const list = clauses(op, value, opts, inElemMatch);
      // A one-branch $or is that branch (MongoDB simplifies it, positional `$` included).
      if (list.length === 1) return list[0]!;
      return (doc) => list.some((m) => m(doc));
    }
    case '$nor': {
      const list = clauses(op, value, opts, inElemMatch);
      return (doc) => !list.some((m) => m(doc));
    }
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
