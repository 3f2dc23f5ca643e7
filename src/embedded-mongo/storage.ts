// The catalog: databases -> collections (collection.ts: documents keyed by their encoded `_id`,
// with their indexes). Every method is synchronous, so a command that reads and then
// writes can never interleave with another command. Each change is handed to a change log
// (the journal, in on-disk mode) in the order it is applied, with the way to undo it: a change
// the journal fails to make durable is taken back out of memory before anyone is told.
import { type Document, ObjectId } from 'bson';
import { Collection, type CollectionChange } from './collection.ts';
import { ErrorCodes, MongoCommandError } from './errors.ts';
import type { Doc } from './values.ts';

/** A change to the catalog or to a collection, as the journal records it. */
export type ChangeRecord =
  | { op: 'create'; db: string; coll: string; options: Doc }
  | { op: 'drop'; db: string; coll: string }
  | { op: 'dropDb'; db: string }
  | { op: 'rename'; db: string; coll: string; toDb: string; toColl: string }
  | CollectionChange;

/** Receives each change once it is applied, and a function that takes it back. */
export type ChangeLog = (record: ChangeRecord, undo: () => void) => void;

const INVALID_DB_CHARS = /[/\\. "$\0]/;

export function validateDbName(db: unknown): string {
  if (typeof db !== 'string' || db.length === 0 || db.length > 63 || INVALID_DB_CHARS.test(db)) {
    throw new MongoCommandError(ErrorCodes.InvalidNamespace, `Invalid database name: '${String(db)}'`);
  }
  return db;
}

export function validateCollName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new MongoCommandError(ErrorCodes.InvalidNamespace, `Invalid collection name: ${String(name)}`);
  }
  if (name.includes('$') || name.includes('\0') || name.startsWith('.')) {
    throw new MongoCommandError(ErrorCodes.InvalidNamespace, `Invalid collection name: ${name}`);
  }
  return name;
}

export class Store {
  readonly dbs = new Map<string, Map<string, Collection>>();
  /** Receives every change once it is applied; replaced by the journal in on-disk mode. */
  changeLog: ChangeLog | null = null;
  /** Incremented by every change, so callers can tell whether a command wrote anything. */
  changes = 0;
  readonly processId = new ObjectId();

  log(record: ChangeRecord, undo: () => void): void {
    this.changes++;
    this.changeLog?.(record, undo);
  }

  /** Where the collections hand their changes: the store's own log. */
  private readonly collectionLog = (record: CollectionChange, undo: () => void) => this.log(record, undo);

  /** Puts a collection object back under its name (undoing a drop or a rename). */
  private restore(coll: Collection): void {
    let colls = this.dbs.get(coll.db);
    if (!colls) {
      colls = new Map();
      this.dbs.set(coll.db, colls);
    }
    colls.set(coll.name, coll);
  }

  /** Takes a collection object out from under its name (undoing a create or a rename). */
  private unlink(db: string, name: string): void {
    const colls = this.dbs.get(db);
    if (!colls) return;
    colls.delete(name);
    if (colls.size === 0) this.dbs.delete(db);
  }

