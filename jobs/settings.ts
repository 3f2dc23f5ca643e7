// When the job system writes and how hard it tries. Defaults suit production; tests and the
// benchmark pass overrides to startJobRunner (a short poll, a short backoff).
import { z } from 'zod';
import { DEFAULT_SETTLE_MS } from '../src/services/maintenance/maintenance-service.ts';

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:mm');

/**
 * A reminder before an appointment, in the office's zone: at a clock time some calendar days
 * before (the day before at 18:00, the day itself at 07:30), or some minutes before the start.
 * `id` names the reminder in its notification key, so it must stay stable once in use.
 */
export const reminderRuleSchema = z.union([
  z.object({
    id: z.string().regex(/^[a-z0-9_]+$/),
    daysBefore: z.number().int().min(0).max(14),
    at: clockTime,
  }),
  z.object({ id: z.string().regex(/^[a-z0-9_]+$/), minutesBefore: z.number().int().min(5).max(20_160) }),
]);
export type ReminderRule = z.infer<typeof reminderRuleSchema>;

const settingsSchema = z.object({
  /** How often each process looks for due jobs (ms). */
  processEvery: z.number().int().min(20).default(5_000),
  /** Jobs one process runs at once. */
  maxConcurrency: z.number().int().min(1).default(20),
  reminders: z.array(reminderRuleSchema).default([
    { id: 'day_before', daysBefore: 1, at: '18:00' },
    { id: 'same_day', daysBefore: 0, at: '07:30' },
  ]),
  /** The ceremony reminder: the day before the ceremony at noon, in the office's zone. */
  ceremonyReminder: z
    .object({ daysBefore: z.number().int().min(0).max(14), at: clockTime })
    .default({ daysBefore: 1, at: '12:00' }),
  /** A booked appointment not checked in this long after its slot ends is a no-show. */
  noShowGraceMinutes: z.number().int().min(0).default(30),
  /** The day's roster goes to an office's staff from this time (office zone) until `rosterUntil`. */
  rosterAt: clockTime.default('07:00'),
  rosterUntil: clockTime.default('12:00'),
  /** Monthly peak-day suggestions for administrators, from this day of the month and time on. */
  peakDigestDay: z.number().int().min(1).max(28).default(1),
  peakDigestAt: clockTime.default('09:00'),
  /** Nightly reconciliation: a cron time in a zone. */
  reconcileCron: z.string().default('30 3 * * *'),
  reconcileZone: z.string().default('Asia/Shanghai'),
  /** Reconciliation repairs only drift seen twice this far apart (in-flight bookings settle). */
  reconcileSettleMs: z.number().int().min(0).default(DEFAULT_SETTLE_MS),
  /** A booking must be this old before a missing person hold is restored for it. */
  holdRepairMinAgeMs: z
    .number()
    .int()
    .min(0)
    .default(5 * 60_000),
  /** Intervals of the periodic jobs (ms). */
  intervals: z
    .object({
      catchUp: z
        .number()
        .int()
        .min(1_000)
        .default(10 * 60_000),
      noShows: z
        .number()
        .int()
        .min(1_000)
        .default(5 * 60_000),
      roster: z
        .number()
        .int()
        .min(1_000)
        .default(10 * 60_000),
      peakDigest: z
        .number()
        .int()
        .min(1_000)
        .default(60 * 60_000),
      ceremonies: z.number().int().min(1_000).default(60_000),
      lottery: z.number().int().min(1_000).default(60_000),
      slotCounters: z
        .number()
        .int()
        .min(1_000)
        .default(5 * 60_000),
    })
    .default({
      catchUp: 10 * 60_000,
      noShows: 5 * 60_000,
      roster: 10 * 60_000,
      peakDigest: 60 * 60_000,
      ceremonies: 60_000,
      lottery: 60_000,
      slotCounters: 5 * 60_000,
    }),
  /** Start the periodic jobs (tests of one job turn them off). */
  periodic: z.boolean().default(true),
  mail: z
    .object({
      /** Attempts at a message before it is shown to staff as failed. */
      maxAttempts: z.number().int().min(1).default(5),
      /** First retry delay; each further retry waits twice as long, up to maxBackoffMs. */
      backoffMs: z.number().int().min(0).default(60_000),
      maxBackoffMs: z
        .number()
        .int()
        .min(0)
        .default(60 * 60_000),
      /** Messages one reminder batch sends at once. */
      concurrency: z.number().int().min(1).default(8),
    })
    .default({ maxAttempts: 5, backoffMs: 60_000, maxBackoffMs: 60 * 60_000, concurrency: 8 }),
});

export type JobSettings = z.infer<typeof settingsSchema>;
export type JobSettingsInput = z.input<typeof settingsSchema>;

export function jobSettings(input: JobSettingsInput = {}): JobSettings {
  const settings = settingsSchema.parse(input);
  const ids = settings.reminders.map((r) => r.id);
  if (new Set(ids).size !== ids.length) throw new Error('jobSettings: reminder ids must be unique');
  return settings;
}

/** Delay before retry number `attempt` (1 = the first retry). */
export function backoffDelay(settings: JobSettings, attempt: number): number {
  const delay = settings.mail.backoffMs * 2 ** Math.max(0, attempt - 1);
  return Math.min(delay, settings.mail.maxBackoffMs);
}
