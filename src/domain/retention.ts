// The retention of personal data (PIPL): how long a booking's or a lottery application's
// names, ID numbers, phones and e-mail addresses are kept, and when the nightly erasure runs.
// Pure: the clock and the office's zone are inputs.
import { addDays, localDateOf, zonedInstant } from './local-time.ts';
import type { LocalDate } from './schedule-types.ts';

/**
 * The nightly erasure: 04:00 in Beijing time, after the reconciliation (03:30), when no office
 * serves. One constant for the job's schedule and for the page that tells staff the next run.
 */
export const RETENTION_RUN = { hour: 4, minute: 0, zone: 'Asia/Shanghai' } as const;
export const RETENTION_CRON = `${RETENTION_RUN.minute} ${RETENTION_RUN.hour} * * *`;

/**
 * The first local date that is still kept: a record dated before it (an appointment's date, a
 * lottery day) has had `days` full days since and is erased. With 180 days, on 1 July a
 * booking of 2 January (180 days before) is kept and one of 1 January is erased.
 */
export function keptFrom(now: Date, zone: string, days: number): LocalDate {
  return addDays(localDateOf(now, zone), -days);
}

/** When the nightly erasure runs next, strictly after `now`. */
export function nextRetentionRun(now: Date): Date {
  const { hour, minute, zone } = RETENTION_RUN;
  const time = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
  const today = localDateOf(now, zone);
  const at = zonedInstant(today, time, zone);
  return at > now ? at : zonedInstant(addDays(today, 1), time, zone);
}
