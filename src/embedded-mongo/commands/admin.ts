// Namespaces: create, drop, dropDatabase, listCollections, listDatabases, renameCollection,
// dbStats, collStats, compact (index commands and collMod are in index-commands.ts).
import { Binary, BSON } from 'bson';
import { type Collection, ID_INDEX_SPEC } from '../collection.ts';
import { ErrorCodes, MongoCommandError } from '../errors.ts';
import { compileFilter } from '../filter/compile.ts';
import { validateCollName, validateDbName } from '../storage.ts';
import { type Doc, isPlainObject } from '../values.ts';
import type { CommandContext, CommandHandler } from './context.ts';

/** Fields every command may carry that are not options of the command itself. */
export const GENERIC_FIELDS = new Set([
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

export const REFUSED_CREATE_OPTIONS: Record<string, string> = {
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

export function requireCollection(ctx: CommandContext, name: string): Collection {
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

/** Bytes of the backup file in each document of the `backup` command's cursor. */
export const BACKUP_CHUNK_BYTES = 1024 * 1024;

/**
 * `{ backup: 1 }` on `admin` (the engine's own command; mongod has none): the whole state at
 * one instant (Engine.backup) as a cursor of `{ data: BinData }` chunks of the backup file, in
 * order, so a state larger than a message travels in getMore batches.
 */
export const backup: CommandHandler = async (cmd, ctx) => {
  if (ctx.db !== 'admin')
    throw new MongoCommandError(
      ErrorCodes.Unauthorized,
      'backup may only be run against the admin database.',
    );
  const bytes = await ctx.engine.backup();
  const chunks: Doc[] = [];
  for (let at = 0; at < bytes.length; at += BACKUP_CHUNK_BYTES)
    chunks.push({ data: new Binary(bytes.subarray(at, at + BACKUP_CHUNK_BYTES)) });
  const batchSize = isPlainObject(cmd.cursor) ? (cmd.cursor.batchSize as number | undefined) : undefined;
  return {
    ...ctx.engine.cursors.first('admin.$cmd.backup', chunks, { batchSize }),
    bytes: bytes.length,
    ok: 1,
  };
};
