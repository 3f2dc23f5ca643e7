// Reads: find, getMore, killCursors, count and distinct. Filters are checked even on a
// collection that does not exist, and every scan runs within the command's budget.
import { unlimited } from '../budget.ts';
import { parseCollation } from '../collation.ts';
import { badValue } from '../errors.ts';
import { compileFilter } from '../filter/compile.ts';
import { queryMetrics } from '../metrics.ts';
import { checkHint } from '../planner.ts';
import { projector } from '../projection.ts';
import { findDocs } from '../query.ts';
import { parseSort } from '../sort.ts';
import { validateCollName } from '../storage.ts';
import { compareValues, type Doc, encodeKey, isPlainObject, pathValues } from '../values.ts';
import { type CommandContext, type CommandHandler, defaultCollation } from './context.ts';

export function optionalNumber(cmd: Doc, field: string): number | undefined {
  const v = cmd[field];
  if (v === undefined || v === null) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw badValue(`'${field}' must be a number`);
  return n;
}

export function scanOptions(ctx: CommandContext) {
  return { budget: ctx.budget ?? unlimited(), metrics: queryMetrics(ctx.engine) };
}

export const find: CommandHandler = async (cmd, ctx) => {
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
  const project = projector(cmd.projection, collation);
  const sort = parseSort(cmd.sort);
  const variables = isPlainObject(cmd.let) ? cmd.let : undefined;
  let docs = await findDocs(coll, filter, {
    sort,
    skip,
    limit,
    collation,
    variables,
    hint: cmd.hint,
    ...scanOptions(ctx),
  });
  let cursorProject = project;
  if (project && Object.keys(cmd.projection as Doc).some((k) => k.endsWith('.$'))) {
    // The positional projection needs each document's match: project now.
    const match = compileFilter(filter, { collation, variables });
    docs = project(
      docs,
      docs.map((d) => {
        const details = {};
        match(d, details);
        return details;
      }),
    );
    cursorProject = null;
  }
  const first =
    limit > 0 && batchSize !== undefined ? Math.min(limit, batchSize) : (batchSize ?? (limit || undefined));
  return {
    ...ctx.engine.cursors.first(`${ctx.db}.${name}`, docs, {
      batchSize: first,
      singleBatch,
      project: cursorProject,
      noTimeout: cmd.noCursorTimeout === true,
    }),
    ok: 1,
  };
};

/**
 * The collection a getMore names: a collection, or `$cmd.<command>` for the cursor of a command
 * (`listCollections`, `backup`), as mongod names them. The cursor itself checks it belongs there.
 */
function cursorCollection(name: unknown): string {
  if (typeof name === 'string' && /^\$cmd\.[A-Za-z]+$/.test(name)) return name;
  return validateCollName(name);
}

export const getMore: CommandHandler = (cmd, ctx) => {
  ctx.engine.counters.getmore++;
  const id = Number(cmd.getMore);
  if (!Number.isFinite(id)) throw badValue('getMore must be a cursor id');
  const name = cursorCollection(cmd.collection);
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

export const count: CommandHandler = async (cmd, ctx) => {
  const name = validateCollName(cmd.count);
  ctx.engine.counters.query++;
  const coll = ctx.engine.store.getCollection(ctx.db, name);
  checkHint(coll, cmd.hint);
  const query = cmd.query ?? {};
  if (!isPlainObject(query)) throw badValue("'query' must be an object");
  const skip = optionalNumber(cmd, 'skip') ?? 0;
  const limit = Math.abs(optionalNumber(cmd, 'limit') ?? 0);
  const collation = parseCollation(cmd.collation ?? defaultCollation(ctx, name));
  if (Object.keys(query).length === 0) {
    const total = Math.max(0, (coll?.docs.size ?? 0) - skip);
    return { n: limit ? Math.min(limit, total) : total, ok: 1 };
  }
  const docs = await findDocs(coll, query, { skip, limit, collation, hint: cmd.hint, ...scanOptions(ctx) });
  return { n: docs.length, ok: 1 };
};

export const distinct: CommandHandler = async (cmd, ctx) => {
  const name = validateCollName(cmd.distinct);
  ctx.engine.counters.query++;
  if (typeof cmd.key !== 'string') throw badValue("'key' must be a string");
  const key = cmd.key;
  const query = cmd.query ?? {};
  if (!isPlainObject(query)) throw badValue("'query' must be an object");
  const collation = parseCollation(cmd.collation ?? defaultCollation(ctx, name));
  const docs = await findDocs(ctx.engine.store.getCollection(ctx.db, name), query, {
    collation,
    ...scanOptions(ctx),
  });
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
