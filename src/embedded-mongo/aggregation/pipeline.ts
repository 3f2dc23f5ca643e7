// Running an aggregation pipeline over documents the engine found. Stages that work document by
// document run in chunks with yields between them (budget.ts), so a long pipeline does not hold
// other connections up; stages that need every document ($group, $sort, ...) run in one piece.
// `$bucket` is rewritten as the `$group` MongoDB documents it to be, and BSON regular
// expressions become JavaScript ones for mingo's string operators.
import { BSONRegExp } from 'bson';
import { Aggregator } from 'mingo/aggregator';
import type { Budget } from '../budget.ts';
import type { Collation } from '../collation.ts';
import { asCommandError } from '../errors.ts';
import { toRegExp } from '../filter/leaf.ts';
import { cloneDoc, type Doc, isPlainObject } from '../values.ts';
import { mingoOptions } from './expressions.ts';

const PER_DOCUMENT = new Set([
  '$match',
  '$project',
  '$addFields',
  '$set',
  '$unset',
  '$replaceRoot',
  '$replaceWith',
  '$unwind',
  '$lookup',
  '$redact',
]);
const CHUNK = 64;

/** Pipeline literals as mingo takes them: JavaScript regular expressions. */
function forMingo(v: unknown): unknown {
  if (v instanceof BSONRegExp) return toRegExp(v.pattern, v.options);
  if (Array.isArray(v)) return v.map(forMingo);
  if (isPlainObject(v)) {
    const out: Doc = {};
    for (const [k, x] of Object.entries(v)) out[k] = forMingo(x);
    return out;
  }
  return v;
}

/**
 * MongoDB's `$bucket` puts a value equal to a boundary in the bucket that starts there; mingo
 * puts it in the one before. Rewrite `$bucket` as the `$group` MongoDB documents, nested too.
 */
export function rewritePipeline(pipeline: Doc[]): Doc[] {
  return pipeline.flatMap((stage): Doc[] => {
    const [name] = Object.keys(stage);
    const spec = name ? (stage[name] as Doc) : undefined;
    if (name === '$bucket' && spec && Array.isArray(spec.boundaries)) {
      const bounds = spec.boundaries as unknown[];
      // `then` is the $switch branch field, not a thenable (built by key to say so).
      const branches = bounds.slice(0, -1).map((lo, i) =>
        Object.fromEntries([
          ['case', { $and: [{ $gte: [spec.groupBy, lo] }, { $lt: [spec.groupBy, bounds[i + 1]] }] }],
          ['then', lo],
        ]),
      );
      const $switch: Doc = { branches };
      if (spec.default !== undefined) $switch.default = { $literal: spec.default };
      const output = (spec.output as Doc | undefined) ?? { count: { $sum: 1 } };
      return [{ $group: { _id: { $switch }, ...output } }, { $sort: { _id: 1 } }];
    }
    if (name === '$facet' && spec) {
      return [
        {
          $facet: Object.fromEntries(
            Object.entries(spec).map(([k, sub]) => [
              k,
              Array.isArray(sub) ? rewritePipeline(sub as Doc[]) : sub,
            ]),
          ),
        },
      ];
    }
    if ((name === '$lookup' || name === '$unionWith') && spec && Array.isArray(spec.pipeline)) {
      return [{ [name]: { ...spec, pipeline: rewritePipeline(spec.pipeline as Doc[]) } }];
    }
    return [stage];
  });
}

export interface PipelineOptions {
  collation?: Collation;
  variables?: Doc;
  collectionResolver: (name: string) => Doc[];
  budget: Budget;
}

export async function runPipeline(input: Doc[], stages: Doc[], opts: PipelineOptions): Promise<Doc[]> {
  if (stages.length === 0) return input;
  const pipeline = forMingo(rewritePipeline(stages)) as Doc[];
  // Each foreign collection is read once per pipeline run, however many chunks look it up.
  const read = new Map<string, Doc[]>();
  const collectionResolver = (name: string) => {
    const cached = read.get(name);
    if (cached) return cached;
    const docs = opts.collectionResolver(name);
    read.set(name, docs);
    return docs;
  };
  const options = { ...mingoOptions(opts.collation, opts.variables), collectionResolver };
  try {
    let split = 0;
    while (split < pipeline.length && PER_DOCUMENT.has(Object.keys(pipeline[split]!)[0]!)) split++;
    let docs = input;
    if (split > 0) {
      const streaming = new Aggregator(pipeline.slice(0, split), options as never);
      const out: Doc[] = [];
      for (let i = 0; i < docs.length; i += CHUNK) {
        out.push(...(streaming.run(docs.slice(i, i + CHUNK).map(cloneDoc)) as Doc[]));
        if (opts.budget.due()) await opts.budget.pause();
      }
      docs = out;
    } else {
      docs = docs.map(cloneDoc);
    }
    if (split < pipeline.length)
      docs = new Aggregator(pipeline.slice(split), options as never).run(docs) as Doc[];
    opts.budget.check();
    return docs;
  } catch (err) {
    throw asCommandError(err);
  }
}
