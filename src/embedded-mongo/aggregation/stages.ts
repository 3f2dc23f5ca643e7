// Pipeline stages the engine runs itself instead of mingo's: `$match` (the engine's matcher),
// `$sort` (BSON order, UTF-8 strings), `$lookup` (join keys and a pipeline together, as
// MongoDB 5.0+ allows), and `$project` (fields in document order, `_id` first).
import { Aggregator } from 'mingo/aggregator';
import { evalExpr } from 'mingo/core';
import { $project as mingoProject } from 'mingo/operators/pipeline';
import { parseCollation } from '../collation.ts';
import { badValue } from '../errors.ts';
import { compileFilter } from '../filter/compile.ts';
import { pathValues } from '../filter/path.ts';
import { encodeKey } from '../keys.ts';
import { parseSort, sortDocs } from '../sort.ts';
import { type Doc, isPlainObject, setField } from '../values.ts';

/** A mingo lazy sequence, as far as these stages use it. */
interface Sequence {
  filter(f: (o: Doc) => boolean): Sequence;
  map(f: (o: Doc) => Doc): Sequence;
  transform(f: (docs: Doc[]) => Iterator<Doc>): Sequence;
}

type Stage = (coll: Sequence, spec: any, options: any) => Sequence;

/** Variables visible to a stage: the command's `let` and those a `$lookup` binds. */
function variablesOf(options: any): Doc {
  return { ...(options.variables ?? {}), ...(options.local?.variables ?? {}) };
}

const $match: Stage = (coll, spec, options) => {
  if (!isPlainObject(spec)) throw badValue('the match filter must be an expression in an object');
  const match = compileFilter(spec, {
    collation: parseCollation(options.collation),
    variables: variablesOf(options),
  });
  return coll.filter((doc) => match(doc));
};

const $sort: Stage = (coll, spec, options) => {
  const sort = parseSort(spec);
  if (!sort) throw badValue('$sort stage must have at least one sort key');
  const collation = parseCollation(options.collation);
  return coll.transform((docs) => sortDocs(docs, sort, collation)[Symbol.iterator]());
};

/** Keys of the values a path reaches (arrays expanded); a missing value keys as null. */
function joinKeys(doc: Doc, path: string): string[] {
  return [...new Set(pathValues(doc, path.split('.'), true).map((c) => encodeKey(c.value)))];
}

const $lookup: Stage = (coll, spec, options) => {
  if (!isPlainObject(spec) || typeof spec.as !== 'string') throw badValue("$lookup requires an 'as' field");
  const from: Doc[] = typeof spec.from === 'string' ? options.collectionResolver(spec.from) : [];
  const joined = typeof spec.localField === 'string' && typeof spec.foreignField === 'string';
  let index: Map<string, Doc[]> | null = null;
  if (joined) {
    index = new Map();
    for (const doc of from) {
      for (const key of joinKeys(doc, spec.foreignField as string)) {
        const list = index.get(key);
        if (list) list.push(doc);
        else index.set(key, [doc]);
      }
    }
  }
  const pipeline = Array.isArray(spec.pipeline) ? (spec.pipeline as Doc[]) : null;
  const as = spec.as;
  return coll.map((doc) => {
    let matches = from;
    if (index) {
      const seen = new Set<Doc>();
      for (const key of joinKeys(doc, spec.localField as string))
        for (const m of index.get(key) ?? []) seen.add(m);
      matches = from.filter((m) => seen.has(m));
    }
    if (pipeline) {
      const letVars = spec.let ? (evalExpr(doc, spec.let, options) as Doc) : {};
      const opts = {
        ...options.options,
        context: options.context,
        variables: { ...variablesOf(options), ...letVars },
      };
      matches = new Aggregator(pipeline, opts).run(matches) as Doc[];
    }
    const out = { ...doc };
    setField(out, as, matches);
    return out;
  });
};

/** Fields of `out` in the order of `input` (nested documents too), new fields after them. */
function inDocumentOrder(out: Doc, input: Doc): Doc {
  const ordered: Doc = {};
  for (const k of Object.keys(input)) {
    if (!Object.hasOwn(out, k)) continue;
    const v = out[k];
    const before = input[k];
    setField(ordered, k, isPlainObject(v) && isPlainObject(before) ? inDocumentOrder(v, before) : v);
  }
  for (const k of Object.keys(out)) if (!Object.hasOwn(ordered, k)) setField(ordered, k, out[k]);
  return ordered;
}

/** mingo's $project, with MongoDB's field order: the document's, `_id` first, computed fields last. */
const $project: Stage = (coll, spec, options) => {
  const inputs: Doc[] = [];
  const source = coll.map((doc) => {
    inputs.push(doc);
    return doc;
  });
  return (mingoProject(source as never, spec, options) as unknown as Sequence).map((out) =>
    inDocumentOrder(out, inputs.shift() ?? {}),
  );
};

export const engineStages: Record<string, Stage> = { $match, $sort, $lookup, $project };
