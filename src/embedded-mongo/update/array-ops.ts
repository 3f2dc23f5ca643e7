// Array update operators: $push (with $each, $position, $sort, $slice), $addToSet (each distinct
// value once, `$each` included), $pull (a value, an operator condition, or a query on element
// documents, logical operators included), $pullAll and $pop.
import { bsonTypeOf } from '../bson-types.ts';
import { badValue, ErrorCodes, MongoCommandError } from '../errors.ts';
import { compileDocument } from '../filter/compile.ts';
import { fieldPredicate } from '../filter/field.ts';
import { isRegex } from '../filter/leaf.ts';
import { toNumber } from '../numbers.ts';
import { compareValues } from '../order.ts';
import { parseSort, sortDocs } from '../sort.ts';
import { cloneDoc, type Doc, formatValue, isPlainObject } from '../values.ts';
import type { OpContext } from './field-ops.ts';
import { has, locate, read, write } from './targets.ts';

function notAnArray(ctx: OpContext, cur: unknown): MongoCommandError {
  return badValue(
    `The field '${ctx.path}' must be an array but is of type ${typeName(cur)} in document {_id: ${formatValue(ctx.doc._id)}}`,
  );
}

function typeName(v: unknown): string {
  return (
    (
      {
        1: 'double',
        2: 'string',
        3: 'object',
        8: 'bool',
        9: 'date',
        10: 'null',
        16: 'int',
        18: 'long',
        19: 'decimal',
      } as Record<number, string>
    )[bsonTypeOf(v)] ?? 'object'
  );
}

/** The array at a path, created empty when missing (for adding); errors for a non-array. */
function arrayFor(ctx: OpContext, parts: string[]): unknown[] {
  const at = locate(ctx.doc, parts, true)!;
  if (!has(at.parent, at.key)) {
    const created: unknown[] = [];
    write(at.parent, at.key, created);
    return created;
  }
  const cur = read(at.parent, at.key);
  if (!Array.isArray(cur)) throw notAnArray(ctx, cur);
  return cur;
}

function isModifierDoc(v: unknown): v is Doc {
  return isPlainObject(v) && Object.hasOwn(v, '$each');
}

export function $push(ctx: OpContext, parts: string[], spec: unknown): boolean {
  const mods = isModifierDoc(spec) ? spec : { $each: [spec] };
  for (const k of Object.keys(mods)) {
    if (!['$each', '$slice', '$sort', '$position'].includes(k)) {
      throw badValue(`Unrecognized clause in $push: ${k}`);
    }
  }
  if (!Array.isArray(mods.$each))
    throw badValue(
      `The argument to $each in $push must be an array but it was of type: ${typeName(mods.$each)}`,
    );
  const arr = arrayFor(ctx, parts);
  const before = cloneDoc(arr);
  const items = (mods.$each as unknown[]).map(cloneDoc);
  let at = arr.length;
  if (mods.$position !== undefined) {
    const p = toNumber(mods.$position);
    if (!Number.isInteger(p)) throw badValue('The value for $position must be an integer value');
    at = p < 0 ? Math.max(0, arr.length + p) : Math.min(p, arr.length);
  }
  arr.splice(at, 0, ...items);
  if (mods.$sort !== undefined) sortArray(arr, mods.$sort);
  if (mods.$slice !== undefined) {
    const n = toNumber(mods.$slice);
    if (!Number.isInteger(n))
      throw badValue('The value for $slice must be an integer value but was given type: double');
    const kept = n < 0 ? arr.slice(Math.max(0, arr.length + n)) : arr.slice(0, n);
    arr.length = 0;
    arr.push(...kept);
  }
  return arr.length !== before.length || arr.some((x, i) => compareValues(x, before[i]) !== 0);
}

function sortArray(arr: unknown[], spec: unknown): void {
  if (isPlainObject(spec)) {
    const sort = parseSort(spec);
    if (!sort) throw badValue('The $sort pattern is empty when it should be a set of fields.');
    const docs = arr.map((x) => (isPlainObject(x) ? x : { __value: x }));
    const sorted = sortDocs(docs as Doc[], sort);
    arr.splice(0, arr.length, ...sorted.map((d) => (Object.hasOwn(d, '__value') ? d.__value : d)));
    return;
  }
  const dir = toNumber(spec);
  if (dir !== 1 && dir !== -1)
    throw badValue(
      'The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields',
    );
  arr.sort((a, b) => compareValues(a, b) * dir);
}

