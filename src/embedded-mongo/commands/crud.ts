// Writes: insert (ordered/unordered), update (operator, replacement, pipeline; upsert, multi,
// arrayFilters), delete and findAndModify. Each statement runs synchronously from reading the
// matching documents to writing them, so conditional updates are atomic.
import { BSON } from 'bson';
import { asCommandError, badValue, ErrorCodes, MongoCommandError } from '../errors.ts';
import { parseCollation } from '../matcher.ts';
import { findDocs, parseSort, projector } from '../query.ts';
import { validateCollName } from '../storage.ts';
import { applyUpdate, buildUpsert, prepareInsert, updateKind } from '../update.ts';
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

export const update: CommandHandler = (cmd, ctx) => {
  const name = validateCollName(cmd.update);
  const stmts = statements(cmd, 'updates');
  const ordered = cmd.ordered !== false;
  const { store } = ctx.engine;
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
      const coll = store.getCollection(ctx.db, name);
      const matches = findDocs(coll, s.q, {
        limit: s.multi === true ? 0 : 1,
        collation,
        sort: parseSort(s.sort),
        variables,
      });
      if (matches.length === 0) {
        if (s.upsert === true) {
          const doc = buildUpsert(s.q, s.u, { arrayFilters, collation, variables });
          store.ensureCollection(ctx.db, name).coll.insert(doc);
          n++;
          upserted.push({ index: i, _id: doc._id });
        }
        continue;
      }
      for (const doc of matches) {
        n++;
        const next = applyUpdate(doc, s.u, { arrayFilters, filter: s.q, collation, variables });
        if (next) {
          coll!.replace(doc, next);
          nModified++;
        }
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

export const remove: CommandHandler = (cmd, ctx) => {
  const name = validateCollName(cmd.delete);
  const stmts = statements(cmd, 'deletes');
  const ordered = cmd.ordered !== false;
  let n = 0;
  const writeErrors: Doc[] = [];
  for (let i = 0; i < stmts.length; i++) {
    const s = stmts[i]!;
    ctx.engine.counters.delete++;
    try {
      if (!isPlainObject(s.q)) throw badValue("The 'q' field of a delete must be an object");
      if (s.limit !== 0 && s.limit !== 1) throw badValue('The limit field in delete objects must be 0 or 1');
      const coll = ctx.engine.store.getCollection(ctx.db, name);
      const matches = findDocs(coll, s.q, {
        limit: s.limit,
        collation: parseCollation(s.collation ?? defaultCollation(ctx, name)),
      });
      for (const doc of matches) {
        coll!.delete(doc);
        n++;
      }
    } catch (err) {
      writeErrors.push(asCommandError(err).toWriteError(i));
      if (ordered) break;
    }
  }
  return writeReply(n, writeErrors);
};

export const findAndModify: CommandHandler = (cmd: Doc, ctx: CommandContext) => {
  const name = validateCollName(cmd.findAndModify ?? cmd.findandmodify);
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
  const collation = parseCollation(cmd.collation ?? defaultCollation(ctx, name));
  const project = projector(cmd.fields, filter, collation);
  const shown = (doc: Doc | null) => (doc && project ? project([doc])[0]! : doc);
  const arrayFilters = Array.isArray(cmd.arrayFilters) ? (cmd.arrayFilters as Doc[]) : undefined;
  const variables = isPlainObject(cmd.let) ? cmd.let : undefined;
  const { store } = ctx.engine;
  if (hasUpdate) updateKind(cmd.update);
  const coll = store.getCollection(ctx.db, name);
  const [doc] = findDocs(coll, filter, { sort: parseSort(cmd.sort), limit: 1, collation, variables });
  if (cmd.remove === true) {
    ctx.engine.counters.delete++;
    if (!doc) return { lastErrorObject: { n: 0 }, value: null, ok: 1 };
    coll!.delete(doc);
    return { lastErrorObject: { n: 1 }, value: shown(doc), ok: 1 };
  }
  ctx.engine.counters.update++;
  if (doc) {
    const next = applyUpdate(doc, cmd.update, { arrayFilters, filter, collation, variables });
    if (next) coll!.replace(doc, next);
    return {
      lastErrorObject: { n: 1, updatedExisting: true },
      value: shown(cmd.new === true ? (next ?? doc) : doc),
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
