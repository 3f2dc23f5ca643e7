// Find projections as MongoDB applies them: inclusion keeps the document's own field order
// (so `_id` comes first), exclusion copies the rest; `$slice`, `$elemMatch` (also with an
// operator-only condition), the positional `field.$`, and aggregation expressions.

import { evaluateExpression } from './aggregation/expressions.ts';
import type { Collation } from './collation.ts';
import { badValue, ErrorCodes, MongoCommandError } from './errors.ts';
import { compileDocument, type MatchDetails } from './filter/compile.ts';
import { fieldPredicate, isOperatorDocument } from './filter/field.ts';
import { cloneDoc, type Doc, isPlainObject, setField } from './values.ts';

interface Node {
  children: Map<string, Node>;
  /** A leaf: 1 included, 0 excluded. */
  leaf?: 0 | 1;
  slice?: unknown;
  elemMatch?: (el: unknown) => boolean;
  expression?: unknown;
  positional?: boolean;
}

export type Projector = (docs: Doc[], details?: MatchDetails[]) => Doc[];

function newNode(): Node {
  return { children: new Map() };
}

function isInclusionValue(v: unknown): v is number | boolean | bigint {
  return (
    typeof v === 'boolean' ||
    typeof v === 'number' ||
    typeof v === 'bigint' ||
    (v as { _bsontype?: string } | null)?._bsontype === 'Double'
  );
}

interface Parsed {
  root: Node;
  inclusion: boolean;
  excludeId: boolean;
  positional: boolean;
}

function parse(projection: Doc, collation?: Collation): Parsed {
  const root = newNode();
  let inclusion: boolean | undefined;
  let excludeId = false;
  let positional = false;
  const mode = (incl: boolean, path: string) => {
    if (inclusion === undefined) inclusion = incl;
    else if (inclusion !== incl) {
      throw new MongoCommandError(
        incl ? 31253 : 31254,
        incl
          ? `Cannot do inclusion on field ${path} in exclusion projection`
          : `Cannot do exclusion on field ${path} in inclusion projection`,
      );
    }
  };
  for (const [rawPath, v] of Object.entries(projection)) {
    let path = rawPath;
    const node = (() => {
      if (path.endsWith('.$')) {
        if (positional)
          throw new MongoCommandError(31276, 'Cannot specify more than one positional projection per query.');
        positional = true;
        path = path.slice(0, -2);
      }
      let n = root;
      for (const part of path.split('.')) {
        if (part === '' || part.startsWith('$'))
          throw badValue(`FieldPath field names may not start with '$'. Given: ${rawPath}`);
        let next = n.children.get(part);
        if (!next) {
          next = newNode();
          n.children.set(part, next);
        }
        n = next;
      }
      return n;
    })();
    if (rawPath.endsWith('.$')) {
      mode(true, rawPath);
      node.positional = true;
    } else if (isInclusionValue(v)) {
      const on = Number(v) !== 0;
      if (path === '_id') {
        excludeId = !on;
        node.leaf = on ? 1 : 0;
        continue;
      }
      mode(on, path);
      node.leaf = on ? 1 : 0;
    } else if (isPlainObject(v) && Object.keys(v).length === 1 && '$slice' in v) {
      node.slice = v.$slice;
    } else if (isPlainObject(v) && Object.keys(v).length === 1 && '$elemMatch' in v) {
      node.elemMatch = elemMatchTest(v.$elemMatch, collation);
    } else if (isPlainObject(v) && '$meta' in v) {
      throw new MongoCommandError(
        ErrorCodes.NotImplemented,
        '$meta projections are not supported by the embedded engine',
      );
    } else {
      mode(true, path);
      node.expression = v;
    }
  }
  return { root, inclusion: inclusion ?? false, excludeId, positional };
}

function elemMatchTest(spec: unknown, collation?: Collation): (el: unknown) => boolean {
  if (!isPlainObject(spec)) throw badValue('elemMatch: Invalid argument, object required.');
  if (isOperatorDocument(spec) && !['$and', '$or', '$nor', '$expr'].includes(Object.keys(spec)[0]!)) {
    const m = fieldPredicate('x', spec, { collation, compileDocument });
    return (el) => m({ x: el });
  }
  const m = compileDocument(spec, { collation }, true);
  return (el) => el !== null && typeof el === 'object' && m(el as Doc);
}

function sliceArray(arr: unknown[], spec: unknown): unknown[] {
  if (Array.isArray(spec)) {
    const [skip, limit] = spec.map(Number) as [number, number];
    if (!(limit > 0)) throw badValue('$slice limit must be positive');
    const from = skip < 0 ? Math.max(0, arr.length + skip) : skip;
    return arr.slice(from, from + limit);
  }
  const n = Number(spec);
  return n < 0 ? arr.slice(Math.max(0, arr.length + n)) : arr.slice(0, n);
}

