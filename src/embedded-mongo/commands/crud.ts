// Writes: insert (ordered/unordered), update (operator, replacement, pipeline; upsert, multi,
// arrayFilters), delete and findAndModify. Finding the documents may yield to other
// connections (a long scan); each document is then re-checked against the filter in its
// current version and written in the same synchronous step, as MongoDB re-checks a document
// after a yield, so a conditional update is never applied past its condition.
import { BSON } from 'bson';
import { type Budget, unlimited } from '../budget.ts';
import { parseCollation } from '../collation.ts';
import { type Collection, idKeyOf } from '../collection.ts';
import { asCommandError, badValue, ErrorCodes, MongoCommandError } from '../errors.ts';
import { compileFilter, type MatchDetails, type Matcher } from '../filter/compile.ts';
import { queryMetrics } from '../metrics.ts';
import { projector } from '../projection.ts';
import { findDocs } from '../query.ts';
import { parseSort } from '../sort.ts';
import { validateCollName } from '../storage.ts';
import { applyUpdate, buildUpsert, prepareInsert, updateKind } from '../update/index.ts';
import { type Doc, isPlainObject } from '../values.ts';
import { MAX_BSON_OBJECT_SIZE, MAX_WRITE_BATCH_SIZE } from '../wire.ts';
import { type CommandContext, type CommandHandler, defaultCollation } from './context.ts';

function statements(cmd: Doc, field: string): Doc[] {
  const list = cmd[field];
  if (!Array.isArray(list)) throw badValue(`'${field}' must be an array`);
  if (list.length > MAX_WRITE_BATCH_SIZE) {
    throw new MongoCommandError(
      ErrorCodes.InvalidOptions,
      `Write batch sizes must be between 1 and ${MAX_WRITE_BATCH_SIZE}. Got ${list.length} operations.`,
    );
  }
  return list as Doc[];
}

function writeReply(n: number, writeErrors: Doc[], extra: Doc = {}): Doc {
  const reply: Doc = { n, ...extra };
  if (writeErrors.length) reply.writeErrors = writeErrors;
  reply.ok = 1;
  return reply;
}

export const insert: CommandHandler = (cmd, ctx) => {
  const name = validateCollName(cmd.insert);
  const docs = statements(cmd, 'documents');
  const ordered = cmd.ordered !== false;
  const { store } = ctx.engine;
  const coll = store.ensureCollection(ctx.db, name).coll;
  const checkSizes = ctx.messageSize > MAX_BSON_OBJECT_SIZE;
  let n = 0;
  const writeErrors: Doc[] = [];
  for (let i = 0; i < docs.length; i++) {
    try {
      if (checkSizes) {
        const size = BSON.calculateObjectSize(docs[i]!);
        if (size > MAX_BSON_OBJECT_SIZE) {
          throw new MongoCommandError(
            ErrorCodes.BSONObjectTooLarge,
            `object to insert too large. size in bytes: ${size}, max size: ${MAX_BSON_OBJECT_SIZE}`,
          );
        }
      }
      coll.insert(prepareInsert(docs[i]));
      n++;
      ctx.engine.counters.insert++;
    } catch (err) {
      writeErrors.push(asCommandError(err).toWriteError(i));
      if (ordered) break;
    }
  }
  return writeReply(n, writeErrors);
};

/** The current version of a document found earlier, if it still matches (with the match's details). */
function stillMatching(
  coll: Collection,
  found: Doc,
  match: Matcher,
): { doc: Doc; details: MatchDetails } | null {
  const current = coll.docs.get(idKeyOf(found));
  if (!current) return null;
  const details: MatchDetails = {};
  return match(current, details) ? { doc: current, details } : null;
}

function budgetOf(ctx: CommandContext): Budget {
  return ctx.budget ?? unlimited();
}

