// The job catalogue: every job's name and the payload it carries. Payloads hold only plain
// JSON (ids, ISO instants) and never a secret: the manage token is not in any of them.
import type { CeremonyFacts, NotificationSpec } from '../src/services/notifications/specs.ts';

export const JOB = {
  /** The booking confirmation, when it could not be sent right after booking (catch-up sweep). */
  confirmation: 'booking.confirmation',
  /** The reminders of one office due at one instant (e.g. every booking of a date, the day before at 18:00). */
  reminders: 'appointment.reminders',
  /** A notice to a couple: cancellation, move, closure, no-show, ceremony changes. */
  notice: 'notification.notice',
  /** One couple's reminder of its ceremony. */
  ceremonyReminder: 'ceremony.reminder',
  /** Another attempt at a message that failed transiently. */
  retry: 'notification.retry',
  /** Periodic: bookings saved without their jobs (the process died in between) get them. */
  catchUp: 'appointments.catch-up',
  /** Periodic: booked appointments past their slot's end plus grace become no-shows. */
  noShows: 'appointments.mark-no-shows',
  /** Periodic: each office's staff get the day's roster in the morning. */
  roster: 'staff.daily-roster',
  /** Periodic: administrators get the coming peak days once a month. */
  peakDigest: 'admin.peak-day-suggestions',
  /** Nightly: slot counters, person holds and ceremony seats recounted and repaired. */
  reconcile: 'maintenance.reconcile',
  /** Periodic (and at start): counters of upcoming slots recounted, so places lost to a crash come back. */
  slotCounters: 'maintenance.slot-counters',
  /** Periodic: expired ceremony offers, ceremonies past their sign-up deadline. */
  ceremonies: 'ceremonies.upkeep',
  /** Periodic: lottery draws due, lapsed confirmations, reserved pools released. */
  lottery: 'lottery.upkeep',
  /** Nightly: personal data past RETENTION_DAYS erased (services.retention.run). */
  retention: 'privacy.retention',
} as const;

export type JobName = (typeof JOB)[keyof typeof JOB];

export type NoticeSpec = Exclude<
  NotificationSpec,
  | { kind: 'confirmation' }
  | { kind: 'reminder' }
  | { kind: 'ceremony_reminder' }
  | { kind: 'roster' }
  | { kind: 'peak_days' }
>;

export interface JobPayloads {
  [JOB.confirmation]: { appointmentId: string };
  [JOB.reminders]: { officeId: string; reminder: string; dueAt: string; date?: string; startsAt?: string };
  [JOB.notice]: { spec: NoticeSpec };
  [JOB.ceremonyReminder]: {
    appointmentId: string;
    ceremonyId: string;
    ceremony: CeremonyFacts;
    dueAt: string;
  };
  [JOB.retry]: { notificationId: string };
  [JOB.catchUp]: Record<string, never>;
  [JOB.noShows]: Record<string, never>;
  [JOB.roster]: Record<string, never>;
  [JOB.peakDigest]: Record<string, never>;
  [JOB.reconcile]: Record<string, never>;
  [JOB.slotCounters]: Record<string, never>;
  [JOB.ceremonies]: Record<string, never>;
  [JOB.lottery]: Record<string, never>;
  [JOB.retention]: Record<string, never>;
}
