// What staff see of a lottery: the days ahead with their mode, a day's settings, counters,
// reserved pool and application counts, and after the draw its result, page by page or whole.
import { lotteryPhase, type Preference } from '../../domain/lottery.ts';
import type { Bilingual } from '../../domain/schedule-types.ts';
import { DayPlanModel } from '../../models/day-plan.model.ts';
import { type ApplicationStatus, LotteryApplicationModel } from '../../models/lottery-application.model.ts';
import { LotteryDrawModel } from '../../models/lottery-draw.model.ts';
import { LotteryReserveModel } from '../../models/lottery-reserve.model.ts';
import { SlotModel } from '../../models/slot.model.ts';
import { AppError } from '../errors.ts';
import type { OfficeRecord } from '../schedule-service.ts';
import {
  type ApplicationRecord,
  type DrawRecord,
  loadDraw,
  loadPlan,
  lotteryOf,
  type ReserveRecord,
} from './lottery-context.ts';
import type { DrawDeps } from './lottery-offers.ts';

const STATUSES: ApplicationStatus[] = [
  'applied',
  'withdrawn',
  'offered',
  'confirmed',
  'lapsed',
  'declined',
  'excluded',
];
export const RESULT_PAGE_SIZE = 100;

export interface ResultRow {
  rank: number;
  reference: string;
  preference: Preference;
  /** The slot won in the draw itself, or null. */
  drawn: string | null;
  status: ApplicationStatus;
  start?: string;
  passedOn?: boolean;
  confirmBy?: Date;
  names: string[];
  /** The retention policy erased the couple's personal data (the names are empty). */
  erased?: true;
  excludedReason?: string;
}

async function counts(drawId: DrawRecord['_id'] | undefined): Promise<Record<ApplicationStatus, number>> {
  const values = await Promise.all(
    STATUSES.map((status) => (drawId ? LotteryApplicationModel.countDocuments({ draw: drawId, status }) : 0)),
  );
  return Object.fromEntries(STATUSES.map((status, i) => [status, values[i]!])) as Record<
    ApplicationStatus,
    number
  >;
}

/** The staff page of one day: mode, times, counters, reserve, counts and (after the draw) the seed. */
export async function staffDay(deps: DrawDeps, officeId: string, date: string) {
  const { clock, schedule } = deps;
  const office = await schedule.getOffice(officeId);
  const plan = await loadPlan(office, date);
  if (!plan) throw new AppError('not_found', 'lottery.needs_plan');
  const settings = lotteryOf(plan);
  const now = clock();
  const draw = await LotteryDrawModel.findOne({ office: office._id, date })
    .select(settings?.drawnAt ? '+seed' : '')
    .lean<DrawRecord>();
  const [byStatus, reserve, [day]] = await Promise.all([
    counts(draw?._id),
    LotteryReserveModel.findOne({ office: office._id, date }).lean<ReserveRecord>(),
    schedule.availability(office, date, date),
  ]);
  const counters = await SlotModel.find({ office: office._id, date }).lean();
  const counterOf = new Map(counters.map((c) => [c.start, c]));
  const slots = (day?.slots ?? []).map((slot) => {
    const counter = counterOf.get(slot.start);
    return {
      start: slot.start,
      end: slot.end,
      capacity: slot.capacity,
      booked: counter?.booked ?? 0,
      remaining: counter ? Math.max(0, counter.remaining) : slot.capacity,
      reserved: counter?.reserved ?? 0,
    };
  });
  const sum = (pick: (s: (typeof slots)[number]) => number) => slots.reduce((n, s) => n + pick(s), 0);
  const applications = STATUSES.filter((s) => s !== 'withdrawn').reduce((n, s) => n + byStatus[s], 0);
  // What the draw can give out: places neither booked nor held back.
  const places = draw?.slots ? draw.slots.reduce((n, s) => n + s.places, 0) : sum((s) => s.remaining);
  return {
    office,
    plan,
    date,
    allocation: plan.allocation ?? 'fcfs',
    lottery: settings
      ? {
          ...settings,
          phase: lotteryPhase(settings, now, settings.drawnAt),
          drawDue: !settings.drawnAt && settings.drawAt.getTime() <= now.getTime(),
        }
      : undefined,
    draw: draw
      ? {
          state: draw.state,
          commitment: draw.commitment,
          seed: draw.state === 'drawn' ? draw.seed : undefined,
          drawnAt: draw.drawnAt,
          slots: draw.slots ?? [],
          winners: draw.winners?.length ?? 0,
          applicationCount: draw.applicationCount,
        }
      : undefined,
    counts: byStatus,
    applications,
    places,
    totals: {
      capacity: sum((s) => s.capacity),
      booked: sum((s) => s.booked),
      remaining: sum((s) => s.remaining),
      reserved: sum((s) => s.reserved),
    },
    slots,
    reserve,
  };
}

