// Puts jobs on the queue. Every scheduling call is idempotent (a unique key per batch,
// per couple and ceremony), so the event listener, the catch-up sweep and several processes
// may all ask for the same job without doubling it.
import type { Agenda } from 'agenda';
import type { Container } from '../src/container.ts';
import type { AppointmentRecord } from '../src/services/booking/booking-service.ts';
import { bound } from '../src/services/context.ts';
import type { DeliveryResult } from '../src/services/notifications/notification-service.ts';
import type { CeremonyFacts } from '../src/services/notifications/specs.ts';
import type { OfficeRecord } from '../src/services/schedule-service.ts';
import { JOB, type JobName, type JobPayloads, type NoticeSpec } from './job-names.ts';
import { upcomingReminders, wallClockBefore } from './reminder-times.ts';
import { backoffDelay, type JobSettings } from './settings.ts';

export interface SchedulerDeps {
  agenda: Agenda;
  container: Container;
  settings: JobSettings;
  /**
   * The reminder batches this process has already put on the queue, by key, with their due
   * time: the bookings of a rush share a handful of batches, and asking the database for each
   * booking's again cost two writes a booking. A batch job is only removed once it has run, at
   * or after its due time, when no booking asks for it any more.
   */
  remindersQueued?: Map<string, number>;
}

/** Past this many, batches whose due time has passed are forgotten. */
const QUEUED_KEPT = 10_000;

export type ConfirmationMode =
  /** Send it now, from this process (right after booking: the manage token is at hand). */
  | { mode: 'send'; manageToken?: string }
  /** Queue it (catch-up sweep: the token is gone, the message links to the look-up page). */
  | { mode: 'job' }
  | { mode: 'none' };

export async function enqueue<N extends JobName>(
  deps: SchedulerDeps,
  name: N,
  data: JobPayloads[N],
  opts: { at?: Date; unique?: Record<string, unknown>; insertOnly?: boolean } = {},
): Promise<void> {
  const { agenda } = deps;
  const job = agenda.create(name, data);
  if (opts.unique) job.unique(opts.unique, opts.insertOnly ? { insertOnly: true } : undefined);
  job.schedule(opts.at ?? new Date());
  await job.save();
}

/** One batch job per office, reminder and due instant: every booking of that batch shares it. */
export async function ensureReminders(
  deps: SchedulerDeps,
  appointment: AppointmentRecord,
  office: OfficeRecord,
): Promise<number> {
  const { settings } = deps;
  const due = upcomingReminders(settings.reminders, appointment, office.timezone, deps.container.clock());
  for (const { rule, dueAt } of due) {
    const dueIso = dueAt.toISOString();
    const queuedKey = `${office._id}|${rule.id}|${dueIso}`;
    if (deps.remindersQueued?.has(queuedKey)) continue;
    const data: JobPayloads[typeof JOB.reminders] =
      'minutesBefore' in rule
        ? {
            officeId: office._id.toString(),
            reminder: rule.id,
            dueAt: dueIso,
            startsAt: appointment.startsAt.toISOString(),
          }
        : { officeId: office._id.toString(), reminder: rule.id, dueAt: dueIso, date: appointment.date };
    await enqueue(deps, JOB.reminders, data, {
      at: dueAt,
      unique: { 'data.officeId': data.officeId, 'data.reminder': data.reminder, 'data.dueAt': dueIso },
      insertOnly: true,
    });
    remember(deps.remindersQueued, queuedKey, dueAt.getTime());
  }
  return due.length;
}

function remember(queued: Map<string, number> | undefined, key: string, dueAt: number): void {
  if (!queued) return;
  if (queued.size >= QUEUED_KEPT) {
    const now = Date.now();
    for (const [k, due] of queued) if (due <= now) queued.delete(k);
    if (queued.size >= QUEUED_KEPT) queued.clear();
  }
  queued.set(key, dueAt);
}

