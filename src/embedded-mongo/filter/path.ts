// The values a query path reaches in a document, as MongoDB's matcher walks it: arrays met on
// the way are traversed element by element (a numeric step indexes the array instead), and an
// array at the end is offered both whole and element by element. Each value remembers the
// position in the first array it came through: the element the positional `$` stands for.
import { own } from '../values.ts';

export interface PathValue {
  value: unknown;
  /** Index in the first array traversed, for the positional operator. */
  pos?: number;
}

const NUMERIC = /^\d+$/;

function isObjectLike(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !(v instanceof Date) && !(v instanceof RegExp);
}

/**
 * Every value at `parts` (split path). `expandLeaf`: offer an array at the end element by
 * element too. A path that reaches nothing yields one `undefined` (missing).
 */
export function pathValues(doc: unknown, parts: readonly string[], expandLeaf: boolean): PathValue[] {
  const out: PathValue[] = [];
  walk(doc, parts, 0, undefined, expandLeaf, out);
  if (out.length === 0) out.push({ value: undefined });
  return out;
}

function walk(
  node: unknown,
  parts: readonly string[],
  i: number,
  pos: number | undefined,
  expandLeaf: boolean,
  out: PathValue[],
): void {
  if (i === parts.length) {
    out.push(pos === undefined ? { value: node } : { value: node, pos });
    if (expandLeaf && Array.isArray(node)) {
      for (let j = 0; j < node.length; j++) out.push({ value: node[j], pos: pos ?? j });
    }
    return;
  }
  if (!isObjectLike(node)) {
    out.push(pos === undefined ? { value: undefined } : { value: undefined, pos });
    return;
  }
  const part = parts[i]!;
  if (!Array.isArray(node)) {
    walk(own(node, part), parts, i + 1, pos, expandLeaf, out);
    return;
  }
  if (NUMERIC.test(part)) {
    const index = Number(part);
    if (index < node.length) walk(node[index], parts, i + 1, pos, expandLeaf, out);
    // Documents in the array may also have a field named like the number.
    for (let j = 0; j < node.length; j++) {
      const el = node[j];
      if (isObjectLike(el) && !Array.isArray(el) && Object.hasOwn(el, part)) {
        walk(el[part], parts, i + 1, pos ?? j, expandLeaf, out);
      }
    }
    return;
  }
  for (let j = 0; j < node.length; j++) {
    const el = node[j];
    // Scalars in the array have no fields; nested arrays are not entered by a field name.
    if (isObjectLike(el) && !Array.isArray(el)) walk(own(el, part), parts, i + 1, pos ?? j, expandLeaf, out);
  }
}

/** The value at a dotted path without array traversal except numeric steps (for `$expr`-free reads). */
export function plainValue(doc: unknown, parts: readonly string[]): unknown {
  let node: unknown = doc;
  for (const part of parts) {
    if (Array.isArray(node)) {
      if (!NUMERIC.test(part)) return undefined;
      node = node[Number(part)];
    } else {
      node = own(node, part);
    }
    if (node === undefined) return undefined;
  }
  return node;
}
