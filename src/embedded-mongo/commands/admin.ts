// Namespaces and indexes: create, drop, dropDatabase, listCollections, listDatabases,
// renameCollection, createIndexes, listIndexes, dropIndexes, collMod, dbStats, collStats.
import { BSON } from 'bson';
import { badValue, ErrorCodes, MongoCommandError } from '../errors.ts';
import { defaultIndexName, type IndexSpec } from '../indexes.ts';
import { compileFilter } from '../filter/compile.ts';
import { type Collection, ID_INDEX_SPEC, validateCollName, validateDbName } from '../storage.ts';
import { type Doc, isPlainObject } from '../values.ts';
import type { CommandContext, CommandHandler } from './context.ts';

/** Fields every command may carry that are not options of the command itself. */
const GENERIC_FIELDS = new Set([
  '$db',
  'lsid',
  '$clusterTime',
  'txnNumber',
  'writeConcern',
  'readConcern',
  '$readPreference',
  'comment',
  'maxTimeMS',
  'apiVersion',
  'apiStrict',
  'apiDeprecationErrors',
  'autocommit',
  '$client',
]);

const REFUSED_CREATE_OPTIONS: Record<string, string> = {
  capped: 'capped collections are not supported by the embedded engine',
  viewOn: 'views are not supported by the embedded engine',
  timeseries: 'time-series collections are not supported by the embedded engine',
  clusteredIndex: 'clustered collections are not supported by the embedded engine',
  validator: 'document validation is not supported by the embedded engine',
  changeStreamPreAndPostImages: 'change streams are not supported by the embedded engine',
};

function nsNotFound(ctx: CommandContext, name: string): MongoCommandError {
  return new MongoCommandError(ErrorCodes.NamespaceNotFound, `ns does not exist: ${ctx.db}.${name}`);
}

function requireCollection(ctx: CommandContext, name: string): Collection {
  const coll = ctx.engine.store.getCollection(ctx.db, name);
  if (!coll) throw nsNotFound(ctx, name);
  return coll;
}

export const create: CommandHandler = (cmd, ctx) => {
  const name = validateCollName(cmd.create);
  const options: Doc = {};
  for (const [k, v] of Object.entries(cmd)) {
    if (k === 'create' || GENERIC_FIELDS.has(k)) continue;
    const refusal = REFUSED_CREATE_OPTIONS[k];
    if (refusal && v !== false && v !== undefined) {
      throw new MongoCommandError(ErrorCodes.NotImplemented, refusal);
    }
    options[k] = v;
  }
  ctx.engine.store.createCollection(validateDbName(ctx.db), name, options);
  return { ok: 1 };
};

export const drop: CommandHandler = (cmd, ctx) => {
  const name = validateCollName(cmd.drop);
  const coll = ctx.engine.store.getCollection(ctx.db, name);
  const nIndexesWas = coll?.indexes.length ?? 0;
  ctx.engine.store.dropCollection(ctx.db, name);
  return coll ? { nIndexesWas, ns: `${ctx.db}.${name}`, ok: 1 } : { ok: 1 };
};

export const dropDatabase: CommandHandler = (_cmd, ctx) => {
  ctx.engine.store.dropDatabase(ctx.db);
  return { dropped: ctx.db, ok: 1 };
};

function collectionInfo(coll: Collection): Doc {
  return {
    name: coll.name,
    type: 'collection',
    options: { ...coll.options },
    info: { readOnly: false, uuid: coll.uuid },
    idIndex: { ...ID_INDEX_SPEC },
  };
}

export const listCollections: CommandHandler = (cmd, ctx) => {
  const colls = [...(ctx.engine.store.dbs.get(ctx.db)?.values() ?? [])];
  let infos = colls.map(collectionInfo);
  if (isPlainObject(cmd.filter) && Object.keys(cmd.filter).length) {
    const match = compileFilter(cmd.filter);
    infos = infos.filter((i) => match(i));
  }
  if (cmd.nameOnly === true) infos = infos.map((i) => ({ name: i.name, type: i.type }));
  const batchSize = isPlainObject(cmd.cursor) ? (cmd.cursor.batchSize as number | undefined) : undefined;
  return { ...ctx.engine.cursors.first(`${ctx.db}.$cmd.listCollections`, infos, { batchSize }), ok: 1 };
};