/** Schedules a retry of a transiently failed message, with exponential backoff. */
export async function retryLater(deps: SchedulerDeps, result: DeliveryResult): Promise<void> {
  const { settings } = deps;
  // The text beside an e-mail has its own claim and its own retries.
  if (result.sms) await retryLater(deps, result.sms);
  if (result.outcome !== 'retrying' || !result.notificationId) return;
  const at = new Date(Date.now() + backoffDelay(settings, result.attempts ?? 1));
  await deps.container.services.notifications.retryAt(result.notificationId, at);
  await enqueue(deps, JOB.retry, { notificationId: result.notificationId }, { at });
}

/**
 * Everything a booking needs: its reminders, then its confirmation, then the mark that says
 * so (`jobsScheduledAt`). In that order, a process killed at any point leaves the mark unset
 * and the catch-up sweep does it again; the unique keys make doing it again harmless.
 */
export async function scheduleAppointment(
  deps: SchedulerDeps,
  appointment: AppointmentRecord,
  confirmation: ConfirmationMode,
): Promise<void> {
  const { settings } = deps;
  let office: OfficeRecord;
  try {
    office = await deps.container.services.schedule.getOffice(appointment.office.toString());
  } catch {
    deps.container.logger.warn(
      { appointmentId: appointment._id.toString() },
      'jobs: office of appointment not found',
    );
    return;
  }
  await ensureReminders(deps, appointment, office);
  if (confirmation.mode === 'send') {
    const result = await deps.container.services.notifications.deliver(
      { kind: 'confirmation', appointmentId: appointment._id.toString() },
      {
        maxAttempts: settings.mail.maxAttempts,
        preloaded: { appointment, office },
        ...(confirmation.manageToken ? { manageToken: confirmation.manageToken } : {}),
      },
    );
    await retryLater(deps, result);
  } else if (confirmation.mode === 'job') {
    await enqueue(
      deps,
      JOB.confirmation,
      { appointmentId: appointment._id.toString() },
      { unique: { 'data.appointmentId': appointment._id.toString() }, insertOnly: true },
    );
  }
  await deps.container.services.booking.markJobsScheduled(appointment);
}

export async function notice(deps: SchedulerDeps, spec: NoticeSpec): Promise<void> {
  await enqueue(deps, JOB.notice, { spec });
}

/** The ceremony reminder of one couple; re-seating moves it rather than adding another. */
export async function ceremonyReminder(
  deps: SchedulerDeps,
  appointmentId: string,
  ceremonyId: string,
  ceremony: CeremonyFacts,
): Promise<void> {
  const { settings } = deps;
  let zone = 'Asia/Shanghai';
  try {
    zone = (await deps.container.services.schedule.getOffice(ceremony.officeId)).timezone;
  } catch {
    /* an office just deactivated: its default zone will do for a reminder */
  }
  const rule = settings.ceremonyReminder;
  const dueAt = wallClockBefore(ceremony.date, rule.daysBefore, rule.at, zone);
  if (dueAt <= deps.container.clock() || dueAt >= new Date(ceremony.startsAt)) return;
  await enqueue(
    deps,
    JOB.ceremonyReminder,
    { appointmentId, ceremonyId, ceremony, dueAt: dueAt.toISOString() },
    { at: dueAt, unique: { 'data.appointmentId': appointmentId, 'data.ceremonyId': ceremonyId } },
  );
}

export async function cancelCeremonyReminders(
  deps: SchedulerDeps,
  appointmentIds: string[],
  ceremonyId: string,
): Promise<void> {
  const { agenda } = deps;
  for (const appointmentId of appointmentIds) {
    await agenda.cancel({ name: JOB.ceremonyReminder, data: { appointmentId, ceremonyId } });
  }
}

export function createJobScheduler(given: SchedulerDeps) {
  const deps: SchedulerDeps = { remindersQueued: new Map(), ...given };
  return {
    enqueue: bound(deps, enqueue),
    ensureReminders: bound(deps, ensureReminders),
    scheduleAppointment: bound(deps, scheduleAppointment),
    retryLater: bound(deps, retryLater),
    notice: bound(deps, notice),
    ceremonyReminder: bound(deps, ceremonyReminder),
    cancelCeremonyReminders: bound(deps, cancelCeremonyReminders),
  };
}

export type JobScheduler = ReturnType<typeof createJobScheduler>;
