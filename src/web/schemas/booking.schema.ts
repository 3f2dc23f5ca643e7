import { z } from 'zod';
import { compiled } from './compiled.schema.ts';
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

/** E-mail may be left out: messages then go by text to the contact phone (always required). */
export const optionalEmail = optionalField(email);
/** Which partner's phone messages go to: 0 the first (when left out), 1 the second. */
export const contactPartnerSchema = z.preprocess(
  blankToUndefined,
  z.coerce.number({ error: 'field.invalid' }).int().min(0).max(1, { error: 'field.invalid' }).optional(),
);
/** The code sent to the contact phone, on days that ask for a verified phone. */
export const verificationCodeSchema = optionalField(
  z
    .string()
    .trim()
    .regex(/^\d{6}$/, { error: 'verification.code_format' }),
);

/** The web booking form (urlencoded: partners[0][name]...), compiled: each form's "full" is read by it. */
export const bookingFormSchema = compiled(
  z.object({
    start: localTime,
    partners: partnersSchema,
    email: optionalEmail,
    contactPartner: contactPartnerSchema,
    verificationCode: verificationCodeSchema,
    language: languageSchema,
    idempotencyKey: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,64}$/)
      .optional(),
  }),
);
export type BookingForm = z.infer<typeof bookingFormSchema>;

/** POST /api/v1/appointments, compiled: each "full" the API answers is read by it first. */
export const bookingApiSchema = compiled(
  z.object({
    officeId: requiredText(64),
    date: localDate,
    start: localTime,
    partners: partnersSchema,
    email: optionalEmail,
    contactPartner: contactPartnerSchema,
    verificationCode: verificationCodeSchema,
    language: languageSchema.default('zh-CN'),
  }),
);
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
