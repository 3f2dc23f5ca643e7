// Updates of one document: operator updates applied by the engine's own operators (in MongoDB's
// path order, positional paths resolved from the filter's match), replacements, and pipeline
// updates run as an aggregation; then `_id` immutability and the 16 MiB limit. The stored
// document is never mutated: the new version is a copy.
import { BSON, ObjectId } from 'bson';
import { Aggregator } from 'mingo/aggregator';
import { mingoOptions } from '../aggregation/expressions.ts';
import type { Collation } from '../collation.ts';
import { asCommandError, badValue, ErrorCodes, MongoCommandError } from '../errors.ts';
import { compileFilter, type Matcher } from '../filter/compile.ts';
import { cloneDoc, type Doc, formatValue, isOperatorObject, isPlainObject, setField } from '../values.ts';
import { MAX_BSON_OBJECT_SIZE } from '../wire.ts';
import { $addToSet, $pop, $pull, $pullAll, $push } from './array-ops.ts';
import {
  $bit,
  $currentDate,
  $inc,
  $max,
  $min,
  $mul,
  $set,
  $unset,
  type OpContext,
  sameValue,
} from './field-ops.ts';
import { modifications, updateKind } from './kind.ts';
import { expandTargets, has, locate, read, type TargetContext, unusedArrayFilter, write } from './targets.ts';

export { type UpdateKind, updateKind } from './kind.ts';

export interface ApplyOptions {
  arrayFilters?: Doc[];
  /** Position the filter matched in its first array (the positional `$`). */
  pos?: number;
  collation?: Collation;
  /** True while building the document an upsert inserts. */
  inserting?: boolean;
  variables?: Doc;
}

type FieldOp = (ctx: OpContext, parts: string[], value: unknown) => boolean;

const OPS: Record<string, FieldOp> = {
  $set,
  $unset,
  $inc,
  $mul,
  $min,
  $max,
  $currentDate,
  $bit,
  $push,
  $addToSet,
  $pull,
  $pullAll,
  $pop,
};

function immutableIdError(): MongoCommandError {
  return new MongoCommandError(
    ErrorCodes.ImmutableField,
    "Performing an update on the path '_id' would modify the immutable field '_id'",
  );
}

function checkSize(doc: Doc): void {
  if (BSON.calculateObjectSize(doc) > MAX_BSON_OBJECT_SIZE) {
    throw new MongoCommandError(
      ErrorCodes.BSONObjectTooLarge,
      `Resulting document after update is larger than ${MAX_BSON_OBJECT_SIZE}`,
    );
  }
}

/** Array filters by identifier: `{ 'e.qty': { $gt: 1 } }` filters elements named `e`. */
function compileArrayFilters(filters: Doc[] | undefined, opts: ApplyOptions): Map<string, Matcher> {
  const out = new Map<string, Matcher>();
  for (const f of filters ?? []) {
    if (!isPlainObject(f)) throw badValue('Each array filter must be an object');
    const ids = new Set(Object.keys(f).map((k) => k.split('.')[0]!));
    const [id] = [...ids];
    if (ids.size !== 1 || !id || !/^[a-z][a-zA-Z0-9]*$/.test(id)) {
      throw new MongoCommandError(
        ErrorCodes.FailedToParse,
        `Error parsing array filter :: caused by :: Expected a single top-level field name, found '${[...ids].join("' and '")}'`,
      );
    }
    if (out.has(id))
      throw new MongoCommandError(
        ErrorCodes.FailedToParse,
        `Found multiple array filters with the same top-level field name ${id}`,
      );
    out.set(id, compileFilter(f, { collation: opts.collation, variables: opts.variables }));
  }
  return out;
}

function rename(ctx: OpContext, from: string[], to: string): boolean {
  const at = locate(ctx.doc, from, false);
  if (!at || !has(at.parent, at.key)) return false;
  if (Array.isArray(at.parent))
    throw badValue(
      `The source field cannot be an array element, '${from.join('.')}' in doc with _id: ${formatValue(ctx.doc._id)} has an array field called '${from[from.length - 2]}'`,
    );
  const value = read(at.parent, at.key);
  delete at.parent[at.key];
  const dest = locate(ctx.doc, to.split('.'), true)!;
  if (Array.isArray(dest.parent))
    throw badValue(
      `The destination field cannot be an array element, '${to}' in doc with _id: ${formatValue(ctx.doc._id)} has an array field`,
    );
  write(dest.parent, dest.key, value);
  return true;
}

function applyOperators(doc: Doc, update: Doc, opts: ApplyOptions): { next: Doc; changed: boolean } {
  // An upsert's seed is a document of the engine's own, built for this update: no copy of it.
  const next = opts.inserting === true ? doc : cloneDoc(doc);
  const targets: TargetContext = {
    pos: opts.pos,
    arrayFilters: compileArrayFilters(opts.arrayFilters, opts),
    used: new Set(),
  };
  let changed = false;
  for (const { op, path, value } of modifications(update, opts.inserting === true)) {
    const ctx: OpContext = { doc: next, collation: opts.collation, path };
    for (const parts of expandTargets(next, path, targets)) {
      if (op === '$rename') {
        if (rename(ctx, parts, value as string)) changed = true;
      } else if (OPS[op]!(ctx, parts, value)) {
        changed = true;
      }
    }
  }
  for (const id of targets.arrayFilters.keys()) if (!targets.used.has(id)) throw unusedArrayFilter(id);
  return { next, changed };
}

