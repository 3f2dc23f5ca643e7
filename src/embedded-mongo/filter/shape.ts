// Filters compiled once per shape. The app sends the same filters thousands of times with other
// values (an `_id`, a time): the shape is the filter with each operand replaced by its class
// (operandClass: the class decides which test compares with it), and the operands, in the order
// the shape lists them, are bound to the shape's matcher as its slots. Only the common subset
// has a shape: `$and`/`$or`/`$nor` of field conditions that are an equality with, or `$eq`,
// `$ne`, `$gt`, `$gte`, `$lt`, `$lte` of, a null, string, number, boolean, date or ObjectId,
// `$exists` with a boolean or a number, and `$not` of a document of these operators (an
// allowance's bound: `{ 'sent.4': { $not: { $gt: t } } }`). Everything else (collations, regular expressions,
// arrays, embedded documents, `$in`, `$expr`...), and every malformed filter, is compiled for
// its own values by compile.ts, which also gives the errors.
import { type Doc, isPlainObject } from '../values.ts';
import { and, anyOf, noneOf, not } from './combine.ts';
import { allOf, anyValue, existsPredicate, truthy } from './field.ts';
import { compareToSlot, equalToSlot, type OperandClass, operandClass, type RangeOp } from './leaf.ts';
import type { Matcher } from './matcher-types.ts';

/** A filter's shape: its key, and its operands in the order the key lists them. */
export interface Shape {
  key: string;
  slots: unknown[];
}

const RANGE = new Set(['$gt', '$gte', '$lt', '$lte']);
const LOGICAL = new Set(['$and', '$or', '$nor']);
/** At most this many shapes are kept (an application has a few dozen). */
const MAX_SHAPES = 2000;
const templates = new Map<string, Matcher>();

/** The shape of a filter document, or null when it is outside the subset shapes cover. */
export function shapeOf(filter: Doc): Shape | null {
  const slots: unknown[] = [];
  const key = docKey(filter, slots);
  return key === null ? null : { key, slots };
}

function docKey(filter: Doc, slots: unknown[]): string | null {
  let key = '{';
  for (const name of Object.keys(filter)) {
    const value = filter[name];
    let part: string | null;
    if (LOGICAL.has(name)) part = clausesKey(value, slots);
    else if (name === '' || name.startsWith('$')) return null;
    else part = conditionKey(value, slots);
    if (part === null) return null;
    // The name's length first: no name can run into what follows it.
    key += `${name.length}:${name}${part},`;
  }
  return `${key}}`;
}

function clausesKey(value: unknown, slots: unknown[]): string | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  let key = '[';
  for (const clause of value) {
    if (!isPlainObject(clause)) return null;
    const part = docKey(clause, slots);
    if (part === null) return null;
    key += `${part},`;
  }
  return `${key}]`;
}

/** A field's condition: an operand (equality) or a document of operators. */
function conditionKey(cond: unknown, slots: unknown[]): string | null {
  if (!isPlainObject(cond)) return operandKey(cond, slots);
  const ops = Object.keys(cond);
  if (ops.length === 0 || !ops[0]!.startsWith('$')) return null;
  let key = '{';
  for (const op of ops) {
    const v = cond[op];
    let part: string | null;
    if (op === '$exists')
      part = typeof v === 'boolean' || typeof v === 'number' ? (truthy(v) ? '1' : '0') : null;
    else if (op === '$not') part = isPlainObject(v) ? conditionKey(v, slots) : null;
    else if (op === '$eq' || op === '$ne' || RANGE.has(op)) part = operandKey(v, slots);
    else return null;
    if (part === null) return null;
    key += `${op}:${part},`;
  }
  return `${key}}`;
}

function operandKey(v: unknown, slots: unknown[]): string | null {
  const cls = operandClass(v);
  if (cls === null) return null;
  slots.push(v);
  return cls;
}

/** The matcher of a filter's shape, reading its operands from the slots (compiled once per shape). */
export function shapeMatcher(filter: Doc, shape: Shape): Matcher {
  let template = templates.get(shape.key);
  if (!template) {
    if (templates.size >= MAX_SHAPES) templates.clear();
    template = buildDoc(filter, { next: 0 });
    templates.set(shape.key, template);
  }
  const slots = shape.slots;
  const t = template;
  return (doc, details) => t(doc, details, slots);
}

interface Cursor {
  /** The slot the next operand fills, in the order shapeOf lists them. */
  next: number;
}

function buildDoc(filter: Doc, at: Cursor): Matcher {
  const parts: Matcher[] = [];
  for (const name of Object.keys(filter)) {
    const value = filter[name];
    if (LOGICAL.has(name)) {
      const list = (value as Doc[]).map((clause) => buildDoc(clause, at));
      parts.push(name === '$and' ? and(list) : name === '$or' ? anyOf(list) : noneOf(list));
    } else {
      parts.push(buildCondition(name, value, at));
    }
  }
  return and(parts);
}

function buildCondition(path: string, cond: unknown, at: Cursor): Matcher {
  if (!isPlainObject(cond)) return anyValue(path, equalToSlot(classOf(cond), at.next++));
  const parts: Matcher[] = [];
  for (const op of Object.keys(cond)) {
    const v = cond[op];
    if (op === '$not') {
      // As compile.ts: the operators under $not hold together, and the field passes when they do not.
      parts.push(not(buildCondition(path, v, at)));
    } else if (op === '$exists') {
      parts.push(existsPredicate(path, v));
    } else if (op === '$eq' || op === '$ne') {
      const equal = anyValue(path, equalToSlot(classOf(v), at.next++));
      parts.push(op === '$eq' ? equal : not(equal));
    } else {
      parts.push(anyValue(path, compareToSlot(op as RangeOp, classOf(v), at.next++)));
    }
  }
  return allOf(parts);
}

function classOf(v: unknown): OperandClass {
  return operandClass(v)!;
}
