// The schemas every "full" of a peak day goes through, compiled ahead of time by zod
// (`z.compile`): a body they accept is checked by code generated for that one schema, instead
// of the parser's walk through each of its nodes with a result object for every field. A body
// they do not accept is handed to the parser, so a refusal's issues (fields, messages) are the
// ones the schema always gave. A schema zod cannot compile (an async refinement, a construct
// its compiler does not model) is refused here, when the module loads, rather than left on the
// slower path without anyone noticing.
import { z } from 'zod';

export function compiled<T extends z.ZodType>(schema: T): T {
  return z.compile(schema, { strict: true });
}
