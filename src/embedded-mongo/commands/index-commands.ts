// Index commands and collMod: createIndexes, listIndexes, dropIndexes, and collMod of an
// index's TTL or hidden flag (document validation is refused, as at create).
import { badValue, ErrorCodes, MongoCommandError } from '../errors.ts';
import { defaultIndexName, type IndexSpec } from '../indexes.ts';
import { validateCollName, validateDbName } from '../storage.ts';
import { type Doc, isPlainObject } from '../values.ts';
import { GENERIC_FIELDS, REFUSED_CREATE_OPTIONS, requireCollection } from './admin.ts';
import type { CommandHandler } from './context.ts';

const INDEX_OPTIONS = new Set([
  'v',
  'key',
  'name',
  'unique',
  'sparse',
  'partialFilterExpression',
  'expireAfterSeconds',
  'collation',
  'background',
  'hidden',
  'weights',
  'default_language',
  'language_override',
  'textIndexVersion',
  '2dsphereIndexVersion',
  'bits',
  'min',
  'max',
  'storageEngine',
  'wildcardProjection',
]);

function parseIndexSpec(raw: unknown): IndexSpec {
  if (!isPlainObject(raw) || !isPlainObject(raw.key) || Object.keys(raw.key).length === 0) {
    throw new MongoCommandError(
      ErrorCodes.CannotCreateIndex,
      "The 'key' field of an index specification must be a non-empty object",
    );
  }
  const key = raw.key as Doc;
  for (const [f, dir] of Object.entries(key)) {
    const ok = (typeof dir === 'number' && dir !== 0) || typeof dir === 'string';
    if (!ok)
      throw new MongoCommandError(
        ErrorCodes.CannotCreateIndex,
        `Values in the index key pattern can't be 0 or non-numbers: ${f}: ${String(dir)}`,
      );
  }
  const name = raw.name ?? defaultIndexName(key);
  if (typeof name !== 'string' || name.length === 0) {
    throw new MongoCommandError(
      ErrorCodes.CannotCreateIndex,
      "The 'name' field of an index specification must be a non-empty string",
    );
  }
  for (const k of Object.keys(raw)) {
    if (!INDEX_OPTIONS.has(k)) {
      throw new MongoCommandError(
        ErrorCodes.InvalidOptions,
        `The field '${k}' is not valid for an index specification. Specification: ${JSON.stringify(raw)}`,
      );
    }
  }
  if (raw.expireAfterSeconds !== undefined) {
    const ttl = raw.expireAfterSeconds;
    if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl < 0) {
      throw new MongoCommandError(
        ErrorCodes.CannotCreateIndex,
        "TTL index 'expireAfterSeconds' option must be numeric and non-negative",
      );
    }
    if (Object.keys(key).length !== 1) {
      throw new MongoCommandError(
        ErrorCodes.CannotCreateIndex,
        'TTL indexes are single-field indexes, compound indexes do not support TTL.',
      );
    }
  }
  if (raw.partialFilterExpression !== undefined && !isPlainObject(raw.partialFilterExpression)) {
    throw new MongoCommandError(ErrorCodes.CannotCreateIndex, 'partialFilterExpression must be an object');
  }
  if (name === '_id_' && JSON.stringify(key) !== '{"_id":1}') {
    throw new MongoCommandError(
      ErrorCodes.CannotCreateIndex,
      "The index name '_id_' is reserved for the _id index",
    );
  }
  const { v: _v, key: _k, name: _n, ...options } = raw;
  return { v: 2, key, name, ...options };
}

export const createIndexes: CommandHandler = (cmd, ctx) => {
  const name = validateCollName(cmd.createIndexes);
  if (!Array.isArray(cmd.indexes) || cmd.indexes.length === 0) {
    throw badValue('Must specify at least one index to create');
  }
  const specs = cmd.indexes.map(parseIndexSpec);
  const { coll, created } = ctx.engine.store.ensureCollection(validateDbName(ctx.db), name);
  const before = coll.indexes.length;
  for (const spec of specs) {
    // An index without a collation takes the collection's default, as in MongoDB.
    if (spec.collation === undefined && coll.options.collation !== undefined)
      spec.collation = coll.options.collation as Doc;
    coll.createIndex(spec);
  }
  const reply: Doc = {
    numIndexesBefore: before,
    numIndexesAfter: coll.indexes.length,
    createdCollectionAutomatically: created,
  };
  if (coll.indexes.length === before) reply.note = 'all indexes already exist';
  reply.ok = 1;
  return reply;
};

