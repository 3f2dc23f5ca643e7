// The coordinators' forms: a ceremony session, a status change, roster actions.
import { z } from 'zod';
import type { CeremonyInput } from '../../services/ceremony/ceremony-service.ts';
import { dateTimeInput, localDate, localTime } from './dates.schema.ts';
import { optionalMultilineText, optionalText, requiredText } from './free-text.schema.ts';

const objectId = z.string().regex(/^[a-f0-9]{24}$/i, { error: 'field.invalid' });
/** An optional field of a session: empty is ''. */
const optional = (max: number) => optionalText(max).transform((v) => v ?? '');
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
  titleZh: requiredText(60),
  titleEn: optional(120),
  themeZh: optional(60),
  themeEn: optional(120),
  hallZh: requiredText(60),
  hallEn: optional(120),
  presenterZh: optional(60),
  presenterEn: optional(120),
  programmeZh: optionalMultilineText(1000).transform((v) => v ?? ''),
  programmeEn: optionalMultilineText(2000).transform((v) => v ?? ''),
  seats: whole(1, 200),
  minCouples: whole(0, 200),
  signupDeadline: dateTimeInput('field.invalid_date'),
  offerHours: whole(1, 168),
  status: z.enum(['draft', 'open']).optional(),
  /** Ticked: open the session although the office is closed that day (audited). */
  openOnClosedDay: z.enum(['yes']).optional(),
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

export const ceremonyStatusSchema = z.object({
  status: z.enum(['draft', 'open', 'closed', 'held']),
  openOnClosedDay: z.enum(['yes']).optional(),
});

/** The service's options from the override box of a form. */
export const openOptions = (f: { openOnClosedDay?: 'yes' | undefined }) => ({
  openOnClosedDay: f.openOnClosedDay === 'yes',
});
export const addCoupleSchema = z.object({ reference: requiredText(20) });
export const attendanceSchema = z.object({ attended: z.enum(['yes', 'no']) });
export const reorderSchema = z.object({ direction: z.enum(['up', 'down']) });
export const staffListQuerySchema = z.object({ past: z.enum(['1']).optional() });
