// $regexFind, $regexFindAll and $regexMatch with the engine's regular expressions: a pattern given
// as a string or held in a document is read as PCRE (filter/pcre.ts), not handed to JavaScript
// as it is; `idx` counts code points, as MongoDB's does; and an empty match moves on by one
// character, so `$regexFindAll` with a pattern such as `x*` ends.
import { BSONRegExp } from 'bson';
import { evalExpr } from 'mingo/core';
import { bsonTypeName } from '../bson-types.ts';
import { badValue, MongoCommandError } from '../errors.ts';
import { toRegExp } from '../filter/leaf.ts';
import { isPlainObject } from '../values.ts';

type Op = (obj: unknown, expr: any, options: any) => unknown;
interface Match {
  match: string;
  idx: number;
  captures: (string | null)[];
}

function compile(name: string, regex: unknown, options: unknown): RegExp {
  if (options !== undefined && options !== null && typeof options !== 'string')
    throw new MongoCommandError(51106, `${name} needs 'options' to be of type string`);
  const extra = (options as string | undefined) ?? '';
  if (regex instanceof RegExp) {
    if (extra)
      throw new MongoCommandError(
        51107,
        `${name} found regex option(s) specified in both 'regex' and 'option' fields`,
      );
    return new RegExp(regex.source, `${regex.flags.replace('g', '')}g`);
  }
  if (regex instanceof BSONRegExp) {
    if (extra && regex.options)
      throw new MongoCommandError(
        51107,
        `${name} found regex option(s) specified in both 'regex' and 'option' fields`,
      );
    const re = toRegExp(regex.pattern, regex.options || extra);
    return new RegExp(re.source, `${re.flags}g`);
  }
  if (typeof regex !== 'string')
    throw new MongoCommandError(51105, `${name} needs 'regex' to be of type string or regex`);
  const re = toRegExp(regex, extra);
  return new RegExp(re.source, `${re.flags}g`);
}

/** The matches of the expression's regex in its input (the first only unless `all`), or null. */
function search(name: string, obj: unknown, expr: unknown, options: unknown, all: boolean): Match[] | null {
  if (!isPlainObject(expr) || !('input' in expr) || !('regex' in expr))
    throw badValue(`${name} expects an object with 'input' and 'regex'`);
  const input = evalExpr(obj, expr.input, options as never);
  const regex = evalExpr(obj, expr.regex, options as never);
  const opts = evalExpr(obj, expr.options, options as never);
  if (input === null || input === undefined || regex === null || regex === undefined) return null;
  if (typeof input !== 'string')
    throw new MongoCommandError(
      51104,
      `${name} needs 'input' to be of type string, not ${bsonTypeName(input)}`,
    );
  const re = compile(name, regex, opts);
  const found: Match[] = [];
  let codePoints = 0;
  let counted = 0;
  for (let m = re.exec(input); m; m = re.exec(input)) {
    codePoints += [...input.slice(counted, m.index)].length;
    counted = m.index;
    found.push({ match: m[0], idx: codePoints, captures: m.slice(1).map((c) => c ?? null) });
    if (!all) break;
    if (m[0] === '') re.lastIndex += (input.codePointAt(re.lastIndex) ?? 0) > 0xffff ? 2 : 1;
  }
  return found;
}

export const regexExpressionOps: Record<string, Op> = {
  $regexFind: (obj, expr, options) => search('$regexFind', obj, expr, options, false)?.[0] ?? null,
  $regexFindAll: (obj, expr, options) => search('$regexFindAll', obj, expr, options, true) ?? [],
  $regexMatch: (obj, expr, options) => (search('$regexMatch', obj, expr, options, false)?.length ?? 0) > 0,
};
