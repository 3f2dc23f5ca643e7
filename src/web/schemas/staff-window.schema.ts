import { z } from 'zod';
import { localDate } from './dates.schema.ts';
import { blankToUndefined, optionalText, requiredText } from './free-text.schema.ts';
import { int } from './staff-common.schema.ts';

const optionalDate = z.preprocess(blankToUndefined, localDate.optional());

/** Adding a window; with both dates it is a temporary window for that range. */
export const windowAddSchema = z
  .object({ name: requiredText(30), from: optionalDate, to: optionalDate })
  .refine((w) => (w.from === undefined) === (w.to === undefined), {
    path: ['to'],
    message: 'staff.window_range_both',
  });

/** Renaming, opening/closing, or moving a temporary window's dates. */
export const windowUpdateSchema = z.object({
  name: optionalText(30),
  open: z.enum(['yes', 'no']).optional(),
  from: optionalDate,
  to: optionalDate,
});

export const couplesPerWindowSchema = z.object({ couplesPerWindow: int(1, 50) });
