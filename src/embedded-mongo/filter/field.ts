// A condition on one field path: equality, a regular expression, or operators. Positive tests
// match when any value the path reaches passes; negations ($ne, $nin, $not, $exists: false)
// hold when none does, as in MongoDB.
import { typeTest } from '../bson-types.ts';
import type { Collation } from '../collation.ts';
import { badValue } from '../errors.ts';
import { toNumber } from '../numbers.ts';
import { type Doc, isPlainObject, own } from '../values.ts';
import { not } from './combine.ts';
import {
  type BitsOp,
  bitsTest,
  compareTo,
  equalTo,
  inTest,
  isRegex,
  modTest,
  notImplemented,
  type RangeOp,
  regexTest,
  type Test,
} from './leaf.ts';
import type { FilterOptions, MatchDetails, Matcher } from './matcher-types.ts';
import { pathValues } from './path.ts';

export interface FieldOptions extends FilterOptions {
  compileDocument: (filter: Doc, opts: FilterOptions, inElemMatch: boolean) => Matcher;
}

/** Matches when a value the path reaches passes `test` (arrays at the end: whole and elements). */
export function anyValue(path: string, test: Test, expandLeaf = true): Matcher {
  const parts = path.split('.');
  if (parts.length === 1) {
    const field = parts[0]!;
    return (doc, details, slots) => {
      const v = own(doc, field);
      if (!Array.isArray(v)) return test(v, slots);
      if (test(v, slots)) return true;
      if (!expandLeaf) return false;
      for (let i = 0; i < v.length; i++) {
        if (test(v[i], slots)) {
          if (details) details.pos = i;
          return true;
        }
      }
      return false;
    };
  }
  return (doc, details, slots) => {
    for (const c of pathValues(doc, parts, expandLeaf)) {
      if (test(c.value, slots)) {
        if (details && c.pos !== undefined) details.pos = c.pos;
        return true;
      }
    }
    return false;
  };
}

/** True when `v` is an operator document (`{ $gt: 1 }`) rather than a value to compare with. */
export function isOperatorDocument(v: unknown): v is Doc {
  if (!isPlainObject(v)) return false;
  const keys = Object.keys(v);
  if (keys.length === 0 || !keys[0]!.startsWith('$')) return false;
  // A complete DBRef ({ $ref, $id }) is a value.
  return !(Object.hasOwn(v, '$ref') && Object.hasOwn(v, '$id'));
}

export function fieldPredicate(path: string, cond: unknown, opts: FieldOptions): Matcher {
  if (path === '') throw badValue('an empty field name is not allowed in a query');
  if (isRegex(cond)) return anyValue(path, regexTest(cond));
  if (!isOperatorDocument(cond)) return anyValue(path, equalTo(cond, opts.collation));
  const parts: Matcher[] = [];
  const ops = cond;
  for (const op of Object.keys(ops)) {
    if (op === '$options') {
      if (!Object.hasOwn(ops, '$regex')) throw badValue('$options needs a $regex');
      continue;
    }
    parts.push(operatorPredicate(path, op, ops[op], ops, opts));
  }
  return allOf(parts);
}

/** Every condition on one field holds (a field's operators, `$all`'s values). */
export function allOf(parts: Matcher[]): Matcher {
  if (parts.length === 1) return parts[0]!;
  return (doc, details, slots) => parts.every((p) => p(doc, details, slots));
}

