// The nightly reconciliation: slot counters, person holds, ceremony seats (by the ceremony
// service). Each part repairs what it can prove wrong and logs every repair.

import type { Logger } from 'pino';
import { ORPHAN_HOLD_AFTER_MS } from '../../src/services/booking/person-holds.ts';
import type { JobContext } from '../job-context.ts';
import { reconcileHolds } from '../maintenance/reconcile-holds.ts';
import { reconcileSlots } from '../maintenance/reconcile-slots.ts';
import { jobSettings } from '../settings.ts';

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

/**
 * Before the first booking is taken (at start, before the jobs run), and again after the
 * embedded engine was restarted under the running app: person holds and the counters of
 * slots still to come, so that a process killed mid-booking leaves no couple holding two
 * bookings (or held by none) and no place lost.
 *
 * `alone`: this process is the database's only client (it started the embedded engine and
 * takes no traffic yet), so nothing is in flight: drift is repaired at once, and holds with
 * no booking behind them are released whatever their age. Otherwise repairs wait as the
 * periodic jobs do, for drift seen twice and for holds old enough to be orphaned.
 */
export async function reconcileBeforeBooking(opts: {
  now: Date;
  logger: Logger;
  alone: boolean;
  settleMs?: number;
}) {
  const { now, logger, alone } = opts;
  const holds = await reconcileHolds({ minAgeMs: alone ? 0 : ORPHAN_HOLD_AFTER_MS, logger });
  const slots = await reconcileSlots({
    now,
    settleMs: alone ? 0 : (opts.settleMs ?? jobSettings().reconcileSettleMs),
    logger,
    since: now,
  });
  const report = { holds, slots };
  if (holds.released || holds.restored || slots.repaired) logger.warn(report, 'reconciled before booking');
  return report;
}
