import type { Schema } from 'mongoose';

/**
 * A new document as Mongoose stores it on create, for the hot paths that insert documents
 * built by hand: the fields given, the values the schema would default (`defaults`), both
 * timestamps and the version key. An idempotency key is left out rather than stored as null,
 * since its unique index is sparse.
 */
export function storedOnCreate<T extends { idempotencyKey?: string }, D extends object>(
  fields: T,
  defaults: D,
  now: Date,
): T & D & { createdAt: Date; updatedAt: Date; __v: number } {
  const doc = { ...fields, ...defaults, createdAt: now, updatedAt: now, __v: 0 };
  if (doc.idempotencyKey) return doc;
  const { idempotencyKey: _absent, ...withoutKey } = doc;
  return withoutKey as typeof doc;
}

interface PathRule {
  path: string;
  /** The path's steps (a nested path, not a subdocument, is named with dots: preference.kind). */
  steps: string[];
  required: boolean;
  values?: ReadonlySet<unknown>;
  /** The rules of each element of an array of subdocuments. */
  each?: PathRule[];
}

function rulesOf(schema: Schema): PathRule[] {
  const rules: PathRule[] = [];
  schema.eachPath((path, type) => {
    const options = type.options as { required?: unknown; enum?: unknown[] };
    const sub = (type as unknown as { schema?: Schema }).schema;
    const enumValues = (type as unknown as { enumValues?: unknown[] }).enumValues;
    const rule: PathRule = { path, steps: path.split('.'), required: options.required === true };
    if (enumValues?.length) rule.values = new Set(enumValues);
    if (sub) rule.each = rulesOf(sub);
    if (rule.required || rule.values || rule.each) rules.push(rule);
  });
  return rules;
}

function problems(rules: PathRule[], doc: Record<string, unknown>, prefix = ''): string[] {
  const found: string[] = [];
  for (const rule of rules) {
    let value: unknown = doc;
    for (const step of rule.steps) value = (value as Record<string, unknown> | undefined)?.[step];
    if (value === undefined || value === null) {
      if (rule.required) found.push(`${prefix}${rule.path} is required`);
    } else if (rule.values && !rule.values.has(value)) {
      found.push(`${prefix}${rule.path} is not one of its values`);
    } else if (rule.each && Array.isArray(value)) {
      for (const [i, item] of value.entries())
        found.push(...problems(rule.each, item, `${prefix}${rule.path}.${i}.`));
    }
  }
  return found;
}

/**
 * A cheap stand-in for Mongoose's validation of documents built by hand (storedOnCreate): the
 * paths the schema requires are there and the ones it enumerates hold one of its values. The
 * rush inserts documents with the driver, many in one command, because building a Mongoose
 * document for each to validate it costs more than the insert; this costs a few comparisons.
 * The fields come from the booking and lottery services, already checked; what is left to
 * catch is a mistake in the code that builds them, so a refusal is an error, not a 422.
 */
export function storedShapeCheck(schema: Schema): (doc: object) => void {
  const rules = rulesOf(schema);
  return (doc) => {
    const found = problems(rules, doc as Record<string, unknown>);
    if (found.length)
      throw new Error(`a document built by hand does not fit its schema: ${found.join('; ')}`);
  };
}
