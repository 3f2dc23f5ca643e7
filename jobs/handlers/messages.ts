// The handlers of the message jobs: each builds one message (or a batch of reminders) and
// hands it to the notification service, which sends it at most once.

import type { Bilingual } from '../../src/domain/schedule-types.ts';
import type { DeliveryResult } from '../../src/services/notifications/notification-service.ts';
import type { OfficeRecord } from '../../src/services/schedule-service.ts';
import type { JobContext } from '../job-context.ts';
import { JOB, type JobPayloads } from '../job-names.ts';
import { inPool } from '../pool.ts';
import { reminderDue, supersededBy } from '../reminder-times.ts';

async function settle(ctx: JobContext, result: DeliveryResult): Promise<DeliveryResult> {
  await ctx.scheduler.retryLater(result);
  return result;
}

export async function sendConfirmation(ctx: JobContext, data: JobPayloads[typeof JOB.confirmation]) {
  const { notifications } = ctx.container.services;
  return settle(
    ctx,
    await notifications.deliver(
      { kind: 'confirmation', appointmentId: data.appointmentId },
      { maxAttempts: ctx.settings.mail.maxAttempts },
    ),
  );
}

export async function sendNotice(ctx: JobContext, data: JobPayloads[typeof JOB.notice]) {
  const { notifications } = ctx.container.services;
  return settle(ctx, await notifications.deliver(data.spec, { maxAttempts: ctx.settings.mail.maxAttempts }));
}

export async function sendCeremonyReminder(ctx: JobContext, data: JobPayloads[typeof JOB.ceremonyReminder]) {
  const { notifications } = ctx.container.services;
  return settle(
    ctx,
    await notifications.deliver(
      {
        kind: 'ceremony_reminder',
        appointmentId: data.appointmentId,
        ceremonyId: data.ceremonyId,
        ceremony: data.ceremony,
      },
      { maxAttempts: ctx.settings.mail.maxAttempts },
    ),
  );
}

export async function retryNotification(ctx: JobContext, data: JobPayloads[typeof JOB.retry]) {
  const { notifications } = ctx.container.services;
  return settle(
    ctx,
    await notifications.retry(data.notificationId, { maxAttempts: ctx.settings.mail.maxAttempts }),
  );
}

export interface BatchReport {
  bookings: number;
  sent: number;
  skipped: number;
  duplicate: number;
  retrying: number;
  failed: number;
}

/**
 * One office's reminders due at one instant. The bookings are read when the job fires, so a
 * booking cancelled or moved since it was scheduled is simply not among them (and each
 * message checks again, just before it is claimed, that it still applies).
 */
export async function sendReminderBatch(
  ctx: JobContext,
  data: JobPayloads[typeof JOB.reminders],
): Promise<BatchReport> {
  const report: BatchReport = { bookings: 0, sent: 0, skipped: 0, duplicate: 0, retrying: 0, failed: 0 };
  const { services, clock } = ctx.container;
  const rule = ctx.settings.reminders.find((r) => r.id === data.reminder);
  if (!rule) {
    ctx.logger.warn({ reminder: data.reminder }, 'jobs: reminder no longer configured; batch dropped');
    return report;
  }
  let office: OfficeRecord;
  try {
    office = await services.schedule.getOffice(data.officeId);
  } catch {
    return report;
  }
  const bookings = await services.booking.bookedAt(
    office._id,
    'minutesBefore' in rule ? { startsAt: new Date(data.startsAt ?? data.dueAt) } : { date: data.date ?? '' },
  );
  report.bookings = bookings.length;
  const now = clock();
  const dayMessages = new Map<string, Promise<Bilingual | null>>();
  const dayMessage = (date: string) => {
    let m = dayMessages.get(date);
    if (!m) {
      m = services.schedule
        .daySchedule(office, date)
        .then((d) => (d.plan?.message?.zh ? d.plan.message : null));
      dayMessages.set(date, m);
    }
    return m;
  };
  let done = 0;
  await inPool(bookings, ctx.settings.mail.concurrency, async (appointment) => {
    const zone = office.timezone;
    if (reminderDue(rule, appointment, zone).toISOString() !== data.dueAt) {
      report.skipped++;
      return;
    }
    if (supersededBy(ctx.settings.reminders, rule, appointment, zone, now)) {
      report.skipped++;
      return;
    }
    const result = await services.notifications.deliver(
      {
        kind: 'reminder',
        appointmentId: appointment._id.toString(),
        reminder: rule.id,
        startsAt: appointment.startsAt.toISOString(),
      },
      {
        maxAttempts: ctx.settings.mail.maxAttempts,
        preloaded: { appointment, office, dayMessage: await dayMessage(appointment.date) },
      },
    );
    report[result.outcome]++;
    await settle(ctx, result);
    if (++done % 200 === 0) await ctx.touch?.();
  });
  ctx.logger.info(
    { job: JOB.reminders, officeId: data.officeId, reminder: rule.id, dueAt: data.dueAt, ...report },
    'reminders sent',
  );
  return report;
}
