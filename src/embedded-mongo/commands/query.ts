// Reads: find, getMore, killCursors, count, distinct and aggregate (through mingo, with
// `$out` and `$merge` written by the engine itself).
import { Aggregator } from 'mingo/aggregator';
import { asCommandError, badValue, ErrorCodes, MongoCommandError } from '../errors.ts';
import { type Collation, mingoOptions, parseCollation, rewritePipeline } from '../matcher.ts';
import { findDocs, parseSort, projector } from '../query.ts';
import type { Collection, Store } from '../storage.ts';
import { validateCollName } from '../storage.ts';
import { applyUpdate, prepareInsert } from '../update.ts';
import {
  cloneDoc,
  compareValues,
  type Doc,
  encodeKey,
  getPath,
  isPlainObject,
  pathValues,
} from '../values.ts';
import { type CommandContext, type CommandHandler, defaultCollation } from './context.ts';

function optionalNumber(cmd: Doc, field: string): number | undefined {
  const v = cmd[field];
  if (v === undefined || v === null) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw badValue(`'${field}' must be a number`);
  return n;
}

function checkHint(coll: Collection | undefined, hint: unknown): void {
  if (hint === undefined || hint === null || !coll) return;
  if (isPlainObject(hint) && '$natural' in hint) return;
  if (typeof hint === 'string' || isPlainObject(hint)) {
    if (coll.findIndex(hint)) return;
  }
  throw badValue(
    'error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index',
  );
}

export const find: CommandHandler = (cmd, ctx) => {
  const name = validateCollName(cmd.find);
  ctx.engine.counters.query++;
  const filter = cmd.filter ?? {};
  if (!isPlainObject(filter)) throw badValue("'filter' must be an object");
  if (cmd.tailable === true)
    throw badValue('error processing query: tailable cursor requested on non capped collection');
  const collation = parseCollation(cmd.collation ?? defaultCollation(ctx, name));
  const coll = ctx.engine.store.getCollection(ctx.db, name);
  checkHint(coll, cmd.hint);
  let limit = optionalNumber(cmd, 'limit') ?? 0;
  let singleBatch = cmd.singleBatch === true;
  if (limit < 0) {
    limit = -limit;
    singleBatch = true;
  }
  const skip = optionalNumber(cmd, 'skip') ?? 0;
  if (skip < 0) throw badValue('skip value must be non-negative');
  const batchSize = optionalNumber(cmd, 'batchSize');
  if (batchSize !== undefined && batchSize < 0) throw badValue('batchSize value must be non-negative');
  const project = projector(cmd.projection, filter, collation);
  const sort = parseSort(cmd.sort);
  const variables = isPlainObject(cmd.let) ? cmd.let : undefined;
  const docs = findDocs(coll, filter, { sort, skip, limit, collation, variables });
  const first =
    limit > 0 && batchSize !== undefined ? Math.min(limit, batchSize) : (batchSize ?? (limit || undefined));
  return {
    ...ctx.engine.cursors.first(`${ctx.db}.${name}`, docs, {
      batchSize: first,
      singleBatch,
      project,
      noTimeout: cmd.noCursorTimeout === true,
    }),
    ok: 1,
  };
};

export const getMore: CommandHandler = (cmd, ctx) => {
  ctx.engine.counters.getmore++;
  const id = Number(cmd.getMore);
  if (!Number.isFinite(id)) throw badValue('getMore must be a cursor id');
  const name = validateCollName(cmd.collection);
  return { ...ctx.engine.cursors.getMore(id, `${ctx.db}.${name}`, optionalNumber(cmd, 'batchSize')), ok: 1 };
};

export const killCursors: CommandHandler = (cmd, ctx) => {
  const ids = Array.isArray(cmd.cursors) ? cmd.cursors : [];
  const killed: unknown[] = [];
  const notFound: unknown[] = [];
  for (const raw of ids) {
    (ctx.engine.cursors.kill(Number(raw)) ? killed : notFound).push(raw);
  }
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
};

