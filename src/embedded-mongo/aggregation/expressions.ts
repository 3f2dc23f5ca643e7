// The aggregation language: mingo's operators, with the engine's own where MongoDB's semantics
// need BSON types (numbers, dates in time zones, comparisons in BSON order, `$match` and `$sort`
// through the engine's matcher and order, `$lookup` with join keys and a pipeline). Server-side
// JavaScript stays refused: `$function` only runs functions mingo builds internally.
import { Context, evalExpr } from 'mingo/core';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import type { Collation } from '../collation.ts';
import { badValue, ErrorCodes, MongoCommandError } from '../errors.ts';
import { type FilterOptions, setExpressionEvaluator } from '../filter/compile.ts';
import { compareValues } from '../order.ts';
import type { Doc } from '../values.ts';
import { booleanExpressionOps } from './boolean-ops.ts';
import { coercingExpressionOps } from './coercing-ops.ts';
import { conversionExpressionOps } from './conversions.ts';
import { dateExpressionOps } from './date-ops.ts';
import { datePartsExpressionOps } from './date-parts.ts';
import { groupingStages } from './grouping.ts';
import { numericAccumulators, numericExpressionOps } from './numeric-ops.ts';
import { orderAccumulators, orderExpressionOps } from './order-ops.ts';
import { regexExpressionOps } from './regex-ops.ts';
import { setAccumulators, setExpressionOps } from './set-ops.ts';
import { engineStages } from './stages.ts';
import { statsAccumulators, statsExpressionOps } from './stats-ops.ts';
import { trigExpressionOps } from './trig-ops.ts';
import { $setWindowFields } from './window-fields.ts';

type ExpressionOp = (obj: unknown, expr: any, options: any) => unknown;

/** Comparisons in BSON order across types; a missing value sorts before null. */
function comparisons(c?: Collation): Record<string, ExpressionOp> {
  const cmp = (a: unknown, b: unknown) => {
    if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
    return compareValues(a, b, c?.compare);
  };
  const op =
    (name: string, test: (x: number) => unknown): ExpressionOp =>
    (obj, expr, options) => {
      if (!Array.isArray(expr) || expr.length !== 2)
        throw badValue(`Expression ${name} takes exactly 2 arguments.`);
      const [a, b] = evalExpr(obj, expr, options) as [unknown, unknown];
      return test(cmp(a, b));
    };
  return {
    $cmp: op('$cmp', (x) => Math.sign(x)),
    $eq: op('$eq', (x) => x === 0),
    $ne: op('$ne', (x) => x !== 0),
    $gt: op('$gt', (x) => x > 0),
    $gte: op('$gte', (x) => x >= 0),
    $lt: op('$lt', (x) => x < 0),
    $lte: op('$lte', (x) => x <= 0),
  };
}

const refusedScript: ExpressionOp = () => {
  throw new MongoCommandError(
    ErrorCodes.NotImplemented,
    'server-side JavaScript ($function, $accumulator) is not supported by the embedded engine',
  );
};

/** MongoDB's hashes are its own (hashed indexes are refused too); any other number would be wrong. */
const refusedHash: ExpressionOp = () => {
  throw new MongoCommandError(
    ErrorCodes.NotImplemented,
    '$toHashedIndexKey is not supported by the embedded engine (it has no hashed indexes)',
  );
};

/** Runs only functions mingo itself passes ($setWindowFields); a script from a client is refused. */
const internalFunction: ExpressionOp = (obj, expr, options) => {
  if (typeof expr?.body !== 'function') return refusedScript(obj, expr, options);
  const args = evalExpr(obj, expr.args ?? [], options) as unknown[];
  return expr.body(...args);
};

function buildContext(collation?: Collation): Context {
  return Context.init({
    accumulator: {
      ...accumulatorOperators,
      ...numericAccumulators,
      ...setAccumulators,
      ...statsAccumulators,
      ...orderAccumulators,
      $accumulator: refusedScript,
    } as any,
    expression: {
      ...expressionOperators,
      ...numericExpressionOps,
      ...dateExpressionOps,
      ...datePartsExpressionOps,
      ...setExpressionOps,
      ...conversionExpressionOps,
      ...coercingExpressionOps,
      ...trigExpressionOps,
      ...statsExpressionOps,
      ...orderExpressionOps,
      ...regexExpressionOps,
      ...booleanExpressionOps,
      ...comparisons(collation),
      $function: internalFunction,
      $toHashedIndexKey: refusedHash,
    } as any,
    pipeline: { ...pipelineOperators, ...engineStages, ...groupingStages, $setWindowFields } as any,
    projection: { ...projectionOperators } as any,
    query: { ...queryOperators } as any,
    window: { ...windowOperators } as any,
  });
}

const simpleContext = buildContext();
const collatedContexts = new WeakMap<Collation, Context>();

export function contextFor(collation?: Collation): Context {
  if (!collation) return simpleContext;
  let ctx = collatedContexts.get(collation);
  if (!ctx) {
    ctx = buildContext(collation);
    collatedContexts.set(collation, ctx);
  }
  return ctx;
}

export interface MingoOptions {
  context: Context;
  collation?: unknown;
  variables?: Doc;
  scriptEnabled: boolean;
  collectionResolver?: (name: string) => Doc[];
}

export function mingoOptions(collation?: Collation, variables?: Doc): MingoOptions {
  return { context: contextFor(collation), collation: collation?.spec, variables, scriptEnabled: false };
}

/** An aggregation expression's value for a document ($expr, projections, update pipelines). */
export function evaluateExpression(doc: Doc, expr: unknown, opts: FilterOptions): unknown {
  try {
    return evalExpr(doc, expr, mingoOptions(opts.collation, opts.variables) as never);
  } catch (err) {
    if (err instanceof MongoCommandError) throw err;
    throw badValue((err as Error).message);
  }
}

setExpressionEvaluator(evaluateExpression);
