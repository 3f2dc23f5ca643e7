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
