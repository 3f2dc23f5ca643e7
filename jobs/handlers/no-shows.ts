// Marks as no-shows the bookings whose slot is over without a check-in (the maintenance
// service applies the office's policy and tells the couple).
import type { JobContext } from '../job-context.ts';

export async function markNoShows(ctx: JobContext): Promise<number> {
  const marked = await ctx.container.services.maintenance.markNoShows({
    graceMinutes: ctx.settings.noShowGraceMinutes,
  });
  if (marked) ctx.logger.info({ marked }, 'jobs: no-shows marked');
  return marked;
}