export const update: CommandHandler = async (cmd, ctx) => {
  const name = validateCollName(cmd.update);
  const stmts = statements(cmd, 'updates');
  const ordered = cmd.ordered !== false;
  const { store } = ctx.engine;
  const budget = budgetOf(ctx);
  let n = 0;
  let nModified = 0;
  const upserted: Doc[] = [];
  const writeErrors: Doc[] = [];
  for (let i = 0; i < stmts.length; i++) {
    const s = stmts[i]!;
    ctx.engine.counters.update++;
    try {
      if (!isPlainObject(s.q)) throw badValue("The 'q' field of an update must be an object");
      const kind = updateKind(s.u);
      if (s.multi === true && kind === 'replacement') {
        throw new MongoCommandError(
          ErrorCodes.FailedToParse,
          'multi update is not supported for replacement-style update',
        );
      }
      const collation = parseCollation(s.collation ?? defaultCollation(ctx, name));
      const arrayFilters = Array.isArray(s.arrayFilters) ? (s.arrayFilters as Doc[]) : undefined;
      const variables = isPlainObject(s.c) ? s.c : isPlainObject(cmd.let) ? (cmd.let as Doc) : undefined;
      const match = compileFilter(s.q, { collation, variables });
      const coll = store.getCollection(ctx.db, name);
      const found = await findDocs(coll, s.q, {
        limit: s.multi === true ? 0 : 1,
        collation,
        sort: parseSort(s.sort),
        variables,
        hint: s.hint,
        budget,
        metrics: queryMetrics(ctx.engine),
        match,
      });
      let matched = 0;
      for (const doc of found) {
        const current = coll ? stillMatching(coll, doc, match) : null;
        if (!current) continue;
        matched++;
        n++;
        const next = applyUpdate(current.doc, s.u, {
          arrayFilters,
          pos: current.details.pos,
          collation,
          variables,
        });
        if (next) {
          coll!.replace(current.doc, next);
          nModified++;
        }
        if (budget.step()) await budget.pause();
      }
      if (matched === 0 && s.upsert === true) {
        const doc = buildUpsert(s.q, s.u, { arrayFilters, collation, variables });
        store.ensureCollection(ctx.db, name).coll.insert(doc);
        n++;
        upserted.push({ index: i, _id: doc._id });
      }
    } catch (err) {
      writeErrors.push(asCommandError(err).toWriteError(i));
      if (ordered) break;
    }
  }
  const extra: Doc = { nModified };
  if (upserted.length) extra.upserted = upserted;
  return writeReply(n, writeErrors, extra);
};

export const remove: CommandHandler = async (cmd, ctx) => {
  const name = validateCollName(cmd.delete);
  const stmts = statements(cmd, 'deletes');
  const ordered = cmd.ordered !== false;
  const budget = budgetOf(ctx);
  let n = 0;
  const writeErrors: Doc[] = [];
  for (let i = 0; i < stmts.length; i++) {
    const s = stmts[i]!;
    ctx.engine.counters.delete++;
    try {
      if (!isPlainObject(s.q)) throw badValue("The 'q' field of a delete must be an object");
      if (s.limit !== 0 && s.limit !== 1) throw badValue('The limit field in delete objects must be 0 or 1');
      const collation = parseCollation(s.collation ?? defaultCollation(ctx, name));
      const match = compileFilter(s.q, { collation });
      const coll = ctx.engine.store.getCollection(ctx.db, name);
      const found = await findDocs(coll, s.q, {
        limit: s.limit,
        collation,
        hint: s.hint,
        budget,
        metrics: queryMetrics(ctx.engine),
        match,
      });
      for (const doc of found) {
        const current = coll ? stillMatching(coll, doc, match) : null;
        if (!current) continue;
        coll!.delete(current.doc);
        n++;
        if (budget.step()) await budget.pause();
      }
    } catch (err) {
      writeErrors.push(asCommandError(err).toWriteError(i));
      if (ordered) break;
    }
  }
  return writeReply(n, writeErrors);
};

