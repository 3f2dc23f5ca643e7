// The peak-day lottery and reserved pools, composed from its parts. The job
// system calls runDueDraws, expireConfirmations and releaseReservedPools periodically.
import { createDrawCache } from './draw-cache.ts';
import { createLotteryApplications } from './lottery-applications.ts';
import { createLotteryConsole } from './lottery-console.ts';
import type { LotteryDeps } from './lottery-context.ts';
import { createLotteryDraws } from './lottery-draw.ts';
import { createLotteryNotices } from './lottery-notices.ts';
import { createLotteryReports } from './lottery-reports.ts';
import { createLotterySetup } from './lottery-setup.ts';

export type { ApplyInput, ApplyResult } from './lottery-applications.ts';
export type { LotteryNotice } from './lottery-notices.ts';
export type { ResultRow } from './lottery-reports.ts';
export type { LotteryDayInput, ReserveInput } from './lottery-setup.ts';

export function createLotteryService(deps: LotteryDeps) {
  for (const name of ['clock', 'random', 'secret', 'events', 'schedule', 'booking', 'audit'] as const) {
    if (!deps[name]) throw new Error(`createLotteryService: ${name} is required`);
  }
  const cache = createDrawCache();
  const setup = createLotterySetup(deps);
  const draws = createLotteryDraws({ ...deps, cache });
  const applications = createLotteryApplications({
    ...deps,
    cache,
    fillDrawnDay: (office, date) => draws.fillDrawnDay(office, date),
    cancelAppointment: draws.cancelAppointment,
  });
  const reports = createLotteryReports({ ...deps, cache });
  const notices = createLotteryNotices(deps);
  return {
    // Mode, times and reserved pools (the seed, tests); `staff` makes the same changes, audited.
    configureDay: setup.configureDay,
    setReserve: setup.setReserve,
    bookFromReserve: setup.bookFromReserve,
    staff: createLotteryConsole(deps, setup, draws),
    // Jobs.
    runDueDraws: draws.runDueDraws,
    expireConfirmations: draws.expireConfirmations,
    releaseReservedPools: setup.releaseReservedPools,
    drawIfDue: draws.drawIfDue,
    // Couples.
    apply: applications.apply,
    findByToken: applications.findByToken,
    findByReferenceAndToken: applications.findByReferenceAndToken,
    status: applications.status,
    withdraw: applications.withdraw,
    confirm: applications.confirm,
    decline: applications.decline,
    statusPath: applications.statusPath,
    // Messages: what to send a couple for a lottery.* event (the job system sends it).
    notice: notices.notice,
    // Pages.
    staffDay: reports.staffDay,
    listDays: reports.listDays,
    resultPage: reports.resultPage,
    resultRows: reports.resultRows,
    published: reports.published,
    check: reports.check,
  };
}

export type LotteryService = ReturnType<typeof createLotteryService>;
