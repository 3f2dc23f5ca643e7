// The console's front page: today's numbers for an office and the next 14 days, booked
// against capacity, with peak and closed days marked (drawn as SVG by the web layer).
import { addDays } from '../../domain/local-time.ts';
import type { Bilingual, LocalDate } from '../../domain/schedule-types.ts';
import { AppointmentModel, type AppointmentStatus } from '../../models/appointment.model.ts';
import { DayPlanModel, type DayPlanRecord } from '../../models/day-plan.model.ts';
import { SlotModel } from '../../models/slot.model.ts';
import type { OfficeRecord, SlotRecord } from '../schedule-service.ts';
import { officeWindows, planFields } from './capacity-sync.ts';
import { effectiveSchedule } from './effective-schedule.ts';
import type { StaffContext } from './staff-context.ts';

export interface DayPoint {
  date: LocalDate;
  weekday: number;
  kind: 'regular' | 'closed' | 'special' | 'peak';
  label?: Bilingual | undefined;
  capacity: number;
  booked: number;
  flagged: number;
}

export interface Dashboard {
  today: LocalDate;
  counts: Record<AppointmentStatus, number>;
  capacityToday: number;
  bookedToday: number;
  days: DayPoint[];
  flagged: SlotRecord[];
}

export const DASHBOARD_DAYS = 14;

export async function series(office: OfficeRecord, from: LocalDate, days: number): Promise<DayPoint[]> {
  const to = addDays(from, days - 1);
  const [plans, counters, windows] = await Promise.all([
    DayPlanModel.find({ office: office._id, date: { $gte: from, $lte: to } }).lean<DayPlanRecord[]>(),
    SlotModel.find({ office: office._id, date: { $gte: from, $lte: to } }).lean<SlotRecord[]>(),
    officeWindows(office._id),
  ]);
  const planByDate = new Map(plans.map((p) => [p.date, p]));
  const points: DayPoint[] = [];
  for (let i = 0; i < days; i++) {
    const date = addDays(from, i);
    const plan = planFields(planByDate.get(date));
    const planned = effectiveSchedule(date, office.timezone, office.weeklyTemplate, plan, windows);
    const stored = counters.filter((c) => c.date === date);
    const storedStarts = new Set(stored.map((c) => c.start));
    const capacity =
      stored.reduce((n, c) => n + c.capacity, 0) +
      planned.slots.filter((s) => !storedStarts.has(s.start)).reduce((n, s) => n + s.capacity, 0);
    points.push({
      date,
      weekday: new Date(`${date}T12:00:00Z`).getUTCDay() || 7,
      kind: planned.kind,
      label: plan?.label,
      capacity,
      booked: stored.reduce((n, c) => n + c.booked, 0),
      flagged: stored.filter((c) => c.flagged).length,
    });
  }
  return points;
}

export async function forOffice(deps: StaffContext, office: OfficeRecord): Promise<Dashboard> {
  const { schedule } = deps;
  const today = schedule.today(office);
  const [byStatus, days, flagged] = await Promise.all([
    AppointmentModel.aggregate<{ _id: AppointmentStatus; n: number }>([
      { $match: { office: office._id, date: today } },
      { $group: { _id: '$status', n: { $sum: 1 } } },
    ]),
    series(office, today, DASHBOARD_DAYS),
    SlotModel.find({ office: office._id, flagged: true, date: { $gte: today } })
      .sort({ date: 1, start: 1 })
      .limit(50)
      .lean<SlotRecord[]>(),
  ]);
  const counts: Record<AppointmentStatus, number> = {
    booked: 0,
    arrived: 0,
    served: 0,
    no_show: 0,
    cancelled: 0,
  };
  for (const row of byStatus) counts[row._id] = row.n;
  return {
    today,
    counts,
    capacityToday: days[0]?.capacity ?? 0,
    bookedToday: days[0]?.booked ?? 0,
    days,
    flagged,
  };
}
