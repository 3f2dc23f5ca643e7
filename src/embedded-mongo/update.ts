// Update documents: operator updates through mingo's updater, replacement and pipeline updates,
// with the patches MongoDB semantics need: `$setOnInsert`, setting `_id` to its current value,
// `$push` modifiers on a missing field, type errors mingo would ignore, and upsert seeding.
import { BSON, ObjectId } from 'bson';
import { update as mingoUpdate, updateOne as mingoUpdateOne } from 'mingo/updater';
import { asCommandError, badValue, ErrorCodes, MongoCommandError } from './errors.ts';
import { bsonTypeOf, type Collation, mingoOptions } from './matcher.ts';
import {
  cloneDoc,
  compareValues,
  type Doc,
  encodeKey,
  formatValue,
  getPath,
  isOperatorObject,
  isPlainObject,
  toNumber,
  typeRank,
} from './values.ts';
import { MAX_BSON_OBJECT_SIZE } from './wire.ts';

const UPDATE_OPERATORS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$rename',
  '$push',
  '$addToSet',
  '$pull',
  '$pullAll',
  '$pop',
  '$bit',
  '$currentDate',
  '$setOnInsert',
]);

const PIPELINE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);

export type UpdateKind = 'operators' | 'replacement' | 'pipeline';

export function updateKind(u: unknown): UpdateKind {
  if (Array.isArray(u)) {
    for (const stage of u) {
      const name = isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
      if (!name || !PIPELINE_STAGES.has(name)) {
        throw new MongoCommandError(
          ErrorCodes.FailedToParse,
          `Invalid update pipeline: only $addFields, $set, $project, $unset, $replaceRoot and $replaceWith are allowed, got ${name ?? 'a non-object stage'}`,
        );
      }
    }
    return 'pipeline';
  }
  if (!isPlainObject(u)) throw badValue('update must be an object or an array');
  const keys = Object.keys(u);
  if (keys.length === 0 || !keys[0]!.startsWith('$')) {
    const dollar = keys.find((k) => k.startsWith('$'));
    if (dollar)
      throw badValue(
        `The dollar ($) prefixed field '${dollar}' in '${dollar}' is not allowed in the context of an update's replacement document.`,
      );
    return 'replacement';
  }
  for (const k of keys) {
    if (!UPDATE_OPERATORS.has(k)) {
      throw new MongoCommandError(
        ErrorCodes.FailedToParse,
        `Unknown modifier: ${k}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
    if (!isPlainObject(u[k])) {
      throw new MongoCommandError(
        ErrorCodes.FailedToParse,
        `Modifiers operate on fields but we found type ${Array.isArray(u[k]) ? 'array' : typeof u[k]} instead. For example: {$mod: {<field>: ...}} not {${k}: ${formatValue(u[k])}}`,
      );
    }
  }
  return 'operators';
}

function immutableIdError(): MongoCommandError {
  return new MongoCommandError(
    ErrorCodes.ImmutableField,
    "Performing an update on the path '_id' would modify the immutable field '_id'",
  );
}

function checkSize(doc: Doc): void {
  const size = BSON.calculateObjectSize(doc);
  if (size > MAX_BSON_OBJECT_SIZE) {
    throw new MongoCommandError(
      ErrorCodes.BSONObjectTooLarge,
      `Resulting document after update is larger than ${MAX_BSON_OBJECT_SIZE}`,
    );
  }
}

function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split('.');
  let node: Doc = doc;
  for (const part of parts.slice(0, -1)) {
    let next = node[part];
    if (!isPlainObject(next)) {
      next = {};
      node[part] = next;
    }
    node = next as Doc;
  }
  node[parts[parts.length - 1]!] = value;
}

function typeName(v: unknown): string {
  const r = typeRank(v);
  return (
    (
      {
        2: 'null',
        3: 'number',
        4: 'string',
        5: 'object',
        6: 'array',
        7: 'binData',
        8: 'objectId',
        9: 'bool',
        10: 'date',
      } as Record<number, string>
    )[r] ?? 'unknown'
  );
}

/** MongoDB's errors for type mismatches mingo silently skips. */
function checkOperandTypes(doc: Doc, modifier: Doc): void {
  const plainPaths = (spec: unknown) => Object.entries(spec as Doc).filter(([p]) => !p.includes('$'));
  for (const op of ['$inc', '$mul'] as const) {
    if (!modifier[op]) continue;
    for (const [path, amount] of plainPaths(modifier[op])) {
      if (typeRank(amount) !== 3) {
        throw new MongoCommandError(
          ErrorCodes.TypeMismatch,
          `Cannot ${op === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${formatValue(amount)}}`,
        );
      }
      const cur = getPath(doc, path);
      if (cur !== undefined && typeRank(cur) !== 3) {
        throw new MongoCommandError(
          ErrorCodes.TypeMismatch,
          `Cannot apply ${op} to a value of non-numeric type. {_id: ${formatValue(doc._id)}} has the field '${path}' of non-numeric type ${typeName(cur)}`,
        );
      }
    }
  }
  for (const op of ['$push', '$addToSet', '$pull', '$pullAll', '$pop'] as const) {
    if (!modifier[op]) continue;
    for (const [path] of plainPaths(modifier[op])) {
      const cur = getPath(doc, path);
      if (cur !== undefined && !Array.isArray(cur)) {
        throw badValue(
          `The field '${path}' must be an array but is of type ${typeName(cur)} in document {_id: ${formatValue(doc._id)}}`,
        );
      }
    }
  }
}

export interface ApplyOptions {
  arrayFilters?: Doc[];
  /** The filter of the update, for the positional `$` operator. */
  filter?: Doc;
  collation?: Collation;
  /** True while building the document an upsert inserts. */
  inserting?: boolean;
  variables?: Doc;
}

const SIMPLE_OPERATORS = new Set(['$set', '$unset', '$inc', '$mul', '$min', '$max', '$currentDate']);

/**
 * True when every path of the update runs through plain sub-documents only (no array, no
 * positional operator, no path inside another): then the engine applies it itself, with
 * the same result as mingo and without mingo's per-call set-up.
 */
function isSimple(doc: Doc, modifier: Doc): boolean {
  const paths: string[] = [];
  for (const [op, spec] of Object.entries(modifier)) {
    if (!SIMPLE_OPERATORS.has(op)) return false;
    for (const [path, value] of Object.entries(spec as Doc)) {
      if (path.includes('$') || path === '' || path.startsWith('.') || path.endsWith('.')) return false;
      if (op === '$currentDate' && value !== true && !(isPlainObject(value) && value.$type === 'date'))
        return false;
      let node: unknown = doc;
      const parts = path.split('.');
      for (const part of parts.slice(0, -1)) {
        node = (node as Doc)[part];
        if (node === undefined) break;
        if (!isPlainObject(node)) return false;
      }
      if (
        node !== undefined &&
        Array.isArray((node as Doc)[parts[parts.length - 1]!]) &&
        op !== '$set' &&
        op !== '$unset'
      ) {
        return false;
      }
      paths.push(path);
    }
  }
  paths.sort();
  for (let i = 1; i < paths.length; i++) {
    if (paths[i] === paths[i - 1] || paths[i]!.startsWith(`${paths[i - 1]}.`)) return false;
  }
  return true;
}

/** Applies a simple update in place (see isSimple); returns whether anything changed. */
function applySimple(doc: Doc, modifier: Doc): boolean {
  if (!isSimple(doc, modifier)) return false;
  let changed = false;
  const now = new Date();
  for (const [op, spec] of Object.entries(modifier)) {
    for (const [path, value] of Object.entries(spec as Doc)) {
      const parts = path.split('.');
      const leaf = parts[parts.length - 1]!;
      let parent: Doc | undefined = doc;
      for (const part of parts.slice(0, -1)) {
        let next: unknown = parent[part];
        if (next === undefined) {
          if (op === '$unset') {
            parent = undefined;
            break;
          }
          next = {};
          parent[part] = next;
        }
        parent = next as Doc;
      }
      if (!parent) continue;
      const had = Object.hasOwn(parent, leaf);
      const cur = parent[leaf];
      let next: unknown;
      switch (op) {
        case '$unset':
          if (had) {
            delete parent[leaf];
            changed = true;
          }
          continue;
        case '$set':
          next = cloneDoc(value);
          break;
        case '$inc':
          next = cur === undefined ? value : toNumber(cur) + toNumber(value);
          break;
        case '$mul':
          next = cur === undefined ? 0 : toNumber(cur) * toNumber(value);
          break;
        case '$min':
          next = !had || compareValues(value, cur) < 0 ? cloneDoc(value) : cur;
          break;
        case '$max':
          next = !had || compareValues(value, cur) > 0 ? cloneDoc(value) : cur;
          break;
        default:
          next = now;
      }
      if (!had || bsonTypeOf(cur) !== bsonTypeOf(next) || encodeKey(cur) !== encodeKey(next)) {
        parent[leaf] = next;
        changed = true;
      }
    }
  }
  return changed;
}

/** Puts `_id` first, as MongoDB stores it. */
function idFirst(doc: Doc): Doc {
  if (Object.keys(doc)[0] === '_id' || !('_id' in doc)) return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

/**
 * The new version of `doc` after `update`, or null when nothing changed. `doc` itself is never
 * mutated. Throws MongoDB-shaped errors.
 */
export function applyUpdate(doc: Doc, update: unknown, opts: ApplyOptions = {}): Doc | null {
  const kind = updateKind(update);
  const oldId = doc._id;
  let next: Doc;
  let changed = false;
  try {
    if (kind === 'replacement') {
      const replacement = update as Doc;
      if ('_id' in replacement && oldId !== undefined && encodeKey(replacement._id) !== encodeKey(oldId)) {
        throw new MongoCommandError(
          ErrorCodes.ImmutableField,
          `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${formatValue(replacement._id)}`,
        );
      }
      const { _id: _ignored, ...rest } = cloneDoc(replacement);
      next = oldId === undefined ? { ...rest } : { _id: oldId, ...rest };
      if (oldId === undefined && replacement._id !== undefined) next = { _id: replacement._id, ...rest };
      changed = encodeKey(next) !== encodeKey(doc);
    } else if (kind === 'pipeline') {
      const docs = [cloneDoc(doc)];
      mingoUpdateOne(docs, {}, update as any, {}, mingoOptions(opts.collation, opts.variables));
      next = docs[0]!;
      if (oldId !== undefined && encodeKey(next._id) !== encodeKey(oldId)) throw immutableIdError();
      changed = encodeKey(next) !== encodeKey(doc);
    } else {
      next = cloneDoc(doc);
      const modifier: Doc = { ...(update as Doc) };
      // $setOnInsert only applies when an upsert inserts; then it acts as $set.
      if (modifier.$setOnInsert) {
        if (opts.inserting) modifier.$set = { ...(modifier.$set as Doc), ...(modifier.$setOnInsert as Doc) };
        delete modifier.$setOnInsert;
      }
      // mingo refuses any write to _id; MongoDB accepts rewriting the same value.
      for (const op of ['$set', '$setOnInsert'] as const) {
        const spec = modifier[op] as Doc | undefined;
        if (!spec) continue;
        for (const path of Object.keys(spec)) {
          if (path !== '_id' && !path.startsWith('_id.')) continue;
          const value = spec[path];
          const current = getPath(next, path);
          if (current === undefined && opts.inserting && path === '_id') {
            next._id = cloneDoc(value);
            changed = true;
          } else if (encodeKey(current) !== encodeKey(value)) {
            throw immutableIdError();
          }
          const rest = { ...spec };
          delete rest[path];
          modifier[op] = rest;
        }
      }
      for (const op of [
        '$unset',
        '$inc',
        '$mul',
        '$rename',
        '$push',
        '$addToSet',
        '$pull',
        '$pop',
        '$min',
        '$max',
      ]) {
        const spec = modifier[op] as Doc | undefined;
        if (spec && Object.keys(spec).some((p) => p === '_id' || p.startsWith('_id.')))
          throw immutableIdError();
      }
      checkOperandTypes(next, modifier);
      // mingo's $push ignores $each/$sort/$slice when the field is missing: start from [].
      const push = modifier.$push as Doc | undefined;
      if (push) {
        for (const [path, spec] of Object.entries(push)) {
          if (!path.includes('$') && isOperatorObject(spec) && getPath(next, path) === undefined) {
            setPath(next, path, []);
            changed = true;
          }
        }
      }
      for (const k of Object.keys(modifier)) {
        if (Object.keys(modifier[k] as Doc).length === 0) delete modifier[k];
      }
      if (Object.keys(modifier).length > 0 && applySimple(next, modifier)) {
        changed = true;
      } else if (Object.keys(modifier).length > 0 && !isSimple(next, modifier)) {
        const positional = Object.values(modifier).some((spec) =>
          Object.keys(spec as Doc).some((p) => /\.\$(\.|$)/.test(p)),
        );
        const fields = mingoUpdate(
          next,
          modifier as any,
          opts.arrayFilters,
          positional ? (opts.filter as any) : undefined,
          { cloneMode: 'deep', queryOptions: mingoOptions(opts.collation, opts.variables) },
        );
        if (fields.length > 0) changed = true;
      }
    }
  } catch (err) {
    throw asCommandError(err);
  }
  if (!changed) return null;
  next = idFirst(next);
  checkSize(next);
  return next;
}

/** The document an upsert starts from: the filter's equality conditions. */
export function upsertSeed(filter: Doc | undefined): Doc {
  const seed: Doc = {};
  const visit = (f: Doc) => {
    for (const [k, v] of Object.entries(f)) {
      if (k === '$and' && Array.isArray(v)) {
        for (const sub of v) if (isPlainObject(sub)) visit(sub);
        continue;
      }
      if (k.startsWith('$')) continue;
      if (isOperatorObject(v)) {
        if ('$eq' in v) setPath(seed, k, cloneDoc(v.$eq));
        continue;
      }
      if (v instanceof RegExp) continue;
      setPath(seed, k, cloneDoc(v));
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
  const built = applyUpdate(seed, update, { ...opts, inserting: true }) ?? seed;
  const doc = built._id === undefined ? { _id: new ObjectId(), ...built } : idFirst(built);
  validateId(doc._id);
  return doc;
}

export function validateId(id: unknown): void {
  if (Array.isArray(id)) {
    throw new MongoCommandError(ErrorCodes.InvalidIdField, "The '_id' value cannot be of type array");
  }
  if (id instanceof RegExp) {
    throw new MongoCommandError(ErrorCodes.InvalidIdField, "The '_id' value cannot be of type regex");
  }
}

/** A document as inserted: `_id` first, generated when absent; size checked. */
export function prepareInsert(doc: unknown): Doc {
  if (!isPlainObject(doc)) throw badValue('document to insert must be an object');
  let out = doc;
  if (out._id === undefined) out = { _id: new ObjectId(), ...out };
  else out = idFirst(out);
  validateId(out._id);
  for (const k of Object.keys(out)) {
    if (k.startsWith('$')) throw badValue(`Document can't have $ prefixed field names: ${k}`);
  }
  return out;
}
