// The catch-up sweep: a booking is saved before its jobs are scheduled, so a process killed in
// between leaves a booked appointment without `jobsScheduledAt`. At start and every few
// minutes, such bookings get their reminders and a queued confirmation (which links to the
// look-up page: the manage token died with the process). Nothing is lost, nothing doubled.
import type { AppointmentRecord } from '../../src/services/booking/booking-service.ts';
import type { JobContext } from '../job-context.ts';

const PAGE = 200;

export async function catchUp(ctx: JobContext, opts: { minAgeMs?: number } = {}): Promise<number> {
  const { maintenance } = ctx.container.services;
  // The periodic sweep leaves alone bookings so fresh that their own listener is still at work.
  const createdBefore = new Date(Date.now() - (opts.minAgeMs ?? 0));
  let after: AppointmentRecord['_id'] | undefined;
  let scheduled = 0;
  for (;;) {
    const page = await maintenance.unscheduledBookings({
      createdBefore,
      limit: PAGE,
      ...(after ? { after } : {}),
    });
    for (const appointment of page) {
      await ctx.scheduler.scheduleAppointment(appointment, { mode: 'job' });
      scheduled++;
    }
    if (page.length < PAGE) break;
    after = page.at(-1)!._id;
    await ctx.touch?.();
  }
  if (scheduled) ctx.logger.info({ scheduled }, 'jobs: catch-up sweep scheduled missing jobs');
  return scheduled;
}
