import { z } from 'zod';
import { localTime } from './dates.schema.ts';
import { blankToUndefined } from './free-text.schema.ts';

/** A whole number typed in a form, within bounds; empty is undefined. */
export const optionalInt = (min: number, max: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'field.invalid_number' })
      .int({ error: 'field.invalid_number' })
      .min(min)
      .max(max)
      .optional(),
  );
export const int = (min: number, max: number) =>
  z.coerce.number({ error: 'field.invalid_number' }).int({ error: 'field.invalid_number' }).min(min).max(max);

/** A checkbox: present ('on', 'yes', 'true', '1') or absent. */
export const checkbox = z.preprocess(
  (v) => v === 'on' || v === 'yes' || v === 'true' || v === '1',
  z.boolean(),
);

/** An object id from a form or URL. */
export const objectId = z.string().regex(/^[a-f0-9]{24}$/i, { error: 'field.invalid' });

/** A list from repeated form fields (offices=a&offices=b) or a single one. */
export const stringList = z.preprocess(
  (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.string().max(64)).max(100),
);

/**
 * Opening hours typed as '09:00-12:00, 13:30-17:00' (also with a full-width comma, a
 * semicolon, a new line, an en dash or a tilde). Empty gives an empty list.
 */
export const sessionsText = z.preprocess(
  (v) => (typeof v === 'string' ? v : ''),
  z
    .string()
    .max(200)
    .transform((text, ctx) => {
      const parts = text
        .split(/[,，;；\n]+/)
        .map((p) => p.trim())
        .filter(Boolean);
      const sessions: { start: string; end: string }[] = [];
      for (const part of parts) {
        const m = /^(\d{1,2}):(\d{2})\s*[-–—~～至]\s*(\d{1,2}):(\d{2})$/.exec(part);
        const pad = (h: string, mm: string) => `${h.padStart(2, '0')}:${mm}`;
        const start = m ? pad(m[1]!, m[2]!) : '';
        const end = m ? pad(m[3]!, m[4]!) : '';
        if (!m || !localTime.safeParse(start).success || !localTime.safeParse(end).success) {
          ctx.addIssue({ code: 'custom', message: 'staff.sessions_format' });
          return z.NEVER;
        }
        sessions.push({ start, end });
      }
      if (sessions.length > 4) {
        ctx.addIssue({ code: 'custom', message: 'staff.sessions_too_many' });
        return z.NEVER;
      }
      return sessions;
    }),
);

export function sessionsToText(sessions: { start: string; end: string }[] | undefined): string {
  return (sessions ?? []).map((s) => `${s.start}-${s.end}`).join(', ');
}

export const stepSchema = z.enum(['preview', 'apply']).default('preview');
