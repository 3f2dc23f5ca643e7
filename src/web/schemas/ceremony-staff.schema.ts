// The coordinators' forms: a ceremony session, a status change, roster actions.
import { z } from 'zod';
import type { CeremonyInput } from '../../services/ceremony/ceremony-service.ts';
import { localDate, localTime } from './booking.schema.ts';

const objectId = z.string().regex(/^[a-f0-9]{24}$/i, { error: 'field.invalid' });
const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).optional().default('');
const whole = (min: number, max: number) =>
  z.coerce
    .number({ error: 'field.invalid_number' })
    .int({ error: 'field.invalid_number' })
    .min(min, { error: 'field.invalid_number' })
    .max(max, { error: 'field.invalid_number' });

/** New and edited sessions (flat field names: titleZh, titleEn...). */
export const ceremonyFormSchema = z.object({
  officeId: objectId.optional(),
  date: localDate,
  start: localTime,
  durationMinutes: whole(10, 480),
  titleZh: text(60),
  titleEn: optionalText(120),
  themeZh: optionalText(60),
  themeEn: optionalText(120),
  hallZh: text(60),
  hallEn: optionalText(120),
  presenterZh: optionalText(60),
  presenterEn: optionalText(120),
  programmeZh: optionalText(1000),
  programmeEn: optionalText(2000),
  seats: whole(1, 200),
  minCouples: whole(0, 200),
  signupDeadline: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/, { error: 'field.invalid_date' }),
  offerHours: whole(1, 168),
  status: z.enum(['draft', 'open']).optional(),
});
export type CeremonyForm = z.infer<typeof ceremonyFormSchema>;

const pair = (zh: string, en: string) => ({ zh, en });
const maybe = (zh: string, en: string) => (zh ? pair(zh, en) : undefined);

export function ceremonyInput(f: CeremonyForm): CeremonyInput {
  const theme = maybe(f.themeZh, f.themeEn);
  const presenter = maybe(f.presenterZh, f.presenterEn);
  const programme = maybe(f.programmeZh, f.programmeEn);
  return {
    date: f.date,
    start: f.start,
    durationMinutes: f.durationMinutes,
    title: pair(f.titleZh, f.titleEn),
    hall: pair(f.hallZh, f.hallEn),
    ...(theme ? { theme } : {}),
    ...(presenter ? { presenter } : {}),
    ...(programme ? { programme } : {}),
    seats: f.seats,
    minCouples: f.minCouples,
    signupDeadline: f.signupDeadline,
    offerHours: f.offerHours,
  };
}

export const ceremonyStatusSchema = z.object({ status: z.enum(['draft', 'open', 'closed', 'held']) });
export const addCoupleSchema = z.object({ reference: text(20) });
export const attendanceSchema = z.object({ attended: z.enum(['yes', 'no']) });
export const reorderSchema = z.object({ direction: z.enum(['up', 'down']) });
export const staffListQuerySchema = z.object({ past: z.enum(['1']).optional() });
