// The peak days an office has planned from today on, as couples should see them before the
// rush: what the day is called, when its places are given out (the moment first-come bookings
// open, or the lottery's window and draw), so that no one has to page month by month to find
// Qixi or learn its opening time from a cell that only says "not open yet".
import { planDay } from '../domain/day-schedule.ts';
import { addDays } from '../domain/local-time.ts';
import { DayPlanModel, type DayPlanRecord } from '../models/day-plan.model.ts';
import {
  type OfficeRecord,
  type PlannedPeakDay,
  type ScheduleContext,
  today,
  windowFor,
} from './schedule-context.ts';

/** How far ahead the office page looks, and how many peak days it lists at most. */
const AHEAD_DAYS = 366;
const MAX_LISTED = 8;

export interface PeakDayAhead {
  date: string;
  label?: { zh: string; en?: string };
  /** First come first served: when bookings open (already past when `open` is true). */
  allocation: 'fcfs' | 'lottery';
  opensAt: Date;
  /** The booking window (or the lottery's applications) is open now. */
  open: boolean;
  /** A lottery day: when applications close and when the draw is. */
  lottery?: { closesAt: Date; drawAt: Date };
}

export async function peakDaysAhead(ctx: ScheduleContext, office: OfficeRecord): Promise<PeakDayAhead[]> {
  const planned = await plannedPeakDays(ctx, office, today(ctx, office));
  const now = ctx.clock();
  return planned.map(({ plan, schedule }) => {
    const label = plan.label?.zh
      ? { zh: plan.label.zh, ...(plan.label.en ? { en: plan.label.en } : {}) }
      : undefined;
    const base = { date: plan.date, ...(label ? { label } : {}) };
    if (plan.allocation === 'lottery' && plan.lottery) {
      const { opensAt, closesAt, drawAt } = plan.lottery;
      return {
        ...base,
        allocation: 'lottery',
        opensAt,
        open: opensAt <= now && now < closesAt,
        lottery: { closesAt, drawAt },
      };
    }
    const window = windowFor(ctx, office, schedule!, now);
    const opensAt = window.state === 'not_yet_open' ? window.opensAt : (plan.bookingOpensAt ?? now);
    return { ...base, allocation: 'fcfs', opensAt, open: window.state === 'open' };
  });
}

/**
 * The peak days planned from `from` on, read and planned once while day plans are kept
 * (SCHEDULE_CACHE_MS) and forgotten with them: every month page lists them, and planning each
 * day's slots in the office's zone on every request was a fifth of that page's time. The same
 * schedule objects served meanwhile keep their booking windows computed (windowFor).
 */
function plannedPeakDays(ctx: ScheduleContext, office: OfficeRecord, from: string) {
  return ctx.cache.peakDays.get(`${office._id}|${from}`, async (): Promise<PlannedPeakDay[]> => {
    const plans = await DayPlanModel.find({
      office: office._id,
      kind: 'peak',
      date: { $gte: from, $lte: addDays(from, AHEAD_DAYS) },
    })
      .sort({ date: 1 })
      .limit(MAX_LISTED)
      .lean<DayPlanRecord[]>();
    return plans.map((plan) =>
      plan.allocation === 'lottery' && plan.lottery
        ? { plan }
        : { plan, schedule: planDay(plan.date, office.timezone, office.weeklyTemplate, plan) },
    );
  });
}
