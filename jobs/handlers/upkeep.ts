// Periodic calls into other features' services: ceremony offers that expired and ceremonies
// past their sign-up deadline; lottery draws that are due, lapsed confirmations and reserved
// pools to release. Their events (a seat offered to the next couple...) become messages.
import type { JobContext } from '../job-context.ts';

export async function ceremonyUpkeep(ctx: JobContext): Promise<void> {
  const { ceremonies } = ctx.container.services;
  const now = ctx.container.clock();
  const expired = await ceremonies.expireOffers(now);
  const closed = await ceremonies.closeDueCeremonies(now);
  if (expired || closed.closed || closed.cancelled)
    ctx.logger.info({ expired, ...closed }, 'jobs: ceremony upkeep');
}

export async function lotteryUpkeep(ctx: JobContext): Promise<void> {
  const { lottery } = ctx.container.services;
  const now = ctx.container.clock();
  const drawn = await lottery.runDueDraws(now);
  const confirmations = await lottery.expireConfirmations(now);
  const released = await lottery.releaseReservedPools(now);
  if (drawn || confirmations.lapsed || released)
    ctx.logger.info({ drawn, ...confirmations, released }, 'jobs: lottery upkeep');
}