export const count: CommandHandler = (cmd, ctx) => {
  const name = validateCollName(cmd.count);
  ctx.engine.counters.query++;
  const coll = ctx.engine.store.getCollection(ctx.db, name);
  checkHint(coll, cmd.hint);
  const query = cmd.query ?? {};
  if (!isPlainObject(query)) throw badValue("'query' must be an object");
  const skip = optionalNumber(cmd, 'skip') ?? 0;
  const limit = Math.abs(optionalNumber(cmd, 'limit') ?? 0);
  if (!coll) return { n: 0, ok: 1 };
  if (Object.keys(query).length === 0) {
    const total = Math.max(0, coll.docs.size - skip);
    return { n: limit ? Math.min(limit, total) : total, ok: 1 };
  }
  const docs = findDocs(coll, query, {
    skip,
    limit,
    collation: parseCollation(cmd.collation ?? defaultCollation(ctx, name)),
  });
  return { n: docs.length, ok: 1 };
};

export const distinct: CommandHandler = (cmd, ctx) => {
  const name = validateCollName(cmd.distinct);
  ctx.engine.counters.query++;
  if (typeof cmd.key !== 'string') throw badValue("'key' must be a string");
  const key = cmd.key;
  const query = cmd.query ?? {};
  if (!isPlainObject(query)) throw badValue("'query' must be an object");
  const collation = parseCollation(cmd.collation ?? defaultCollation(ctx, name));
  const docs = findDocs(ctx.engine.store.getCollection(ctx.db, name), query, { collation });
  const seen = new Map<string, unknown>();
  for (const doc of docs) {
    for (const v of pathValues(doc, key).values) {
      if (v === undefined) continue;
      const k = encodeKey(v, collation?.key);
      if (!seen.has(k)) seen.set(k, v);
    }
  }
  const values = [...seen.values()].sort((a, b) => compareValues(a, b, collation?.compare));
  return { values, ok: 1 };
};

function targetOf(spec: unknown, db: string): { db: string; coll: string } {
  if (typeof spec === 'string') return { db, coll: validateCollName(spec) };
  if (isPlainObject(spec) && typeof spec.coll === 'string') {
    return { db: typeof spec.db === 'string' ? spec.db : db, coll: validateCollName(spec.coll) };
  }
  throw badValue('$out/$merge needs a collection name or { db, coll }');
}

/** $out: replaces the target's documents (keeping its indexes), all or nothing. */
function writeOut(store: Store, target: { db: string; coll: string }, results: Doc[]): void {
  const coll = store.ensureCollection(target.db, target.coll).coll;
  const previous = [...coll.docs.values()];
  for (const doc of previous) coll.delete(doc);
  const inserted: Doc[] = [];
  try {
    for (const raw of results) {
      const doc = prepareInsert(cloneDoc(raw));
      coll.insert(doc);
      inserted.push(doc);
    }
  } catch (err) {
    for (const doc of inserted) coll.delete(doc);
    for (const doc of previous) coll.insert(doc);
    throw err;
  }
}

