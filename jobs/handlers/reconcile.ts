// The nightly reconciliation and the frequent recount of upcoming slot counters: the job
// calls the maintenance service, which repairs what it can prove wrong and logs every repair.
import type { JobContext } from '../job-context.ts';

export async function reconcile(ctx: JobContext) {
  const { settings, logger } = ctx;
  const report = await ctx.container.services.maintenance.reconcile({
    settleMs: settings.reconcileSettleMs,
    holdMinAgeMs: settings.holdRepairMinAgeMs,
    logger,
    ...(ctx.touch ? { touch: ctx.touch } : {}),
  });
  logger.info(report, 'reconciliation done');
  return report;
}

/** Every few minutes (and at start): the counters of slots still to come. */
export async function reconcileUpcomingSlots(ctx: JobContext) {
  const { settings, logger } = ctx;
  const report = await ctx.container.services.maintenance.reconcileUpcomingSlots({
    settleMs: settings.reconcileSettleMs,
    logger,
  });
  if (report.repaired > 0) logger.warn(report, 'upcoming slot counters repaired');
  return report;
}
