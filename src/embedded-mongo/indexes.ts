// Secondary indexes: a hash map from the leading field's key to document ids (equality and
// `$in` in O(1)), a sorted array of the distinct leading keys built on first range use and
// maintained from then on (range lookups in O(log n)), and for compound indexes a map of
// full keys (uniqueness). Keys come from values.ts's order-preserving encoding.

import { type Collation, parseCollation } from './collation.ts';
import { ErrorCodes, MongoCommandError } from './errors.ts';
import { compileFilter, type Matcher } from './filter/compile.ts';
import { type Doc, encodeKey, formatValue, pathValues } from './values.ts';

export interface IndexSpec {
  v: number;
  key: Doc;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Doc;
  expireAfterSeconds?: number;
  collation?: Doc;
  [option: string]: unknown;
}

type IdSet = string | Set<string>;

function addId(map: Map<string, IdSet>, key: string, id: string): boolean {
  const cur = map.get(key);
  if (cur === undefined) {
    map.set(key, id);
    return true;
  }
  if (typeof cur === 'string') {
    if (cur !== id) map.set(key, new Set([cur, id]));
  } else {
    cur.add(id);
  }
  return false;
}

/** Removes an id; true when the key has no id left. */
function removeId(map: Map<string, IdSet>, key: string, id: string): boolean {
  const cur = map.get(key);
  if (cur === undefined) return false;
  if (typeof cur === 'string') {
    if (cur !== id) return false;
    map.delete(key);
    return true;
  }
  cur.delete(id);
  if (cur.size === 1) map.set(key, cur.values().next().value as string);
  return false;
}

function hasOtherId(cur: IdSet | undefined, id: string): boolean {
  if (cur === undefined) return false;
  if (typeof cur === 'string') return cur !== id;
  return cur.size > 1 || !cur.has(id);
}

export function idsOf(cur: IdSet | undefined): Iterable<string> {
  if (cur === undefined) return [];
  return typeof cur === 'string' ? [cur] : cur;
}

function lowerBound(arr: string[], key: string): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface Entry {
  full: string;
  lead: string;
  values: unknown[];
}

export function defaultIndexName(key: Doc): string {
  return Object.entries(key)
    .map(([k, v]) => `${k}_${String(v)}`)
    .join('_');
}

const UNSUPPORTED_KINDS = new Set(['text', '2d', '2dsphere', 'geoHaystack', 'wildcard']);

export class Index {
  readonly spec: IndexSpec;
  readonly name: string;
  readonly fields: string[];
  readonly unique: boolean;
  readonly sparse: boolean;
  readonly partial: Matcher | null;
  readonly collation: Collation | undefined;
  readonly expireAfterSeconds: number | undefined;
  multikey = false;
  private readonly lead = new Map<string, IdSet>();
  private readonly full: Map<string, IdSet>;
  private sorted: string[] | null = null;

  constructor(spec: IndexSpec) {
    this.spec = spec;
    this.name = spec.name;
    this.fields = Object.keys(spec.key);
    if (this.fields.length === 0) {
      throw new MongoCommandError(ErrorCodes.CannotCreateIndex, 'Index keys cannot be empty.');
    }
    for (const [field, dir] of Object.entries(spec.key)) {
      if (typeof dir === 'string' && UNSUPPORTED_KINDS.has(dir)) {
        throw new MongoCommandError(
          ErrorCodes.CannotCreateIndex,
          `'${dir}' indexes (on ${field}) are not supported by the embedded engine`,
        );
      }
      if (field.startsWith('$') || field === '') {
        throw new MongoCommandError(
          ErrorCodes.CannotCreateIndex,
          `Index key contains an illegal field name: '${field}'`,
        );
      }
    }
    this.unique = spec.unique === true || spec.name === '_id_';
    this.sparse = spec.sparse === true;
    this.partial = spec.partialFilterExpression ? compileFilter(spec.partialFilterExpression) : null;
    this.collation = parseCollation(spec.collation);
    this.expireAfterSeconds =
      typeof spec.expireAfterSeconds === 'number' ? spec.expireAfterSeconds : undefined;
    this.full = this.fields.length === 1 ? this.lead : new Map();
  }

  /** A hidden index is maintained (uniqueness included) but never used to answer queries. */
  get hidden(): boolean {
    return this.spec.hidden === true;
  }

  get isId(): boolean {
    return this.name === '_id_';
  }

  get leadingField(): string {
    return this.fields[0]!;
  }