function approximateSize(coll: Collection): number {
  // Sampled: exact sizes would serialize every document.
  let sampled = 0;
  let bytes = 0;
  for (const doc of coll.docs.values()) {
    bytes += BSON.calculateObjectSize(doc);
    if (++sampled >= 100) break;
  }
  return sampled ? Math.round((bytes / sampled) * coll.docs.size) : 0;
}

export const listDatabases: CommandHandler = (cmd, ctx) => {
  let databases: Doc[] = [...ctx.engine.store.dbs.entries()].map(([name, colls]) => {
    const sizeOnDisk = [...colls.values()].reduce((n, c) => n + approximateSize(c), 0);
    return { name, sizeOnDisk, empty: sizeOnDisk === 0 };
  });
  if (isPlainObject(cmd.filter) && Object.keys(cmd.filter).length) {
    const match = compileFilter(cmd.filter);
    databases = databases.filter((d) => match(d));
  }
  if (cmd.nameOnly === true) return { databases: databases.map((d) => ({ name: d.name })), ok: 1 };
  const totalSize = databases.reduce((n, d) => n + (d.sizeOnDisk as number), 0);
  return { databases, totalSize, totalSizeMb: Math.round(totalSize / 1024 / 1024), ok: 1 };
};

function splitNs(ns: unknown): { db: string; coll: string } {
  if (typeof ns !== 'string' || !ns.includes('.'))
    throw new MongoCommandError(ErrorCodes.InvalidNamespace, `Invalid namespace specified '${String(ns)}'`);
  const dot = ns.indexOf('.');
  return { db: ns.slice(0, dot), coll: ns.slice(dot + 1) };
}

export const renameCollection: CommandHandler = (cmd, ctx) => {
  if (ctx.db !== 'admin') {
    throw new MongoCommandError(
      ErrorCodes.Unauthorized,
      'renameCollection may only be run against the admin database.',
    );
  }
  const from = splitNs(cmd.renameCollection);
  const to = splitNs(cmd.to);
  ctx.engine.store.renameCollection(from.db, from.coll, to.db, to.coll, cmd.dropTarget === true);
  return { ok: 1 };
};

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

const COLLMOD_OPTIONS = new Set(['collMod', 'index', 'validator', 'validationLevel', 'validationAction', ...GENERIC_FIELDS]);

/** collMod: an index's TTL or hidden flag. Document validation is refused, as at create. */
export const collMod: CommandHandler = (cmd, ctx) => {
  const name = validateCollName(cmd.collMod);
  for (const k of Object.keys(cmd)) {
    if (!COLLMOD_OPTIONS.has(k)) throw new MongoCommandError(ErrorCodes.InvalidOptions, `unknown option to collMod: ${k}`);
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
      throw new MongoCommandError(ErrorCodes.IndexNotFound, `cannot find index ${JSON.stringify(target)} for ns ${coll.ns}`);
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

export const dbStats: CommandHandler = (_cmd, ctx) => {
  const colls = [...(ctx.engine.store.dbs.get(ctx.db)?.values() ?? [])];
  const objects = colls.reduce((n, c) => n + c.docs.size, 0);
  const dataSize = colls.reduce((n, c) => n + approximateSize(c), 0);
  const indexes = colls.reduce((n, c) => n + c.indexes.length, 0);
  return {
    db: ctx.db,
    collections: colls.length,
    views: 0,
    objects,
    avgObjSize: objects ? dataSize / objects : 0,
    dataSize,
    storageSize: dataSize,
    indexes,
    indexSize: 0,
    totalSize: dataSize,
    scaleFactor: 1,
    ok: 1,
  };
};

export const collStats: CommandHandler = (cmd, ctx) => {
  const name = validateCollName(cmd.collStats);
  const coll = requireCollection(ctx, name);
  const size = approximateSize(coll);
  return {
    ns: coll.ns,
    count: coll.docs.size,
    size,
    avgObjSize: coll.docs.size ? size / coll.docs.size : 0,
    storageSize: size,
    nindexes: coll.indexes.length,
    totalIndexSize: 0,
    indexSizes: Object.fromEntries(coll.indexes.map((ix) => [ix.name, 0])),
    ok: 1,
  };
};

/** `compact` compacts the whole journal into a snapshot (MongoDB compacts one collection). */
export const compact: CommandHandler = async (cmd, ctx) => {
  requireCollection(ctx, validateCollName(cmd.compact));
  await ctx.engine.compact();
  return { bytesFreed: 0, ok: 1 };
};