/** The first document the filter (and sort) picks that still matches now: found earlier, it may have changed since. */
async function findAndModifyTarget(
  ctx: CommandContext,
  coll: ReturnType<CommandContext['engine']['store']['getCollection']>,
  cmd: Doc,
  q: { filter: Doc; collation: ReturnType<typeof parseCollation>; variables: Doc | undefined },
): Promise<{ doc: Doc; details: MatchDetails } | null> {
  const match = compileFilter(q.filter, { collation: q.collation, variables: q.variables });
  const sort = parseSort(cmd.sort);
  const found = await findDocs(coll, q.filter, {
    sort,
    limit: sort ? 0 : 1,
    collation: q.collation,
    variables: q.variables,
    hint: cmd.hint,
    budget: budgetOf(ctx),
    metrics: queryMetrics(ctx.engine),
    match,
  });
  for (const doc of found) {
    const target = coll ? stillMatching(coll, doc, match) : null;
    if (target) return target;
  }
  return null;
}

/** findAndModify's filter, after checking that it asks for exactly one of an update and a removal. */
function findAndModifyFilter(cmd: Doc): { filter: Doc; hasUpdate: boolean } {
  const filter = cmd.query === undefined || cmd.query === null ? {} : cmd.query;
  if (!isPlainObject(filter)) throw badValue('query must be an object');
  const hasUpdate = cmd.update !== undefined && cmd.update !== null;
  if (cmd.remove === true && hasUpdate) {
    throw new MongoCommandError(ErrorCodes.FailedToParse, 'Cannot specify both an update and remove=true');
  }
  if (cmd.remove !== true && !hasUpdate) {
    throw new MongoCommandError(
      ErrorCodes.FailedToParse,
      'Either an update or remove=true must be specified',
    );
  }
  if (cmd.remove === true && cmd.upsert === true) {
    throw new MongoCommandError(ErrorCodes.FailedToParse, 'Cannot specify both upsert=true and remove=true');
  }
  return { filter, hasUpdate };
}

export const findAndModify: CommandHandler = async (cmd: Doc, ctx: CommandContext) => {
  const name = validateCollName(cmd.findAndModify ?? cmd.findandmodify);
  const { filter, hasUpdate } = findAndModifyFilter(cmd);
  const collation = parseCollation(cmd.collation ?? defaultCollation(ctx, name));
  const project = projector(cmd.fields, collation);
  const shown = (doc: Doc | null, details?: MatchDetails) =>
    doc && project ? project([doc], details ? [details] : undefined)[0]! : doc;
  const arrayFilters = Array.isArray(cmd.arrayFilters) ? (cmd.arrayFilters as Doc[]) : undefined;
  const variables = isPlainObject(cmd.let) ? cmd.let : undefined;
  const { store } = ctx.engine;
  if (hasUpdate) updateKind(cmd.update);
  const coll = store.getCollection(ctx.db, name);
  const target = await findAndModifyTarget(ctx, coll, cmd, { filter, collation, variables });
  if (cmd.remove === true) {
    ctx.engine.counters.delete++;
    if (!target) return { lastErrorObject: { n: 0 }, value: null, ok: 1 };
    coll!.delete(target.doc);
    return { lastErrorObject: { n: 1 }, value: shown(target.doc, target.details), ok: 1 };
  }
  ctx.engine.counters.update++;
  if (target) {
    const next = applyUpdate(target.doc, cmd.update, {
      arrayFilters,
      pos: target.details.pos,
      collation,
      variables,
    });
    if (next) coll!.replace(target.doc, next);
    return {
      lastErrorObject: { n: 1, updatedExisting: true },
      value: shown(cmd.new === true ? (next ?? target.doc) : target.doc, target.details),
      ok: 1,
    };
  }
  if (cmd.upsert === true) {
    const created = buildUpsert(filter, cmd.update, { arrayFilters, collation, variables });
    store.ensureCollection(ctx.db, name).coll.insert(created);
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: created._id },
      value: cmd.new === true ? shown(created) : null,
      ok: 1,
    };
  }
  return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
};
