import { z } from 'zod';
import { dateTimeInput } from './dates.schema.ts';
import { linesText, optionalMultilineText, optionalText, requiredText } from './free-text.schema.ts';
import { checkbox, int, optionalInt, sessionsText, stepSchema } from './staff-common.schema.ts';

/** The day-plan form (POST /staff/offices/:officeId/plans/:date). */
export const planFormSchema = z.object({
  step: stepSchema,
  fingerprint: z.string().max(64).optional(),
  kind: z.enum(['closed', 'special', 'peak']),
  labelZh: optionalText(40),
  labelEn: optionalText(60),
  sessions: sessionsText,
  slotMinutes: optionalInt(5, 240),
  windowsOpen: optionalInt(0, 50),
  extraWindows: optionalInt(0, 50),
  couplesPerWindow: optionalInt(0, 50),
  extraQuotaPerSlot: optionalInt(-500, 500),
  quotaPerSlot: optionalInt(0, 1000),
  messageZh: optionalMultilineText(300),
  messageEn: optionalMultilineText(500),
  bookingOpensAt: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    dateTimeInput('staff.invalid_datetime').optional(),
  ),
});
export type PlanForm = z.infer<typeof planFormSchema>;

/** Removing a day's plan (back to the weekly template). */
export const planRemoveSchema = z.object({
  step: stepSchema,
  fingerprint: z.string().max(64).optional(),
});

/** The emergency-closure form. */
export const closeDaySchema = z.object({
  step: stepSchema,
  fingerprint: z.string().max(64).optional(),
  messageZh: optionalMultilineText(300),
  messageEn: optionalMultilineText(500),
});

export const WEEKDAY_KEYS = ['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7'] as const;

const weekdayForm = z.object({
  open: checkbox,
  sessions: sessionsText,
  slotMinutes: int(5, 240),
  windowsOpen: int(0, 50),
});

/**
 * The weekly template form: one group per weekday, keyed w1 (Monday) .. w7 (Sunday) because
 * the form parser would turn numeric keys into a compacted array.
 */
export const templateFormSchema = z.object({
  step: stepSchema,
  fingerprint: z.string().max(64).optional(),
  days: z.object(
    Object.fromEntries(WEEKDAY_KEYS.map((k) => [k, weekdayForm])) as Record<
      (typeof WEEKDAY_KEYS)[number],
      typeof weekdayForm
    >,
  ),
});
export type TemplateForm = z.infer<typeof templateFormSchema>;

/** The holiday-notice import: the CSV text pasted (or read from a file by the page's script). */
export const importFormSchema = z.object({
  step: stepSchema,
  csv: linesText(60_000),
});

/** The office's own peak day (e.g. 9 September, "长长久久"). */
export const customPeakSchema = z.object({
  month: int(1, 12),
  day: int(1, 31),
  labelZh: requiredText(40),
  labelEn: optionalText(60),
});
export const customPeakRemoveSchema = z.object({ month: int(1, 12), day: int(1, 31) });
