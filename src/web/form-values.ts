// A form's values on their way in and out: the field messages of a failed schema, what a
// refused form shows again of what was typed, and the hidden inputs that post it again.
import type { z } from 'zod';
import { hasMessage } from '../i18n/translate.ts';
import type { FieldMessage } from '../services/errors.ts';

/** Maps zod issues to field messages with keys the views and the API translate. */
export function fieldMessages(error: z.ZodError): Record<string, FieldMessage> {
  const fields: Record<string, FieldMessage> = {};
  for (const issue of error.issues) {
    const path = issue.path.join('.') || '_';
    if (fields[path]) continue;
    // Schemas name a message key as their error text (e.g. { error: 'field.invalid_date' }).
    if (hasMessage(issue.message)) fields[path] = { key: issue.message };
    else if (issue.code === 'too_big' && issue.origin === 'string')
      fields[path] = { key: 'field.too_long', params: { max: Number(issue.maximum) } };
    else if (issue.code === 'invalid_type' && issue.input === undefined)
      fields[path] = { key: 'field.required' };
    else if (issue.code === 'too_small' && issue.origin === 'string' && Number(issue.minimum) === 1)
      fields[path] = { key: 'field.required' };
    else if (issue.code === 'invalid_format' && issue.format === 'email')
      fields[path] = { key: 'field.invalid_email' };
    else fields[path] = { key: 'field.invalid' };
  }
  return fields;
}

/**
 * What a refused form shows again: text only, at most a few levels deep. A crafted body
 * ({ name: { toString: '' } }) would otherwise make the page fail to render.
 */
export function formEcho(input: unknown, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (input === null || typeof input !== 'object' || depth > 3) return out;
  for (const [k, v] of Object.entries(input)) {
    // An echoed object may be printed as text: it must keep the ordinary toString/valueOf.
    if (k === 'toString' || k === 'valueOf' || k === '__proto__' || k === 'constructor') continue;
    const echoed = echo(v, depth);
    if (echoed !== undefined) out[k] = echoed;
  }
  return out;
}

/** A value of a form as it is shown again: text, a list (checkboxes), or a group of fields. */
function echo(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value;
  if (Array.isArray(value))
    return depth > 3 ? [] : value.map((v) => echo(v, depth + 1)).filter((v) => v !== undefined);
  if (value !== null && typeof value === 'object') return formEcho(value, depth + 1);
  return undefined;
}

/** A form's fields as the hidden inputs that post them again (partners[0][name] and so on). */
export function formInputs(values: Record<string, unknown>, prefix = ''): [string, string][] {
  const out: [string, string][] = [];
  for (const [key, value] of Object.entries(values)) {
    const name = prefix ? `${prefix}[${key}]` : key;
    if (typeof value === 'string') out.push([name, value]);
    else if (value && typeof value === 'object')
      out.push(...formInputs(value as Record<string, unknown>, name));
  }
  return out;
}