  /** The index entries of a document; none when sparse/partial leave it out. */
  entries(doc: Doc): Entry[] {
    if (this.partial && !this.partial(doc)) return [];
    if (this.fields.length === 1) return this.fieldEntries(doc);
    const perField: unknown[][] = [];
    let present = false;
    for (const f of this.fields) {
      const { values, multikey } = pathValues(doc, f);
      if (multikey) this.multikey = true;
      if (values.some((v) => v !== undefined)) present = true;
      perField.push(values);
    }
    if (this.sparse && !present) return [];
    const ck = this.collation?.key;
    if (perField.every((vs) => vs.length === 1)) {
      // One value per field (no array on the way): one entry, without the cross product.
      const values = perField.map((vs) => vs[0]);
      const keys = values.map((v) => encodeKey(v, ck));
      return [{ full: JSON.stringify(keys), lead: keys[0]!, values }];
    }
    const out: Entry[] = [];
    const seen = new Set<string>();
    const build = (i: number, values: unknown[], keys: string[]): void => {
      if (i === perField.length) {
        const full = keys.length === 1 ? keys[0]! : JSON.stringify(keys);
        if (!seen.has(full)) {
          seen.add(full);
          out.push({ full, lead: keys[0]!, values: [...values] });
        }
        return;
      }
      for (const v of perField[i]!) build(i + 1, [...values, v], [...keys, encodeKey(v, ck)]);
    };
    build(0, [], []);
    return out;
  }

  /** A single-field index's entries: one per distinct key among the values its path reaches. */
  private fieldEntries(doc: Doc): Entry[] {
    const { values, multikey } = pathValues(doc, this.fields[0]!);
    if (multikey) this.multikey = true;
    if (this.sparse && !values.some((v) => v !== undefined)) return [];
    const ck = this.collation?.key;
    const out: Entry[] = [];
    const seen = values.length > 1 ? new Set<string>() : null;
    for (const v of values) {
      const key = encodeKey(v, ck);
      if (seen?.has(key)) continue;
      seen?.add(key);
      out.push({ full: key, lead: key, values: [v] });
    }
    return out;
  }

  /** The duplicate-key error a write of `doc` (with id `id`) would raise, if any. */
  conflict(doc: Doc, id: string, ns: string): MongoCommandError | null {
    return this.unique ? this.conflictOf(this.entries(doc), id, ns) : null;
  }

  /** The duplicate-key error a document with these entries (and id `id`) would raise, if any. */
  conflictOf(entries: Entry[], id: string, ns: string): MongoCommandError | null {
    if (!this.unique) return null;
    for (const e of entries) {
      if (hasOtherId(this.full.get(e.full), id)) return this.duplicateError(ns, e.values);
    }
    return null;
  }

  duplicateError(ns: string, values: unknown[]): MongoCommandError {
    const keyValue: Doc = {};
    this.fields.forEach((f, i) => {
      keyValue[f] = values[i] === undefined ? null : values[i];
    });
    const shown = this.fields.map((f, i) => `${f}: ${formatValue(values[i])}`).join(', ');
    return new MongoCommandError(
      ErrorCodes.DuplicateKey,
      `E11000 duplicate key error collection: ${ns} index: ${this.name} dup key: { ${shown} }`,
      { keyPattern: { ...this.spec.key }, keyValue },
    );
  }

  add(doc: Doc, id: string): void {
    this.addEntries(this.entries(doc), id);
  }

  addEntries(entries: Entry[], id: string): void {
    for (const e of entries) {
      if (this.full !== this.lead) addId(this.full, e.full, id);
      if (addId(this.lead, e.lead, id) && this.sorted) {
        this.sorted.splice(lowerBound(this.sorted, e.lead), 0, e.lead);
      }
    }
  }

  remove(doc: Doc, id: string): void {
    this.removeEntries(this.entries(doc), id);
  }

  removeEntries(entries: Entry[], id: string): void {
    for (const e of entries) {
      if (this.full !== this.lead) removeId(this.full, e.full, id);
      if (removeId(this.lead, e.lead, id) && this.sorted) {
        const at = lowerBound(this.sorted, e.lead);
        if (this.sorted[at] === e.lead) this.sorted.splice(at, 1);
      }
    }
  }

  clear(): void {
    this.lead.clear();
    this.full.clear();
    this.sorted = null;
    this.multikey = false;
  }

  /** Ids whose leading field equals the encoded key. */
  lookup(key: string): Iterable<string> {
    return idsOf(this.lead.get(key));
  }

  countEqual(key: string): number {
    const cur = this.lead.get(key);
    return cur === undefined ? 0 : typeof cur === 'string' ? 1 : cur.size;
  }

  /** Ids whose leading key lies between two encoded bounds. */
  *range(lo: string, loInclusive: boolean, hi: string, hiInclusive: boolean): Iterable<string> {
    if (!this.sorted) this.sorted = [...this.lead.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const sorted = this.sorted;
    let i = lowerBound(sorted, lo);
    if (!loInclusive && sorted[i] === lo) i++;
    // Copy the keys first: the caller may write while iterating.
    const keys: string[] = [];
    for (; i < sorted.length; i++) {
      const k = sorted[i]!;
      if (k > hi || (!hiInclusive && k === hi)) break;
      keys.push(k);
    }
    for (const k of keys) yield* idsOf(this.lead.get(k));
  }

  /** Distinct leading keys in index order, ascending (1) or descending (-1). */
  *keysInOrder(direction: 1 | -1): Iterable<string> {
    if (!this.sorted) this.sorted = [...this.lead.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const keys = this.sorted.slice();
    if (direction === 1) for (const k of keys) yield k;
    else for (let i = keys.length - 1; i >= 0; i--) yield keys[i]!;
  }

  /** The description listIndexes returns. */
  describe(): Doc {
    return { ...this.spec };
  }
}
