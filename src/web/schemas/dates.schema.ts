// Dates and times as forms and URLs send them: one schema each, for every area.
import { z } from 'zod';
import { isDateTimeInput, isLocalDate } from '../../domain/local-time.ts';
import type { MessageKey } from '../../i18n/translate.ts';

/** A real calendar day (not 2026-02-30) in years a registry deals with: the domain's date math assumes one. */
export const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'field.invalid_date' })
  .refine(
    (s) => {
      const year = Number(s.slice(0, 4));
      return isLocalDate(s) && year >= 1900 && year <= 2199;
    },
    { error: 'field.invalid_date' },
  );

/** A wall-clock time of day, 'HH:mm'. */
export const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'field.invalid_time' });

/** An office-local date and time as a datetime-local field sends it ('yyyy-MM-ddTHH:mm'). */
export const dateTimeInput = (error: MessageKey) => z.string().trim().refine(isDateTimeInput, { error });
