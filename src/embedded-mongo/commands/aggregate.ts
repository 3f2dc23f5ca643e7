// aggregate: a leading `$match` (and `$sort`) through the engine's planner, so it uses indexes;
// the rest through aggregation/pipeline.ts; `$out` and `$merge` written by the engine.
import { runPipeline } from '../aggregation/pipeline.ts';
import { parseCollation } from '../collation.ts';
import { badValue, ErrorCodes, MongoCommandError } from '../errors.ts';
import { checkHint } from '../planner.ts';
import { findDocs } from '../query.ts';
import { parseSort } from '../sort.ts';
import { validateCollName } from '../storage.ts';
import { cloneDoc, type Doc, isPlainObject } from '../values.ts';
import { type CommandContext, type CommandHandler, defaultCollation } from './context.ts';
import { scanOptions } from './query.ts';
import { targetOf, writeMerge, writeOut } from './write-stages.ts';

const UNSUPPORTED_STAGES: Record<string, string> = {
  $changeStream: 'The $changeStream stage is only supported on replica sets',
  $geoNear: '$geoNear is not supported by the embedded engine',
  $search: '$search is not supported by the embedded engine',
  $collStats: '$collStats is not supported by the embedded engine',
  $indexStats: '$indexStats is not supported by the embedded engine',
  $currentOp: '$currentOp is not supported by the embedded engine',
  $listSessions: '$listSessions is not supported by the embedded engine',
  $planCacheStats: '$planCacheStats is not supported by the embedded engine',
};

function checkStages(stages: unknown[]): void {
  for (const [i, stage] of stages.entries()) {
    if (!isPlainObject(stage) || Object.keys(stage).length !== 1) {
      throw badValue('A pipeline stage specification object must contain exactly one field.');
    }
    const op = Object.keys(stage)[0]!;
    if (UNSUPPORTED_STAGES[op])
      throw new MongoCommandError(ErrorCodes.NotImplemented, UNSUPPORTED_STAGES[op]);
    if ((op === '$out' || op === '$merge') && i !== stages.length - 1) {
      throw new MongoCommandError(40601, `${op} can only be the final stage in the pipeline`);
    }
  }
}

export const aggregate: CommandHandler = async (cmd: Doc, ctx: CommandContext) => {
  ctx.engine.counters.command++;
  const pipeline = cmd.pipeline;
  if (!Array.isArray(pipeline)) throw badValue("'pipeline' must be an array");
  if (cmd.explain === true) throw badValue('explain is not supported by the embedded engine');
  if (!isPlainObject(cmd.cursor) && cmd.cursor !== undefined) throw badValue("'cursor' must be an object");
  const stages = pipeline as Doc[];
  checkStages(stages);
  const { store } = ctx.engine;
  const collectionLevel = cmd.aggregate !== 1;
  const name = collectionLevel ? validateCollName(cmd.aggregate) : null;
  const collation = parseCollation(cmd.collation ?? (name ? defaultCollation(ctx, name) : undefined));
  const coll = name ? store.getCollection(ctx.db, name) : undefined;
  checkHint(coll, cmd.hint);
  const last = stages[stages.length - 1];
  const writeStage = last && ('$out' in last || '$merge' in last) ? last : undefined;
  let body = writeStage ? stages.slice(0, -1) : stages;
  const variables = isPlainObject(cmd.let) ? cmd.let : undefined;
  const scan = { collation, ...scanOptions(ctx) };
  let input: Doc[] = [];
  const first = body[0];
  if (first && isPlainObject(first.$match)) {
    const second = body[1];
    const sort = second && isPlainObject(second.$sort) ? parseSort(second.$sort) : null;
    input = await findDocs(coll, first.$match as Doc, { ...scan, sort, variables, hint: cmd.hint });
    body = body.slice(sort ? 2 : 1);
  } else if (name) {
    input = coll ? [...coll.docs.values()] : [];
  }
  let results = await runPipeline(input, body, {
    collation,
    variables,
    budget: scan.budget,
    collectionResolver: (other: string) =>
      [...(store.getCollection(ctx.db, other)?.docs.values() ?? [])].map(cloneDoc),
  });
  if (writeStage) {
    if ('$out' in writeStage) writeOut(store, targetOf(writeStage.$out, ctx.db), results);
    else await writeMerge(store, writeStage.$merge as Doc, ctx.db, results, scan);
    results = [];
  }
  const cursorOpts = isPlainObject(cmd.cursor) ? cmd.cursor : {};
  const batchSize = cursorOpts.batchSize === undefined ? undefined : Number(cursorOpts.batchSize);
  return {
    ...ctx.engine.cursors.first(`${ctx.db}.${name ?? '$cmd.aggregate'}`, results, { batchSize }),
    ok: 1,
  };
};