/** Upcoming planned days (peak and special openings) with their mode and, for lotteries, the count. */
export async function listDays(deps: DrawDeps, visible: (officeId: string) => boolean) {
  const { clock, schedule } = deps;
  const offices = await schedule.listOffices();
  const shown = offices.filter((office) => visible(office._id.toString()));
  const rows: {
    office: OfficeRecord;
    date: string;
    kind: string;
    label?: Bilingual;
    allocation: string;
    phase?: string;
    applications?: number;
  }[] = [];
  const now = clock();
  for (const office of shown) {
    const plans = await DayPlanModel.find({
      office: office._id,
      date: { $gte: schedule.today(office) },
      kind: { $in: ['peak', 'special'] },
    })
      .sort({ date: 1 })
      .limit(60)
      .lean();
    for (const plan of plans) {
      const settings = plan.allocation === 'lottery' ? plan.lottery : undefined;
      const draw = settings ? await loadDraw(office, plan.date) : null;
      rows.push({
        office,
        date: plan.date,
        kind: plan.kind,
        ...(plan.label ? { label: plan.label } : {}),
        allocation: plan.allocation ?? 'fcfs',
        ...(settings ? { phase: lotteryPhase(settings, now, settings.drawnAt) } : {}),
        ...(draw
          ? {
              applications: await LotteryApplicationModel.countDocuments({
                draw: draw._id,
                status: { $ne: 'withdrawn' },
              }),
            }
          : {}),
      });
    }
  }
  return rows.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

async function drawnDraw(office: OfficeRecord, date: string): Promise<DrawRecord> {
  const draw = await LotteryDrawModel.findOne({ office: office._id, date, state: 'drawn' })
    .select('+seed')
    .lean<DrawRecord>();
  if (!draw) throw new AppError('not_found', 'lottery.not_drawn_yet');
  return draw;
}

async function rowsFor(draw: DrawRecord, references: string[], rankOf: Map<string, number>) {
  const found = await LotteryApplicationModel.find(
    { draw: draw._id, reference: { $in: references } },
    {
      reference: 1,
      preference: 1,
      status: 1,
      start: 1,
      passedOn: 1,
      confirmBy: 1,
      partners: 1,
      excludedReason: 1,
      erasedAt: 1,
    },
  ).lean<ApplicationRecord[]>();
  const byReference = new Map(found.map((a) => [a.reference, a]));
  const drawnOf = new Map((draw.winners ?? []).map((w) => [w.reference, w.start]));
  return references.flatMap((reference): ResultRow[] => {
    const a = byReference.get(reference);
    if (!a) return [];
    return [
      {
        rank: rankOf.get(reference) ?? 0,
        reference,
        preference: a.preference,
        drawn: drawnOf.get(reference) ?? null,
        status: a.status,
        ...(a.start ? { start: a.start } : {}),
        ...(a.passedOn ? { passedOn: true } : {}),
        ...(a.confirmBy ? { confirmBy: a.confirmBy } : {}),
        names: a.partners.map((p) => p.name),
        ...(a.erasedAt ? { erased: true } : {}),
        ...(a.excludedReason ? { excludedReason: a.excludedReason } : {}),
      },
    ];
  });
}

/** One page of the full result, in draw order. */
export async function resultPage(deps: DrawDeps, officeId: string, date: string, page: number) {
  const { schedule, cache } = deps;
  const office = await schedule.getOffice(officeId);
  const draw = await drawnDraw(office, date);
  const { order, rankOf } = await cache.order(draw._id);
  const pages = Math.max(1, Math.ceil(order.length / RESULT_PAGE_SIZE));
  const current = Math.min(Math.max(1, Math.floor(page) || 1), pages);
  const slice = order.slice((current - 1) * RESULT_PAGE_SIZE, current * RESULT_PAGE_SIZE);
  return {
    office,
    draw,
    page: current,
    pages,
    total: order.length,
    rows: await rowsFor(draw, slice, rankOf),
  };
}

/** Every row of the result, in draw order, for the CSV export. */
export async function resultRows(deps: DrawDeps, officeId: string, date: string) {
  const { schedule, cache } = deps;
  const office = await schedule.getOffice(officeId);
  const draw = await drawnDraw(office, date);
  const { order, rankOf } = await cache.order(draw._id);
  const rows: ResultRow[] = [];
  for (let from = 0; from < order.length; from += 2000)
    rows.push(...(await rowsFor(draw, order.slice(from, from + 2000), rankOf)));
  return { office, draw, rows };
}
