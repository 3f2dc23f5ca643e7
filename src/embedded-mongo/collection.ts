// One collection: its documents keyed by their encoded `_id`, and its indexes. Each change is
// handed to the store's log (storage.ts) in the order it is applied, with the way to undo it.
import { UUID } from 'bson';
import { ErrorCodes, MongoCommandError } from './errors.ts';
import { type Entry, Index, type IndexSpec } from './indexes.ts';
import { type Doc, encodeKey, isPlainObject } from './values.ts';

/** A change to one collection's documents or indexes. */
export type CollectionChange =
  | { op: 'createIndex'; db: string; coll: string; spec: IndexSpec }
  | { op: 'dropIndex'; db: string; coll: string; name: string }
  | { op: 'i'; db: string; coll: string; doc: Doc }
  | { op: 'u'; db: string; coll: string; doc: Doc }
  | { op: 'd'; db: string; coll: string; id: unknown };

export const ID_INDEX_SPEC: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

export function idKeyOf(doc: Doc): string {
  return encodeKey(doc._id);
}

/** Whether two lists of index entries hold the same keys in the same order. */
function sameKeys(a: Entry[], b: Entry[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.full !== b[i]!.full) return false;
  return true;
}

export class Collection {
  readonly db: string;
  name: string;
  readonly options: Doc;
  readonly uuid = new UUID();
  readonly docs = new Map<string, Doc>();
  readonly indexes: Index[] = [new Index({ ...ID_INDEX_SPEC })];
  constructor(
    private readonly log: (change: CollectionChange, undo: () => void) => void,
    db: string,
    name: string,
    options: Doc,
  ) {
    this.db = db;
    this.name = name;
    this.options = options;
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  get idIndex(): Index {
    return this.indexes[0]!;
  }

  getById(id: unknown): Doc | undefined {
    return this.docs.get(encodeKey(id));
  }

  /** Inserts a document that already has its `_id`; throws E11000 on a unique conflict. */
  insert(doc: Doc): void {
    const id = idKeyOf(doc);
    if (this.docs.has(id)) throw this.idIndex.duplicateError(this.ns, [doc._id]);
    // Each index's entries are worked out once, for both the uniqueness check and the insert.
    const entries = this.indexes.map((ix) => ix.entries(doc));
    for (let i = 0; i < this.indexes.length; i++) {
      const ix = this.indexes[i]!;
      const err = ix.isId ? null : ix.conflictOf(entries[i]!, id, this.ns);
      if (err) throw err;
    }
    this.docs.set(id, doc);
    for (let i = 0; i < this.indexes.length; i++) this.indexes[i]!.addEntries(entries[i]!, id);
    this.log({ op: 'i', db: this.db, coll: this.name, doc }, () => this.unset(doc, id));
  }

  /** Replaces a stored document by a new version with the same `_id`. */
  replace(old: Doc, next: Doc): void {
    const id = idKeyOf(old);
    // The _id index never changes: the new version keeps the `_id`.
    const entries = this.indexes.map((ix) => (ix.isId ? [] : ix.entries(next)));
    for (let i = 0; i < this.indexes.length; i++) {
      const ix = this.indexes[i]!;
      const err = ix.isId ? null : ix.conflictOf(entries[i]!, id, this.ns);
      if (err) throw err;
    }
    for (let i = 0; i < this.indexes.length; i++) {
      const ix = this.indexes[i]!;
      if (ix.isId) continue;
      const before = ix.entries(old);
      // An index whose keys the update left alone keeps its entries as they are.
      if (sameKeys(before, entries[i]!)) continue;
      ix.removeEntries(before, id);
      ix.addEntries(entries[i]!, id);
    }
    this.docs.set(id, next);
    this.log({ op: 'u', db: this.db, coll: this.name, doc: next }, () => {
      this.unset(next, id);
      this.put(old, id);
    });
  }

  delete(doc: Doc): void {
    const id = idKeyOf(doc);
    if (!this.docs.delete(id)) return;
    for (const ix of this.indexes) ix.remove(doc, id);
    this.log({ op: 'd', db: this.db, coll: this.name, id: doc._id }, () => this.put(doc, id));
  }

  /** Undo helpers: a document in or out of the collection and its indexes, with no checks. */
  private put(doc: Doc, id: string): void {
    this.docs.set(id, doc);
    for (const ix of this.indexes) ix.add(doc, id);
  }

  private unset(doc: Doc, id: string): void {
    this.docs.delete(id);
    for (const ix of this.indexes) ix.remove(doc, id);
  }

  findIndex(nameOrKey: unknown): Index | undefined {
    if (typeof nameOrKey === 'string') return this.indexes.find((ix) => ix.name === nameOrKey);
    if (isPlainObject(nameOrKey)) {
      const wanted = JSON.stringify(nameOrKey);
      return this.indexes.find((ix) => JSON.stringify(ix.spec.key) === wanted);
    }
    return undefined;
  }

  /** Builds an index over the existing documents; false when an identical one exists. */
  createIndex(spec: IndexSpec): boolean {
    const sameName = this.indexes.find((ix) => ix.name === spec.name);
    const sameKey = this.indexes.filter((ix) => JSON.stringify(ix.spec.key) === JSON.stringify(spec.key));
    const comparable = (s: IndexSpec) =>
      JSON.stringify({
        unique: s.unique === true,
        sparse: s.sparse === true,
        partial: s.partialFilterExpression ?? null,
        ttl: s.expireAfterSeconds ?? null,
        collation: s.collation ?? null,
      });
    if (sameName) {
      if (JSON.stringify(sameName.spec.key) !== JSON.stringify(spec.key)) {
        throw new MongoCommandError(
          ErrorCodes.IndexKeySpecsConflict,
          `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName.spec)}`,
        );
      }
      if (comparable(sameName.spec) !== comparable(spec)) {
        throw new MongoCommandError(
          ErrorCodes.IndexOptionsConflict,
          `An existing index has the same name as the requested index. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName.spec)}`,
        );
      }
      return false;
    }
    for (const other of sameKey) {
      if (comparable(other.spec) === comparable(spec)) {
        throw new MongoCommandError(
          ErrorCodes.IndexOptionsConflict,
          `Index already exists with a different name: ${other.name}`,
        );
      }
      const sameCollation =
        JSON.stringify(other.spec.collation ?? null) === JSON.stringify(spec.collation ?? null);
      const samePartial =
        JSON.stringify(other.spec.partialFilterExpression ?? null) ===
        JSON.stringify(spec.partialFilterExpression ?? null);
      if (sameCollation && samePartial) {
        throw new MongoCommandError(
          ErrorCodes.IndexOptionsConflict,
          `An equivalent index already exists with a different name and options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(other.spec)}`,
        );
      }
    }
    const ix = new Index(spec);
    for (const [id, doc] of this.docs) {
      const err = ix.conflict(doc, id, this.ns);
      if (err) {
        throw new MongoCommandError(ErrorCodes.DuplicateKey, `Index build failed: ${err.message}`, err.extra);
      }
      ix.add(doc, id);
    }
    this.indexes.push(ix);
    this.log({ op: 'createIndex', db: this.db, coll: this.name, spec }, () => {
      const at = this.indexes.indexOf(ix);
      if (at > 0) this.indexes.splice(at, 1);
    });
    return true;
  }

  dropIndex(ix: Index): void {
    if (ix.isId) throw new MongoCommandError(ErrorCodes.InvalidOptions, 'cannot drop _id index');
    const at = this.indexes.indexOf(ix);
    if (at > 0) this.indexes.splice(at, 1);
    this.log({ op: 'dropIndex', db: this.db, coll: this.name, name: ix.name }, () => {
      if (at > 0) this.indexes.splice(at, 0, ix);
    });
  }
}
