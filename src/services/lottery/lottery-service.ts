// The peak-day lottery and reserved pools, composed from its parts: setup (mode, times,
// reserved pools), the draw and its offers, the refills after it, the couples' applications,
// what staff and the public see, and the notices. The job system calls runDueDraws,
// expireConfirmations and releaseReservedPools periodically.

import { bound } from '../context.ts';
import type { DrawCache } from './draw-cache.ts';
import {
  confirm,
  decline,
  findByReferenceAndToken,
  findByToken,
  status,
  statusPath,
  withdraw,
} from './lottery-applications.ts';
import { apply, createApplicationWrites } from './lottery-apply.ts';
import {
  bookFromReserveAsStaff,
  configureDayAsStaff,
  drawAsStaff,
  setReserveAsStaff,
} from './lottery-console.ts';
import type { LotteryDeps } from './lottery-context.ts';
import { drawIfDue, runDueDraws } from './lottery-draw.ts';
import {
  heldApplicationsReader,
  heldBookingDate,
  statusPathByReference,
  withdrawHeld,
} from './lottery-held.ts';
import { notice } from './lottery-notices.ts';
import { check, published } from './lottery-published.ts';
import { expireConfirmations } from './lottery-refills.ts';
import { listDays, resultPage, resultRows, staffDay } from './lottery-reports.ts';
import { bookFromReserve, configureDay, releaseReservedPools, setReserve } from './lottery-setup.ts';

export type { ApplyInput, ApplyResult } from './lottery-apply.ts';
export type { LotteryNotice } from './lottery-notices.ts';
export type { ResultRow } from './lottery-reports.ts';
export type { LotteryDayInput, ReserveInput } from './lottery-setup.ts';

export function createLotteryService(deps: LotteryDeps & { cache: DrawCache }) {
  for (const name of [
    'clock',
    'random',
    'secret',
    'events',
    'schedule',
    'booking',
    'audit',
    'cache',
  ] as const) {
    if (!deps[name]) throw new Error(`createLotteryService: ${name} is required`);
  }
  const ctx = { ...deps, writes: createApplicationWrites() };
  return {
    // Mode, times and reserved pools (the seed, tests); `staff` makes the same changes, audited.
    configureDay: bound(ctx, configureDay),
    setReserve: bound(ctx, setReserve),
    bookFromReserve: bound(ctx, bookFromReserve),
    staff: {
      configureDay: bound(ctx, configureDayAsStaff),
      setReserve: bound(ctx, setReserveAsStaff),
      draw: bound(ctx, drawAsStaff),
      bookFromReserve: bound(ctx, bookFromReserveAsStaff),
    },
    // Jobs.
    runDueDraws: bound(ctx, runDueDraws),
    expireConfirmations: bound(ctx, expireConfirmations),
    releaseReservedPools: bound(ctx, releaseReservedPools),
    drawIfDue: bound(ctx, drawIfDue),
    // Couples.
    apply: bound(ctx, apply),
    findByToken,
    findByReferenceAndToken,
    status: bound(ctx, status),
    withdraw: bound(ctx, withdraw),
    confirm: bound(ctx, confirm),
    decline: bound(ctx, decline),
    statusPath: bound(ctx, statusPath),
    heldApplications: heldApplicationsReader(),
    heldBookingDate,
    withdrawHeld: bound(ctx, withdrawHeld),
    statusPathByReference: bound(ctx, statusPathByReference),
    // Messages: what to send a couple for a lottery.* event (the job system sends it).
    notice: bound(ctx, notice),
    // Pages.
    staffDay: bound(ctx, staffDay),
    listDays: bound(ctx, listDays),
    resultPage: bound(ctx, resultPage),
    resultRows: bound(ctx, resultRows),
    published: bound(ctx, published),
    check: bound(ctx, check),
  };
}

export type LotteryService = ReturnType<typeof createLotteryService>;