function applyPipeline(doc: Doc, pipeline: Doc[], opts: ApplyOptions): Doc {
  const [out] = new Aggregator(pipeline, mingoOptions(opts.collation, opts.variables) as never).run([
    cloneDoc(doc),
  ]) as Doc[];
  if (!isPlainObject(out)) throw badValue('an update pipeline must produce a document');
  return out;
}

function replacement(doc: Doc, update: Doc): Doc {
  const oldId = doc._id;
  if ('_id' in update && oldId !== undefined && !sameValue(update._id, oldId)) {
    throw new MongoCommandError(
      ErrorCodes.ImmutableField,
      `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${formatValue(update._id)}`,
    );
  }
  const out: Doc = {};
  const id = oldId !== undefined ? oldId : update._id;
  if (id !== undefined) out._id = id;
  for (const k of Object.keys(update)) if (k !== '_id') setField(out, k, cloneDoc(update[k]));
  return out;
}

/** Puts `_id` first, as MongoDB stores it. */
function idFirst(doc: Doc): Doc {
  if (Object.keys(doc)[0] === '_id' || !('_id' in doc)) return doc;
  const out: Doc = { _id: doc._id };
  for (const k of Object.keys(doc)) if (k !== '_id') setField(out, k, doc[k]);
  return out;
}

/**
 * The new version of `doc` after `update`, or null when nothing changed. `doc` itself is never
 * mutated, but for an upsert's seed (`inserting`). Throws MongoDB-shaped errors.
 */
export function applyUpdate(doc: Doc, update: unknown, opts: ApplyOptions = {}): Doc | null {
  let next: Doc;
  let changed: boolean;
  const oldId = doc._id;
  try {
    const kind = updateKind(update);
    if (kind === 'replacement') {
      next = replacement(doc, update as Doc);
      changed = !sameValue(next, doc);
    } else if (kind === 'pipeline') {
      next = applyPipeline(doc, update as Doc[], opts);
      changed = !sameValue(next, doc);
    } else {
      ({ next, changed } = applyOperators(doc, update as Doc, opts));
    }
    if (oldId !== undefined && !sameValue(next._id, oldId)) throw immutableIdError();
  } catch (err) {
    throw asCommandError(err);
  }
  if (!changed) return null;
  next = idFirst(next);
  checkSize(next);
  return next;
}

/** The document an upsert starts from: the filter's equality conditions (also inside `$and`). */
export function upsertSeed(filter: Doc | undefined): Doc {
  const seed: Doc = {};
  const put = (path: string, v: unknown) => {
    const at = locate(seed, path.split('.'), true);
    if (at && !Array.isArray(at.parent)) write(at.parent, at.key, cloneDoc(v));
  };
  const visit = (f: Doc) => {
    for (const [k, v] of Object.entries(f)) {
      if (k === '$and' && Array.isArray(v)) {
        for (const sub of v) if (isPlainObject(sub)) visit(sub);
        continue;
      }
      if (k === '$or' && Array.isArray(v) && v.length === 1 && isPlainObject(v[0])) {
        visit(v[0]);
        continue;
      }
      if (k.startsWith('$')) continue;
      if (isOperatorObject(v)) {
        if ('$eq' in v) put(k, v.$eq);
        continue;
      }
      if (v instanceof RegExp || (v as { _bsontype?: string } | null)?._bsontype === 'BSONRegExp') continue;
      put(k, v);
    }
  };
  if (filter) visit(filter);
  return seed;
}

/** The document an upsert inserts, `_id` first (generated when neither filter nor update sets it). */
export function buildUpsert(filter: Doc | undefined, update: unknown, opts: ApplyOptions = {}): Doc {
  const kind = updateKind(update);
  const seed = kind === 'replacement' ? {} : upsertSeed(filter);
  if (kind === 'replacement') {
    const fromFilter = upsertSeed(filter)._id;
    if (fromFilter !== undefined) seed._id = fromFilter;
  }
  const built = applyUpdate(seed, update, { ...opts, pos: undefined, inserting: true }) ?? seed;
  const doc = built._id === undefined ? idFirst({ _id: new ObjectId(), ...built }) : idFirst(built);
  validateId(doc._id);
  return doc;
}

export function validateId(id: unknown): void {
  if (Array.isArray(id))
    throw new MongoCommandError(ErrorCodes.InvalidIdField, "The '_id' value cannot be of type array");
  if (id instanceof RegExp || (id as { _bsontype?: string } | null)?._bsontype === 'BSONRegExp') {
    throw new MongoCommandError(ErrorCodes.InvalidIdField, "The '_id' value cannot be of type regex");
  }
  if (isPlainObject(id) && Object.keys(id).some((k) => k.startsWith('$'))) {
    throw new MongoCommandError(
      ErrorCodes.DollarPrefixedFieldName,
      `_id fields may not contain '$'-prefixed fields: ${Object.keys(id).find((k) => k.startsWith('$'))} is not valid for storage.`,
    );
  }
}

/** A document as inserted: `_id` first, generated when absent. `$`-prefixed names are kept (MongoDB 5.0+). */
export function prepareInsert(doc: unknown): Doc {
  if (!isPlainObject(doc)) throw badValue('document to insert must be an object');
  const out = doc._id === undefined ? idFirst({ _id: new ObjectId(), ...doc }) : idFirst(doc);
  validateId(out._id);
  return out;
}
