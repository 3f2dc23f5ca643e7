import { z } from 'zod';
import { MAX_RANKED, type Preference } from '../../domain/lottery.ts';
import {
  contactPartnerSchema,
  languageSchema,
  optionalEmail,
  partnersSchema,
  verificationCodeSchema,
} from './booking.schema.ts';
import { dateTimeInput, localDate, localTime } from './dates.schema.ts';
import { requiredText } from './free-text.schema.ts';

const idempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,64}$/)
  .optional();
const localDateTime = dateTimeInput('lottery.invalid_datetime');

const preferenceKind = z.enum(['any', 'morning', 'afternoon', 'ranked'], {
  error: 'lottery.preference.kind',
});
/** Ranked choices as the form sends them (empty selects dropped). */
const rankedStarts = z.preprocess(
  (v) => (Array.isArray(v) ? v.filter((s) => s !== '') : typeof v === 'string' && v !== '' ? [v] : []),
  z.array(localTime).max(MAX_RANKED, { error: 'lottery.preference.ranked_too_many' }),
);

function toPreference(kind: z.infer<typeof preferenceKind>, starts: string[]): Preference {
  return kind === 'ranked' ? { kind, starts } : { kind };
}

/** The web application form (urlencoded: partners[0][name]..., preference, ranked[0]...). */
export const applyFormSchema = z
  .object({
    partners: partnersSchema,
    email: optionalEmail,
    contactPartner: contactPartnerSchema,
    verificationCode: verificationCodeSchema,
    language: languageSchema,
    preference: preferenceKind,
    ranked: rankedStarts,
    idempotencyKey,
  })
  .transform(({ preference, ranked, ...rest }) => ({
    ...rest,
    preference: toPreference(preference, ranked),
  }));
export type ApplyForm = z.infer<typeof applyFormSchema>;

/** POST /api/v1/lottery/applications. */
export const applyApiSchema = z.object({
  officeId: requiredText(64),
  date: localDate,
  partners: partnersSchema,
  email: optionalEmail,
  contactPartner: contactPartnerSchema,
  verificationCode: verificationCodeSchema,
  language: languageSchema.default('zh-CN'),
  preference: z
    .object({ kind: preferenceKind, starts: z.array(localTime).max(MAX_RANKED).optional() })
    .transform(({ kind, starts }) => toPreference(kind, starts ?? [])),
});
export type ApplyApiBody = z.infer<typeof applyApiSchema>;

/** The public check page: a seed to recompute the draw with, and optionally one's reference. */
export const checkQuerySchema = z.object({
  seed: z.string().trim().max(200).optional(),
  reference: z.string().trim().max(20).optional(),
});

/** Staff: a day's allocation mode and lottery times. */
export const lotterySettingsSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('fcfs') }),
  z.object({
    mode: z.literal('lottery'),
    opensAt: localDateTime,
    closesAt: localDateTime,
    drawAt: localDateTime,
    confirmHours: z.coerce.number({ error: 'field.invalid_number' }).int({ error: 'field.invalid_number' }),
  }),
]);

/** Staff: the reserved pool of a day. */
export const reserveSchema = z.object({
  perSlot: z.coerce.number({ error: 'field.invalid_number' }).int({ error: 'field.invalid_number' }).min(0),
  releaseAt: z.preprocess((v) => (v === '' ? undefined : v), localDateTime.optional()),
});

/** Staff: a priority-channel booking from the reserve. */
export const priorityBookingSchema = z.object({
  start: localTime,
  partners: partnersSchema,
  email: optionalEmail,
  language: languageSchema,
  idempotencyKey,
});

export const resultQuerySchema = z.object({ page: z.coerce.number().int().min(1).max(100_000).catch(1) });
