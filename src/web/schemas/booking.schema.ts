import { z } from 'zod';
import { localDate, localTime } from './dates.schema.ts';
import { blankToUndefined, requiredText } from './free-text.schema.ts';

/** A field a form may leave empty (undefined then), else checked by its schema. */
const optionalField = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

export const idTypeSchema = z.enum(['resident_id', 'passport', 'hk_macao_permit', 'taiwan_permit']);
export const languageSchema = z.enum(['zh-CN', 'en']);

export const partnerSchema = z.object({
  name: requiredText(50),
  idType: idTypeSchema,
  idNumber: requiredText(30),
  phone: requiredText(24),
  birthDate: optionalField(localDate),
  sex: optionalField(z.enum(['male', 'female'])),
});

export const partnersSchema = z.array(partnerSchema).length(2, { error: 'booking.two_partners' });
const email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ error: 'booking.email_invalid' }));

/** The web booking form (urlencoded: partners[0][name]...). */
export const bookingFormSchema = z.object({
  start: localTime,
  partners: partnersSchema,
  email,
  language: languageSchema,
  idempotencyKey: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,64}$/)
    .optional(),
});
export type BookingForm = z.infer<typeof bookingFormSchema>;

/** POST /api/v1/appointments. */
export const bookingApiSchema = z.object({
  officeId: requiredText(64),
  date: localDate,
  start: localTime,
  partners: partnersSchema,
  email,
  language: languageSchema.default('zh-CN'),
});
export type BookingApiBody = z.infer<typeof bookingApiSchema>;

export const moveSchema = z.object({ date: localDate, start: localTime });
/** The move page: a slot that gives up the ceremony place carries the couple's tick. */
export const moveFormSchema = moveSchema.extend({ giveUpCeremony: z.literal('yes').optional() });
/** The API's move: `giveUpCeremony: true` agrees to give up a ceremony place the new slot does not fit. */
export const moveApiSchema = moveSchema.extend({ giveUpCeremony: z.boolean().optional() });
export const lookupSchema = z.object({
  reference: requiredText(20),
  phoneLast4: z
    .string()
    .trim()
    .regex(/^\d{4}$/, { error: 'field.invalid' }),
});
export const rangeQuerySchema = z.object({ from: localDate, to: localDate });
export const monthQuerySchema = z.object({
  month: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .optional(),
});
