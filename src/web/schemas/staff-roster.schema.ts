import { z } from 'zod';
import { partnersSchema } from './booking.schema.ts';
import { localDate, localTime } from './dates.schema.ts';
import { blankToUndefined, optionalText } from './free-text.schema.ts';

export const rosterQuerySchema = z.object({
  date: z.preprocess(blankToUndefined, localDate.optional()),
  q: optionalText(50),
  window: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(99).optional()),
});

/** A roster button; a no-show is marked only with its confirmation (else the button asks). */
export const rosterActionSchema = z.object({ confirm: z.enum(['yes']).optional() });

/** A walk-in or phone booking taken by staff. E-mail is optional: the couple is at the desk. */
export const walkInSchema = z.object({
  start: localTime,
  partners: partnersSchema,
  email: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .max(254)
      .pipe(z.email({ error: 'booking.email_invalid' }))
      .optional(),
  ),
  language: z.enum(['zh-CN', 'en']).default('zh-CN'),
  idempotencyKey: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,64}$/)
    .optional(),
  /** Explicit confirmation to book past a full slot. */
  confirmOverbook: z.enum(['yes']).optional(),
});

export const auditQuerySchema = z.object({
  office: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[a-f0-9]{24}$/i)
      .optional(),
  ),
  action: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[a-z_.]{1,40}$/)
      .optional(),
  ),
  target: z.preprocess(blankToUndefined, z.string().max(80).optional()),
  page: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(10_000).optional()),
});