export function $addToSet(ctx: OpContext, parts: string[], spec: unknown): boolean {
  const items = isModifierDoc(spec) ? spec.$each : [spec];
  if (isModifierDoc(spec) && Object.keys(spec).length > 1)
    throw badValue('Found unexpected fields after $each in $addToSet');
  if (!Array.isArray(items))
    throw badValue(
      `The argument to $each in $addToSet must be an array but it was of type ${typeName(items)}`,
    );
  const arr = arrayFor(ctx, parts);
  const equal = (a: unknown, b: unknown) => compareValues(a, b, ctx.collation?.compare) === 0;
  let changed = false;
  for (const item of items) {
    if (arr.some((x) => equal(x, item))) continue;
    arr.push(cloneDoc(item));
    changed = true;
  }
  return changed;
}

/** The element test of a $pull condition, as MongoDB's PullNode builds it. */
function pullTest(cond: unknown, ctx: OpContext): (el: unknown) => boolean {
  const opts = { collation: ctx.collation };
  if (isPlainObject(cond) && Object.keys(cond).length > 0 && !isPathAcceptingOperator(Object.keys(cond)[0])) {
    // A query on element documents ({ f: '1' }, { $or: [...] }); other elements never match.
    const m = compileDocument(cond, opts, false);
    return (el) => isPlainObject(el) && m(el);
  }
  if (isPlainObject(cond) || isRegex(cond)) {
    const m = fieldPredicate('x', cond, { ...opts, compileDocument });
    return (el) => m({ x: el });
  }
  return (el) => compareValues(el, cond, ctx.collation?.compare) === 0;
}

const LOGICAL = new Set([
  '$and',
  '$or',
  '$nor',
  '$expr',
  '$comment',
  '$where',
  '$text',
  '$jsonSchema',
  '$alwaysTrue',
  '$alwaysFalse',
]);

function isPathAcceptingOperator(first: string | undefined): boolean {
  return first?.startsWith('$') === true && !LOGICAL.has(first!);
}

function existingArray(ctx: OpContext, parts: string[], op: string): unknown[] | null {
  const at = locate(ctx.doc, parts, false);
  if (!at || !has(at.parent, at.key)) return null;
  const cur = read(at.parent, at.key);
  if (!Array.isArray(cur)) {
    throw op === '$pop'
      ? new MongoCommandError(
          ErrorCodes.TypeMismatch,
          `Path '${ctx.path}' contains an element of non-array type '${typeName(cur)}'`,
        )
      : badValue(`Cannot apply ${op} to a non-array value`);
  }
  return cur;
}

function removeWhere(arr: unknown[], test: (el: unknown) => boolean): boolean {
  const kept = arr.filter((el) => !test(el));
  if (kept.length === arr.length) return false;
  arr.splice(0, arr.length, ...kept);
  return true;
}

export function $pull(ctx: OpContext, parts: string[], cond: unknown): boolean {
  const test = pullTest(cond, ctx);
  const arr = existingArray(ctx, parts, '$pull');
  return arr ? removeWhere(arr, test) : false;
}

export function $pullAll(ctx: OpContext, parts: string[], values: unknown): boolean {
  if (!Array.isArray(values))
    throw badValue(`$pullAll requires an array argument but was given a ${typeName(values)}`);
  const arr = existingArray(ctx, parts, '$pullAll');
  return arr
    ? removeWhere(arr, (el) => values.some((v) => compareValues(el, v, ctx.collation?.compare) === 0))
    : false;
}

export function $pop(ctx: OpContext, parts: string[], end: unknown): boolean {
  const n = toNumber(end);
  if (n !== 1 && n !== -1) throw badValue(`$pop expects 1 or -1, found: ${formatValue(end)}`);
  const arr = existingArray(ctx, parts, '$pop');
  if (!arr || arr.length === 0) return false;
  if (n === 1) arr.pop();
  else arr.shift();
  return true;
}
