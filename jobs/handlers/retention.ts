// The nightly erasure of personal data past RETENTION_DAYS: the job calls the retention
// service, which erases in batches, writes the audit entry, and may run twice or in two
// processes at once without erasing or counting anything twice.
import type { JobContext } from '../job-context.ts';

export async function eraseExpiredPersonalData(ctx: JobContext) {
  const result = await ctx.container.services.retention.run(ctx.touch ? { touch: ctx.touch } : {});
  ctx.logger.info({ retentionDays: result.retentionDays, ...result.counts }, 'jobs: personal data erased');
  return result;
}