export const listIndexes: CommandHandler = (cmd, ctx) => {
  const name = validateCollName(cmd.listIndexes);
  const coll = requireCollection(ctx, name);
  const batchSize = isPlainObject(cmd.cursor) ? (cmd.cursor.batchSize as number | undefined) : undefined;
  const specs = coll.indexes.map((ix) => ix.describe());
  return { ...ctx.engine.cursors.first(`${ctx.db}.$cmd.listIndexes.${name}`, specs, { batchSize }), ok: 1 };
};

export const dropIndexes: CommandHandler = (cmd, ctx) => {
  const name = validateCollName(cmd.dropIndexes ?? cmd.deleteIndexes);
  const coll = ctx.engine.store.getCollection(ctx.db, name);
  if (!coll) throw new MongoCommandError(ErrorCodes.NamespaceNotFound, `ns not found ${ctx.db}.${name}`);
  const nIndexesWas = coll.indexes.length;
  const which = cmd.index;
  if (which === '*') {
    for (const ix of coll.indexes.slice(1)) coll.dropIndex(ix);
    return { nIndexesWas, msg: 'non-_id indexes dropped for collection', ok: 1 };
  }
  const targets = Array.isArray(which) ? which : [which];
  const found = targets.map((t) => {
    const ix = coll.findIndex(t);
    if (!ix) {
      const shown = typeof t === 'string' ? t : JSON.stringify(t);
      throw new MongoCommandError(ErrorCodes.IndexNotFound, `index not found with name [${shown}]`);
    }
    return ix;
  });
  for (const ix of found) coll.dropIndex(ix);
  return { nIndexesWas, ok: 1 };
};

const COLLMOD_OPTIONS = new Set([
  'collMod',
  'index',
  'validator',
  'validationLevel',
  'validationAction',
  ...GENERIC_FIELDS,
]);

/** collMod: an index's TTL or hidden flag. Document validation is refused, as at create. */
export const collMod: CommandHandler = (cmd, ctx) => {
  const name = validateCollName(cmd.collMod);
  for (const k of Object.keys(cmd)) {
    if (!COLLMOD_OPTIONS.has(k))
      throw new MongoCommandError(ErrorCodes.InvalidOptions, `unknown option to collMod: ${k}`);
  }
  for (const k of ['validator', 'validationLevel', 'validationAction']) {
    if (k in cmd) throw new MongoCommandError(ErrorCodes.NotImplemented, REFUSED_CREATE_OPTIONS.validator!);
  }
  const coll = requireCollection(ctx, name);
  const reply: Doc = {};
  if (cmd.index !== undefined) {
    if (!isPlainObject(cmd.index)) throw badValue("'index' must be an object");
    const target = cmd.index.name ?? cmd.index.keyPattern;
    const ix = coll.findIndex(target);
    if (!ix) {
      throw new MongoCommandError(
        ErrorCodes.IndexNotFound,
        `cannot find index ${JSON.stringify(target)} for ns ${coll.ns}`,
      );
    }
    const spec = { ...ix.spec };
    if (cmd.index.expireAfterSeconds !== undefined) {
      reply.expireAfterSeconds_old = ix.spec.expireAfterSeconds;
      spec.expireAfterSeconds = Number(cmd.index.expireAfterSeconds);
      reply.expireAfterSeconds_new = spec.expireAfterSeconds;
    }
    if (cmd.index.hidden !== undefined) {
      if (typeof cmd.index.hidden !== 'boolean') throw badValue("'hidden' must be a boolean");
      if (ix.isId) throw badValue('cannot hide _id index');
      reply.hidden_old = ix.spec.hidden === true;
      reply.hidden_new = cmd.index.hidden;
      if (cmd.index.hidden) spec.hidden = true;
      else delete spec.hidden;
    }
    if (JSON.stringify(spec) !== JSON.stringify(ix.spec)) {
      // Rebuilt under its new options, through the change log so the change is durable.
      coll.dropIndex(ix);
      coll.createIndex(spec);
    }
  }
  reply.ok = 1;
  return reply;
};
