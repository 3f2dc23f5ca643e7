// Where an update operator writes: a path with the positional `$` (the element the filter
// matched), `$[]` (every element) or `$[id]` (the elements an array filter accepts) becomes the
// concrete paths it stands for; walking a concrete path creates what is missing, and a field
// asked of an array or a scalar is PathNotViable (28), as in MongoDB.
import { badValue, ErrorCodes, MongoCommandError } from '../errors.ts';
import type { Matcher } from '../filter/compile.ts';
import { type Doc, formatValue, isPlainObject, own, setField } from '../values.ts';

export interface TargetContext {
  /** Position of the filter's match in the first array of its path (positional `$`). */
  pos: number | undefined;
  /** Compiled array filters by identifier; `used` collects the identifiers met. */
  arrayFilters: Map<string, Matcher>;
  used: Set<string>;
}

const NUMERIC = /^\d+$/;

/** Error 28: the path cannot be created through this value. */
export function pathNotViable(part: string, holder: string, value: unknown): MongoCommandError {
  return new MongoCommandError(
    28,
    `Cannot create field '${part}' in element {${holder}: ${formatValue(value)}}`,
  );
}

/** The concrete paths (as parts) a path with positional elements stands for in `doc`. */
export function expandTargets(doc: Doc, path: string, ctx: TargetContext): string[][] {
  const parts = path.split('.');
  if (!parts.some((p) => p.startsWith('$'))) return [parts];
  const out: string[][] = [];
  const walk = (node: unknown, i: number, prefix: string[]): void => {
    if (i === parts.length) {
      out.push(prefix);
      return;
    }
    const part = parts[i]!;
    if (part === '$' || part === '$[]' || /^\$\[[a-z][a-zA-Z0-9]*\]$/.test(part)) {
      const field = prefix.join('.');
      if (part === '$') {
        if (ctx.pos === undefined) {
          throw badValue('The positional operator did not find the match needed from the query.');
        }
        if (!Array.isArray(node))
          throw badValue(`The positional operator did not find the match needed from the query.`);
        walk(node[ctx.pos], i + 1, [...prefix, String(ctx.pos)]);
        return;
      }
      if (!Array.isArray(node)) {
        throw badValue(`The path '${field}' must exist in the document in order to apply array updates.`);
      }
      const id = part === '$[]' ? null : part.slice(2, -1);
      let test: Matcher | undefined;
      if (id !== null) {
        test = ctx.arrayFilters.get(id);
        if (!test) throw badValue(`No array filter found for identifier '${id}' in path '${path}'`);
        ctx.used.add(id);
      }
      for (let j = 0; j < node.length; j++) {
        if (!test || test({ [id!]: node[j] })) walk(node[j], i + 1, [...prefix, String(j)]);
      }
      return;
    }
    if (part.startsWith('$') && i > 0 && !isPlainObject(node)) {
      throw badValue(`Unrecognized positional element '${part}' in path '${path}'`);
    }
    const next = Array.isArray(node) && NUMERIC.test(part) ? node[Number(part)] : own(node, part);
    walk(next, i + 1, [...prefix, part]);
  };
  walk(doc, 0, []);
  return out;
}

/**
 * The container and key a concrete path writes to. `create`: make missing documents on the
 * way (a missing array element becomes part of a longer array, padded with nulls). Without
 * `create`, null when the path does not exist.
 */
export function locate(
  doc: Doc,
  parts: string[],
  create: boolean,
): { parent: Doc | unknown[]; key: string } | null {
  let node: Doc | unknown[] = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i]!;
    let next: unknown;
    if (Array.isArray(node)) {
      if (!NUMERIC.test(part)) {
        if (!create) return null;
        throw pathNotViable(part, parts.slice(0, i).join('.'), node);
      }
      next = node[Number(part)];
    } else {
      next = own(node, part);
    }
    if (
      next === undefined ||
      (next === null && Array.isArray(node) && create && Number(part) >= node.length)
    ) {
      if (!create) return null;
      next = {};
      write(node, part, next);
    } else if (
      next === null ||
      typeof next !== 'object' ||
      next instanceof Date ||
      (next as { _bsontype?: string })._bsontype
    ) {
      if (!create) return null;
      throw pathNotViable(parts[i + 1]!, parts.slice(0, i + 1).join('.'), next);
    }
    node = next as Doc | unknown[];
  }
  const key = parts[parts.length - 1]!;
  if (Array.isArray(node) && !NUMERIC.test(key)) {
    if (!create) return null;
    throw pathNotViable(key, parts.slice(0, -1).join('.'), node);
  }
  return { parent: node, key };
}

/** Writes a field or an array element (an array grows with nulls to reach the index). */
export function write(parent: Doc | unknown[], key: string, value: unknown): void {
  if (Array.isArray(parent)) {
    const i = Number(key);
    while (parent.length < i) parent.push(null);
    parent[i] = value;
  } else {
    setField(parent, key, value);
  }
}

export function read(parent: Doc | unknown[], key: string): unknown {
  return Array.isArray(parent) ? parent[Number(key)] : own(parent, key);
}

export function has(parent: Doc | unknown[], key: string): boolean {
  return Array.isArray(parent) ? Number(key) < parent.length : Object.hasOwn(parent, key);
}

/** MongoDB's code for an update that would need an unused array filter. */
export function unusedArrayFilter(id: string): MongoCommandError {
  return new MongoCommandError(
    ErrorCodes.FailedToParse,
    `The array filter for identifier '${id}' was not used in the update`,
  );
}
