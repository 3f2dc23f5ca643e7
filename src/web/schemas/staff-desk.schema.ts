// Staff cancelling or moving a booking for a couple who phones: a reason is required.
import { z } from 'zod';
import { localDate, localTime } from './dates.schema.ts';
import { requiredText } from './free-text.schema.ts';

const reason = z
  .string({ error: 'staff.desk.reason_required' })
  .trim()
  .min(1, { error: 'staff.desk.reason_required' })
  .pipe(requiredText(200));

export const deskCancelSchema = z.object({ reason });

export const deskMoveSchema = z.object({
  date: localDate,
  start: localTime,
  reason,
  /** The couple was told that the new slot gives up its ceremony seat. */
  giveUpSeat: z.enum(['yes']).optional(),
});

/** The day whose open slots the move page lists. */
export const deskMoveQuerySchema = z.object({ date: localDate.optional() });
