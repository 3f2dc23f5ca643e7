// Marks as no-shows the booked appointments whose slot ended more than the grace period ago
// without a check-in, through the staff's day service (which applies the office's policy and
// tells the couple via the `appointment.status` event). Days the office closed are left alone.
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { AppError } from '../../src/services/errors.ts';
import type { JobContext } from '../job-context.ts';

const LIMIT = 500;

export async function markNoShows(ctx: JobContext): Promise<number> {
  const { services, clock } = ctx.container;
  const cutoff = new Date(clock().getTime() - ctx.settings.noShowGraceMinutes * 60_000);
  const due = await AppointmentModel.find(
    { status: 'booked', endsAt: { $lte: cutoff } },
    { _id: 1, date: 1, closure: 1 },
  )
    .sort({ endsAt: 1 })
    .limit(LIMIT)
    .lean();
  let marked = 0;
  for (const a of due) {
    if (a.closure?.date === a.date) continue;
    try {
      await services.dayOps.markNoShow(a._id, 'system');
      marked++;
    } catch (err) {
      // Checked in (or cancelled) meanwhile: nothing to do.
      if (!(err instanceof AppError)) throw err;
    }
  }
  if (marked) ctx.logger.info({ marked }, 'jobs: no-shows marked');
  return marked;
}