  getCollection(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name);
  }

  /** The collection, created implicitly as writes and createIndexes do. */
  ensureCollection(db: string, name: string): { coll: Collection; created: boolean } {
    const existing = this.getCollection(db, name);
    if (existing) return { coll: existing, created: false };
    return { coll: this.createCollection(db, name, {}), created: true };
  }

  createCollection(db: string, name: string, options: Document): Collection {
    validateDbName(db);
    validateCollName(name);
    if (this.getCollection(db, name)) {
      throw new MongoCommandError(ErrorCodes.NamespaceExists, `Collection ${db}.${name} already exists.`);
    }
    let colls = this.dbs.get(db);
    if (!colls) {
      colls = new Map();
      this.dbs.set(db, colls);
    }
    const coll = new Collection(this.collectionLog, db, name, options);
    colls.set(name, coll);
    this.log({ op: 'create', db, coll: name, options }, () => this.unlink(db, name));
    return coll;
  }

  dropCollection(db: string, name: string): boolean {
    const colls = this.dbs.get(db);
    const coll = colls?.get(name);
    if (!colls || !coll) return false;
    colls.delete(name);
    if (colls.size === 0) this.dbs.delete(db);
    this.log({ op: 'drop', db, coll: name }, () => this.restore(coll));
    return true;
  }

  dropDatabase(db: string): void {
    const colls = this.dbs.get(db);
    if (!colls) return;
    this.dbs.delete(db);
    this.log({ op: 'dropDb', db }, () => this.dbs.set(db, colls));
  }

  renameCollection(db: string, name: string, toDb: string, toName: string, dropTarget: boolean): void {
    validateDbName(toDb);
    validateCollName(toName);
    const source = this.getCollection(db, name);
    if (!source) throw new MongoCommandError(ErrorCodes.NamespaceNotFound, 'Source namespace does not exist');
    if (db === toDb && name === toName) {
      throw new MongoCommandError(ErrorCodes.IllegalOperation, "Can't rename a collection to itself");
    }
    if (this.getCollection(toDb, toName)) {
      if (!dropTarget) throw new MongoCommandError(ErrorCodes.NamespaceExists, 'target namespace exists');
      this.dropCollection(toDb, toName);
    }
    const colls = this.dbs.get(db)!;
    colls.delete(name);
    if (colls.size === 0) this.dbs.delete(db);
    let target = this.dbs.get(toDb);
    if (!target) {
      target = new Map();
      this.dbs.set(toDb, target);
    }
    // Re-home the documents under the new namespace; indexes move with them.
    const moved = new Collection(this.collectionLog, toDb, toName, source.options);
    for (const [k, v] of source.docs) moved.docs.set(k, v);
    moved.indexes.length = 0;
    moved.indexes.push(...source.indexes);
    target.set(toName, moved);
    this.log({ op: 'rename', db, coll: name, toDb, toColl: toName }, () => {
      this.unlink(toDb, toName);
      this.restore(source);
    });
  }

  /** Applies a journal record without logging it again (start-up replay). */
  apply(r: ChangeRecord): void {
    const saved = this.changeLog;
    this.changeLog = null;
    try {
      switch (r.op) {
        case 'create':
          if (!this.getCollection(r.db, r.coll)) this.createCollection(r.db, r.coll, r.options);
          break;
        case 'drop':
          this.dropCollection(r.db, r.coll);
          break;
        case 'dropDb':
          this.dropDatabase(r.db);
          break;
        case 'rename':
          if (this.getCollection(r.db, r.coll)) this.renameCollection(r.db, r.coll, r.toDb, r.toColl, true);
          break;
        case 'createIndex': {
          const coll = this.ensureCollection(r.db, r.coll).coll;
          if (!coll.findIndex(r.spec.name)) coll.createIndex(r.spec);
          break;
        }
        case 'dropIndex': {
          const coll = this.getCollection(r.db, r.coll);
          const ix = coll?.findIndex(r.name);
          if (coll && ix) coll.dropIndex(ix);
          break;
        }
        case 'i':
        case 'u': {
          const coll = this.ensureCollection(r.db, r.coll).coll;
          const old = coll.getById(r.doc._id);
          if (old) coll.replace(old, r.doc);
          else coll.insert(r.doc);
          break;
        }
        case 'd': {
          const coll = this.getCollection(r.db, r.coll);
          const old = coll?.getById(r.id);
          if (coll && old) coll.delete(old);
          break;
        }
      }
    } finally {
      this.changeLog = saved;
    }
  }

  /** The records that rebuild the whole state (the snapshot written by compaction). */
  *snapshotRecords(): Iterable<ChangeRecord> {
    for (const [db, colls] of this.dbs) {
      for (const [name, coll] of colls) {
        yield { op: 'create', db, coll: name, options: coll.options };
        for (const ix of coll.indexes) {
          if (!ix.isId) yield { op: 'createIndex', db, coll: name, spec: ix.spec };
        }
        for (const doc of coll.docs.values()) yield { op: 'i', db, coll: name, doc };
      }
    }
  }
}