function operatorPredicate(path: string, op: string, v: unknown, ops: Doc, opts: FieldOptions): Matcher {
  const c: Collation | undefined = opts.collation;
  switch (op) {
    case '$eq':
      return anyValue(path, equalTo(v, c));
    case '$ne':
      return not(anyValue(path, equalTo(v, c)));
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return anyValue(path, compareTo(op as RangeOp, v, c));
    case '$in':
      return anyValue(path, inTest(v, c));
    case '$nin':
      return not(anyValue(path, inTest(v, c)));
    case '$exists':
      return existsPredicate(path, v);
    case '$type': {
      const tests = (Array.isArray(v) ? v : [v]).map(typeTest);
      return anyValue(path, (x) => x !== undefined && tests.some((t) => t(x)));
    }
    case '$size': {
      const n = toNumber(v);
      if (!Number.isInteger(n)) throw badValue('$size must be a whole number');
      return anyValue(path, (x) => Array.isArray(x) && x.length === n, false);
    }
    case '$all':
      return allPredicate(path, v, opts);
    case '$elemMatch':
      return elemMatch(path, v, opts);
    case '$regex':
      if (typeof v !== 'string' && !isRegex(v)) throw badValue('$regex has to be a string');
      return anyValue(path, regexTest(v, ops.$options));
    case '$not':
      return not(notOperand(path, v, opts));
    case '$mod':
      return anyValue(path, modTest(v));
    case '$bitsAllSet':
    case '$bitsAnySet':
    case '$bitsAllClear':
    case '$bitsAnyClear':
      return anyValue(path, bitsTest(op as BitsOp, v), false);
    case '$comment':
      return () => true;
    case '$geoWithin':
    case '$geoIntersects':
    case '$near':
    case '$nearSphere':
    case '$within':
      return notImplemented(op);
    default:
      throw badValue(`unknown operator: ${op}`);
  }
}

/** `{ path: { $exists: v } }`: the path reaches a value (an array counts whole), or, for a falsy `v`, none. */
export function existsPredicate(path: string, v: unknown): Matcher {
  const exists = anyValue(path, (x) => x !== undefined, false);
  return truthy(v) ? exists : not(exists);
}

export function truthy(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (v === null || v === undefined) return false;
  return toNumber(v) !== 0 || typeof v === 'string' || typeof v === 'object';
}

function notOperand(path: string, v: unknown, opts: FieldOptions): Matcher {
  if (isRegex(v)) return anyValue(path, regexTest(v));
  if (!isPlainObject(v)) throw badValue('$not needs a regex or a document');
  if (Object.keys(v).length === 0) throw badValue('$not cannot be empty');
  if (!isOperatorDocument(v)) throw badValue(`unknown operator: ${Object.keys(v)[0]}`);
  return fieldPredicate(path, v, opts);
}

function allPredicate(path: string, v: unknown, opts: FieldOptions): Matcher {
  if (!Array.isArray(v)) throw badValue('$all needs an array');
  if (v.length === 0) return () => false;
  const parts = v.map((x) => {
    if (isPlainObject(x) && Object.keys(x)[0] === '$elemMatch') return elemMatch(path, x.$elemMatch, opts);
    if (isOperatorDocument(x)) throw badValue('no $ expressions in $all');
    return anyValue(path, isRegex(x) ? regexTest(x) : equalTo(x, opts.collation));
  });
  return (doc, details) => parts.every((p) => p(doc, details));
}

/** `{ $elemMatch: spec }`: some element of the array at the path satisfies spec. */
function elemMatch(path: string, spec: unknown, opts: FieldOptions): Matcher {
  if (!isPlainObject(spec)) throw badValue('$elemMatch needs an Object');
  const first = Object.keys(spec)[0];
  const valueForm = first?.startsWith('$') === true && !LOGICAL.has(first!) && !DBREF.has(first!);
  let test: Test;
  if (valueForm) {
    const inner = fieldPredicate('x', spec, opts);
    test = (el) => inner({ x: el });
  } else {
    const inner = opts.compileDocument(spec, opts, true);
    test = (el) => el !== null && typeof el === 'object' && isDocOrArray(el) && inner(el as Doc);
  }
  const parts = path.split('.');
  return (doc, details) => {
    for (const c of pathValues(doc, parts, false)) {
      const arr = c.value;
      if (!Array.isArray(arr)) continue;
      for (let i = 0; i < arr.length; i++) {
        if (test(arr[i])) {
          if (details) (details as MatchDetails).pos = c.pos ?? i;
          return true;
        }
      }
    }
    return false;
  };
}

const LOGICAL = new Set(['$and', '$or', '$nor', '$expr', '$where', '$text', '$comment']);
const DBREF = new Set(['$ref', '$id', '$db']);

function isDocOrArray(v: object): boolean {
  return Array.isArray(v) || isPlainObject(v);
}
