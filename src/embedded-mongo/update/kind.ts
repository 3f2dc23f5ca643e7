// What an update document is (operators, a replacement or a pipeline) and the checks MongoDB
// makes before applying one: known operators, operands of the right type, and no two operators
// on one path or on a path and its parent (ConflictingUpdateOperators, 40).
import { badValue, ErrorCodes, MongoCommandError } from '../errors.ts';
import { numberKind } from '../numbers.ts';
import { type Doc, formatValue, isPlainObject } from '../values.ts';

export const UPDATE_OPERATORS = new Set([
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
    if (dollar) {
      throw badValue(
        `The dollar ($) prefixed field '${dollar}' in '${dollar}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`,
      );
    }
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

export interface Modification {
  op: string;
  path: string;
  value: unknown;
}

/** Numeric order for numeric path steps, string order otherwise (MongoDB 5.0+ applies updates so). */
function comparePaths(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    if (/^\d+$/.test(x) && /^\d+$/.test(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** The modifications of an operator update, validated and in the order they apply. */
export function modifications(update: Doc, inserting: boolean): Modification[] {
  const out: Modification[] = [];
  const claimed: string[] = [];
  for (const [op, spec] of Object.entries(update)) {
    for (const [path, value] of Object.entries(spec as Doc)) {
      if (path === '' || path.startsWith('.') || path.endsWith('.') || path.includes('..')) {
        throw new MongoCommandError(56, `An empty update path is not valid.`);
      }
      if (path.startsWith('$') && !inserting) {
        throw new MongoCommandError(
          52,
          `The dollar ($) prefixed field '${path.split('.')[0]}' in '${path}' is not valid for storage.`,
        );
      }
      if ((op === '$inc' || op === '$mul') && numberKind(value) === null) {
        throw new MongoCommandError(
          ErrorCodes.TypeMismatch,
          `Cannot ${op === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${formatValue(value)}}`,
        );
      }
      if (op === '$rename') {
        if (typeof value !== 'string')
          throw badValue(`The 'to' field for $rename must be a string: ${path}: ${formatValue(value)}`);
        if (value === path)
          throw badValue(`The source and target field for $rename must differ: ${path}: "${value}"`);
        claimed.push(value);
      }
      claimed.push(path);
      if (op === '$setOnInsert' && !inserting) continue;
      out.push({ op: op === '$setOnInsert' ? '$set' : op, path, value });
    }
  }
  checkConflicts(claimed);
  return out.sort((a, b) => comparePaths(a.path, b.path));
}

function checkConflicts(paths: string[]): void {
  for (let i = 0; i < paths.length; i++) {
    for (let j = i + 1; j < paths.length; j++) {
      const [a, b] = paths[i]!.length <= paths[j]!.length ? [paths[i]!, paths[j]!] : [paths[j]!, paths[i]!];
      if (a === b || b.startsWith(`${a}.`)) {
        throw new MongoCommandError(40, `Updating the path '${b}' would create a conflict at '${a}'`);
      }
    }
  }
}
