// The nightly reconciliation: slot counters, person holds, ceremony seats (by the ceremony
// service). Each part repairs what it can prove wrong and logs every repair.

import type { JobContext } from '../job-context.ts';
import { reconcileHolds } from '../maintenance/reconcile-holds.ts';
import { reconcileSlots } from '../maintenance/reconcile-slots.ts';

export async function reconcile(ctx: JobContext) {
  const { container, settings, logger } = ctx;
  const slots = await reconcileSlots({
    now: container.clock(),
    settleMs: settings.reconcileSettleMs,
    logger,
  });
  await ctx.touch?.();
  const holds = await reconcileHolds({ minAgeMs: settings.holdRepairMinAgeMs, logger });
  await ctx.touch?.();
  const seats = await container.services.ceremonies.reconcileSeats();
  const report = { slots, holds, seats };
  logger.info(report, 'reconciliation done');
  return report;
}

/**
 * Every few minutes (and at start): the counters of slots still to come. A process killed in
 * a rush between taking a place and writing its booking leaves a place held by nobody; on a
 * peak day it must come back within minutes, not at night.
 */
export async function reconcileUpcomingSlots(ctx: JobContext) {
  const { container, settings, logger } = ctx;
  const now = container.clock();
  const report = await reconcileSlots({
    now,
    settleMs: settings.reconcileSettleMs,
    logger,
    since: now,
  });
  if (report.repaired > 0) logger.warn(report, 'upcoming slot counters repaired');
  return report;
}