function include(
  doc: Doc,
  node: Node,
  root: Doc,
  pos: number | undefined,
  isRoot: boolean,
  excludeId: boolean,
): Doc {
  const out: Doc = {};
  for (const key of Object.keys(doc)) {
    const child = node.children.get(key);
    if (!child) {
      if (isRoot && key === '_id' && !excludeId) setField(out, key, cloneDoc(doc[key]));
      continue;
    }
    const v = doc[key];
    if (child.expression !== undefined || child.elemMatch) continue;
    if (child.positional) {
      if (!Array.isArray(v) || pos === undefined || pos >= v.length) {
        throw new MongoCommandError(
          51246,
          "Executor error during find command :: caused by :: positional operator '.$' couldn't find a matching element in the array",
        );
      }
      setField(out, key, [cloneDoc(v[pos])]);
    } else if (child.leaf === 1) {
      setField(
        out,
        key,
        child.slice !== undefined && Array.isArray(v) ? sliceArray(v, child.slice) : cloneDoc(v),
      );
    } else if (child.slice !== undefined) {
      setField(out, key, Array.isArray(v) ? sliceArray(v, child.slice) : cloneDoc(v));
    } else if (child.leaf === 0) {
    } else if (isPlainObject(v)) {
      setField(out, key, include(v, child, root, pos, false, excludeId));
    } else if (Array.isArray(v)) {
      setField(out, key, includeArray(v, child, root, pos, excludeId));
    }
  }
  applySpecials(doc, out, node, root);
  return out;
}

function includeArray(
  arr: unknown[],
  node: Node,
  root: Doc,
  pos: number | undefined,
  excludeId: boolean,
): unknown[] {
  const out: unknown[] = [];
  for (const el of arr) {
    if (isPlainObject(el)) out.push(include(el, node, root, pos, false, excludeId));
    else if (Array.isArray(el)) out.push(includeArray(el, node, root, pos, excludeId));
  }
  return out;
}

function exclude(doc: Doc, node: Node, root: Doc, isRoot: boolean, excludeId: boolean): Doc {
  const out: Doc = {};
  for (const key of Object.keys(doc)) {
    const v = doc[key];
    const child = node.children.get(key);
    if (isRoot && key === '_id' && excludeId) continue;
    if (!child) {
      setField(out, key, cloneDoc(v));
      continue;
    }
    if (child.leaf === 0 || child.elemMatch) continue;
    if (child.slice !== undefined && child.children.size === 0) {
      setField(out, key, Array.isArray(v) ? sliceArray(v, child.slice) : cloneDoc(v));
    } else if (isPlainObject(v)) {
      setField(out, key, exclude(v, child, root, false, excludeId));
    } else if (Array.isArray(v)) {
      setField(
        out,
        key,
        v.map((el) => (isPlainObject(el) ? exclude(el, child, root, false, excludeId) : cloneDoc(el))),
      );
    } else {
      setField(out, key, cloneDoc(v));
    }
  }
  applySpecials(doc, out, node, root);
  return out;
}

/** $elemMatch and expression fields, after the document's own fields, in projection order. */
function applySpecials(doc: Doc, out: Doc, node: Node, root: Doc): void {
  for (const [key, child] of node.children) {
    if (child.elemMatch) {
      const v = doc[key];
      if (!Array.isArray(v)) continue;
      const hit = v.find((el) => child.elemMatch!(el));
      if (hit !== undefined) setField(out, key, [cloneDoc(hit)]);
    } else if (child.expression !== undefined) {
      const value = evaluateExpression(root, child.expression, {});
      if (value !== undefined) setField(out, key, value);
    }
  }
}

/** A find projection as a function over documents, or null for none. Validates it now. */
export function projector(projection: unknown, collation?: Collation): Projector | null {
  if (projection === undefined || projection === null) return null;
  if (!isPlainObject(projection)) throw badValue('projection must be an object');
  if (Object.keys(projection).length === 0) return null;
  const parsed = parse(projection, collation);
  const { root, excludeId } = parsed;
  const onlySpecial = [...root.children.entries()].every(
    ([k, n]) =>
      k === '_id' ||
      (n.leaf === undefined && !n.positional && n.expression === undefined && n.children.size === 0),
  );
  const hasElemMatch = [...root.children.values()].some((n) => n.elemMatch);
  // $slice alone (or with exclusions) keeps every other field; $elemMatch alone is an inclusion.
  const inclusion = parsed.inclusion || (onlySpecial && hasElemMatch);
  return (docs, details) =>
    docs.map((doc, i) =>
      inclusion
        ? include(doc, root, doc, details?.[i]?.pos, true, excludeId)
        : exclude(doc, root, doc, true, excludeId),
    );
}