function writeMerge(store: Store, spec: Doc, db: string, results: Doc[], collation?: Collation): void {
  const target = targetOf(spec.into, db);
  const on =
    spec.on === undefined ? ['_id'] : Array.isArray(spec.on) ? (spec.on as string[]) : [String(spec.on)];
  const whenMatched = spec.whenMatched ?? 'merge';
  const whenNotMatched = spec.whenNotMatched ?? 'insert';
  const coll = store.ensureCollection(target.db, target.coll).coll;
  const onKey = JSON.stringify(Object.fromEntries(on.map((f) => [f, 1])));
  if (
    !(on.length === 1 && on[0] === '_id') &&
    !coll.indexes.some(
      (ix) => ix.unique && JSON.stringify(Object.fromEntries(ix.fields.map((f) => [f, 1]))) === onKey,
    )
  ) {
    throw new MongoCommandError(51183, 'Cannot find index to verify that join fields will be unique');
  }
  for (const raw of results) {
    const doc = cloneDoc(raw);
    const filter: Doc = {};
    for (const f of on) {
      const v = getPath(doc, f);
      if (v === undefined && f !== '_id')
        throw new MongoCommandError(
          51132,
          `$merge write error: 'on' field '${f}' cannot be missing, null or an array`,
        );
      filter[f] = v;
    }
    const [existing] =
      filter._id === undefined && on.includes('_id') ? [] : findDocs(coll, filter, { limit: 1, collation });
    if (!existing) {
      if (whenNotMatched === 'discard') continue;
      if (whenNotMatched === 'fail')
        throw new MongoCommandError(
          13113,
          '$merge could not find a matching document in the target collection for at least one document in the source collection',
        );
      coll.insert(prepareInsert(doc));
      continue;
    }
    if (whenMatched === 'keepExisting') continue;
    if (whenMatched === 'fail') {
      throw new MongoCommandError(
        ErrorCodes.DuplicateKey,
        `$merge failed: a document with the same '${on.join(', ')}' already exists`,
      );
    }
    let next: Doc | null;
    if (whenMatched === 'replace') {
      const { _id, ...rest } = doc;
      next = applyUpdate(existing, rest);
    } else if (whenMatched === 'merge') {
      const { _id, ...rest } = doc;
      next = Object.keys(rest).length ? applyUpdate(existing, { $set: rest }) : null;
    } else if (Array.isArray(whenMatched)) {
      next = applyUpdate(existing, whenMatched, {
        variables: { new: doc, ...(spec.let as Doc | undefined) },
      });
    } else {
      throw badValue(
        `Enumeration value '${String(whenMatched)}' for field 'whenMatched' is not a valid value.`,
      );
    }
    if (next) coll.replace(existing, next);
  }
}

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

export const aggregate: CommandHandler = (cmd: Doc, ctx: CommandContext) => {
  ctx.engine.counters.command++;
  const pipeline = cmd.pipeline;
  if (!Array.isArray(pipeline)) throw badValue("'pipeline' must be an array");
  if (cmd.explain === true) throw badValue('explain is not supported by the embedded engine');
  if (!isPlainObject(cmd.cursor) && cmd.cursor !== undefined) throw badValue("'cursor' must be an object");
  const stages = pipeline as Doc[];
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
  const { store } = ctx.engine;
  const collectionLevel = cmd.aggregate !== 1;
  const name = collectionLevel ? validateCollName(cmd.aggregate) : null;
  const collation = parseCollation(cmd.collation ?? (name ? defaultCollation(ctx, name) : undefined));
  const coll = name ? store.getCollection(ctx.db, name) : undefined;
  checkHint(coll, cmd.hint);
  const last = stages[stages.length - 1];
  const writeStage = last && ('$out' in last || '$merge' in last) ? last : undefined;
  let body = writeStage ? stages.slice(0, -1) : stages;
  // A leading $match (and $sort) runs through the engine's planner, so it uses indexes.
  let input: Doc[] = [];
  if (name) {
    const first = body[0];
    if (first && isPlainObject(first.$match)) {
      const second = body[1];
      const sort = second && isPlainObject(second.$sort) ? parseSort(second.$sort) : null;
      input = findDocs(coll, first.$match as Doc, { collation, sort });
      body = body.slice(sort ? 2 : 1);
    } else {
      input = coll ? [...coll.docs.values()] : [];
    }
  }
  const variables = isPlainObject(cmd.let) ? cmd.let : undefined;
  let results: Doc[];
  try {
    const agg = new Aggregator(rewritePipeline(body), {
      ...mingoOptions(collation, variables),
      collectionResolver: (other: string) =>
        [...(store.getCollection(ctx.db, other)?.docs.values() ?? [])].map(cloneDoc),
    });
    results = body.length ? (agg.run(input.map(cloneDoc)) as Doc[]) : input;
  } catch (err) {
    throw asCommandError(err);
  }
  if (writeStage) {
    if ('$out' in writeStage) writeOut(store, targetOf(writeStage.$out, ctx.db), results);
    else writeMerge(store, writeStage.$merge as Doc, ctx.db, results, collation);
    results = [];
  }
  const cursorOpts = isPlainObject(cmd.cursor) ? cmd.cursor : {};
  const batchSize = cursorOpts.batchSize === undefined ? undefined : Number(cursorOpts.batchSize);
  return {
    ...ctx.engine.cursors.first(`${ctx.db}.${name ?? '$cmd.aggregate'}`, results, { batchSize }),
    ok: 1,
  };
};
