// Conditions in aggregation with MongoDB's truthiness: zero of every number type is false, a
// double 0.0 and a Decimal128 "0.00" included (mingo holds any object true, and the engine keeps
// integral doubles as `Double` objects). `$switch` with no branch taken and no default is an
// error, as on MongoDB, not null.
import { evalExpr } from 'mingo/core';
import { $filter as mingoFilter } from 'mingo/operators/expression';
import { bsonTypeName } from '../bson-types.ts';
import { badValue, MongoCommandError } from '../errors.ts';
import { coerceToBool } from '../filter/compile.ts';
import { isPlainObject } from '../values.ts';

type Op = (obj: unknown, expr: any, options: any) => unknown;

const isTrue = (obj: unknown, expr: unknown, options: unknown) =>
  coerceToBool(evalExpr(obj, expr, options as never));

const list = (expr: unknown) => (Array.isArray(expr) ? expr : [expr]);

const $and: Op = (obj, expr, options) => list(expr).every((e) => isTrue(obj, e, options));
const $or: Op = (obj, expr, options) => list(expr).some((e) => isTrue(obj, e, options));

const $not: Op = (obj, expr, options) => {
  const args = list(expr);
  if (args.length !== 1)
    throw badValue(`Expression $not takes exactly 1 arguments. ${args.length} were passed in.`);
  return !isTrue(obj, args[0], options);
};

const $cond: Op = (obj, expr, options) => {
  const [test, then, otherwise] = Array.isArray(expr)
    ? expr
    : isPlainObject(expr)
      ? [expr.if, expr.then, expr.else]
      : [];
  if (Array.isArray(expr) && expr.length !== 3)
    throw badValue(`Expression $cond takes exactly 3 arguments. ${expr.length} were passed in.`);
  return evalExpr(obj, isTrue(obj, test, options) ? then : otherwise, options);
};

const $switch: Op = (obj, expr, options) => {
  if (!isPlainObject(expr) || !Array.isArray(expr.branches))
    throw badValue('$switch requires at least one branch.');
  for (const branch of expr.branches as { case: unknown; then: unknown }[]) {
    if (isTrue(obj, branch.case, options)) return evalExpr(obj, branch.then, options);
  }
  if (!Object.hasOwn(expr, 'default')) {
    throw new MongoCommandError(
      40066,
      '$switch could not find a matching branch for an input, and no default was specified.',
    );
  }
  return evalExpr(obj, expr.default, options);
};

/** `$filter` keeps an element when its condition is true as MongoDB reads it. */
const $filter: Op = (obj, expr, options) =>
  mingoFilter(obj as never, isPlainObject(expr) ? { ...expr, cond: { $and: [expr.cond] } } : expr, options);

function elements(name: string, obj: unknown, expr: unknown, options: unknown): unknown[] {
  const [arr] = evalExpr(obj, list(expr), options as never) as unknown[];
  if (!Array.isArray(arr)) {
    const code = name === '$allElementsTrue' ? 17040 : 17041;
    throw new MongoCommandError(code, `${name}'s argument must be an array, but is ${bsonTypeName(arr)}`);
  }
  return arr;
}

export const booleanExpressionOps: Record<string, Op> = {
  $and,
  $or,
  $not,
  $cond,
  $switch,
  $filter,
  $allElementsTrue: (obj, expr, options) =>
    elements('$allElementsTrue', obj, expr, options).every((v) => coerceToBool(v)),
  $anyElementTrue: (obj, expr, options) =>
    elements('$anyElementTrue', obj, expr, options).some((v) => coerceToBool(v)),
};
