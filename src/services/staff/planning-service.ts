// Day plans, the weekly template and the holiday import: every change is previewed slot by
// slot, then applied to the counters by capacity-sync (bookings kept, overfull slots
// flagged), audited, and announced (`capacity.changed`; `office.closed` for a closure).
import { Types } from 'mongoose';
import { addDays } from '../../domain/local-time.ts';
import { type PeakSuggestion, suggestPeakDays } from '../../domain/peak-days.ts';
import type { DayPlan, LocalDate, WeekdayTemplate } from '../../domain/schedule-types.ts';
import { DayPlanModel, type DayPlanRecord } from '../../models/day-plan.model.ts';
import { OfficeModel } from '../../models/office.model.ts';
import { AppError, invalid } from '../errors.ts';
import type { OfficeRecord } from '../schedule-service.ts';
import {
  type DayCapacityPreview,
  fingerprintOf,
  materializedDays,
  officeWindows,
  planFields,
  previewDay,
  syncDay,
  withDayLock,
} from './capacity-sync.ts';
import { activeCount, closeDay, reopenDay } from './closure-service.ts';
import { isTemporary, type WindowLike } from './effective-schedule.ts';
import { type PlanInput, peakDayDefaults, toDayPlan } from './plan-input.ts';
import type { StaffPrincipal } from './principal.ts';
import type { StaffContext } from './staff-context.ts';

export type { PlanInput };

export interface PlanPreview {
  date: LocalDate;
  current: DayPlan | undefined;
  next: DayPlan | null;
  day: DayCapacityPreview;
  /** Active bookings of the day (told and offered to move when the day closes). */
  activeBookings: number;
  closing: boolean;
}

export interface OfficeWidePreview {
  days: DayCapacityPreview[];
  fingerprint: string;
  totalBefore: number;
  totalAfter: number;
  overbookedSlots: number;
}

const PLAN_FIELDS = [
  'label',
  'sessions',
  'slotMinutes',
  'windowsOpen',
  'extraWindows',
  'couplesPerWindow',
  'extraQuotaPerSlot',
  'quotaPerSlot',
  'message',
  'bookingOpensAt',
] as const;

/** The days whose capacity a change moves, with their totals: what is previewed and what is saved. */
function officeWide(days: DayCapacityPreview[]): OfficeWidePreview {
  const changed = days.filter((d) => d.preview.slots.some((s) => s.delta !== 0));
  return {
    days: changed,
    fingerprint: fingerprintOf(changed),
    totalBefore: changed.reduce((n, d) => n + d.preview.totalBefore, 0),
    totalAfter: changed.reduce((n, d) => n + d.preview.totalAfter, 0),
    overbookedSlots: changed.reduce((n, d) => n + d.preview.overbookedSlots, 0),
  };
}

function assertNotPast(deps: StaffContext, office: OfficeRecord, date: LocalDate) {
  const { schedule } = deps;
  if (date < schedule.today(office)) throw new AppError('invalid', 'staff.plan_past');
}

export async function storedPlan(office: OfficeRecord, date: LocalDate): Promise<DayPlanRecord | null> {
  return DayPlanModel.findOne({ office: office._id, date }).lean<DayPlanRecord>();
}

export async function upcomingPlans(
  office: OfficeRecord,
  from: LocalDate,
  limit = 200,
): Promise<DayPlanRecord[]> {
  return DayPlanModel.find({ office: office._id, date: { $gte: from } })
    .sort({ date: 1 })
    .limit(limit)
    .lean<DayPlanRecord[]>();
}

/** A plan for the day after the change: a service-checked DayPlan, or null to remove it. */
function nextPlanOf(office: OfficeRecord, date: LocalDate, input: PlanInput | null): DayPlan | null {
  return input ? toDayPlan(office, date, input) : null;
}

export async function previewPlan(
  deps: StaffContext,
  office: OfficeRecord,
  date: LocalDate,
  input: PlanInput | null,
): Promise<PlanPreview> {
  assertNotPast(deps, office, date);
  const next = nextPlanOf(office, date, input);
  const day = await previewDay(office, date, { plan: next });
  if (next && next.kind !== 'closed' && day.after.slots.length === 0) {
    throw invalid({ sessions: { key: 'staff.plan_no_slots' } }, 'staff.plan_no_slots');
  }
  const current = planFields(await storedPlan(office, date));
  const wasClosed = current?.kind === 'closed' || (!current && day.before.slots.length === 0);
  const activeBookings = await activeCount(office._id, date);
  return {
    date,
    current,
    next,
    day,
    activeBookings,
    closing: next?.kind === 'closed' && !wasClosed,
  };
}

/** The day as it stands: counters against the stored plan, and its active bookings. */
export async function dayState(office: OfficeRecord, date: LocalDate) {
  const [day, activeBookings] = await Promise.all([previewDay(office, date), activeCount(office._id, date)]);
  return { day, activeBookings };
}

/** Writes the plan, keeping fields it does not own (the lottery's `allocation`). */
async function savePlan(office: OfficeRecord, plan: DayPlan | null, date: LocalDate, actor: StaffPrincipal) {
  if (!plan) {
    await DayPlanModel.deleteOne({ office: office._id, date });
    return;
  }
  const set: Record<string, unknown> = { kind: plan.kind };
  const unset: Record<string, 1> = {};
  for (const field of PLAN_FIELDS) {
    if (plan[field] !== undefined) set[field] = plan[field];
    else unset[field] = 1;
  }
  if (Types.ObjectId.isValid(actor.id)) set.updatedBy = new Types.ObjectId(actor.id);
  await DayPlanModel.updateOne(
    { office: office._id, date },
    { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) },
    { upsert: true },
  );
}

/**
 * Saves a day plan (or removes it with input null) and brings the counters to it. When the
 * confirm form carries the preview's fingerprint and the day changed since, nothing is
 * saved: staff see the new preview instead of a result they did not review.
 */
export async function applyPlan(
  deps: StaffContext,
  office: OfficeRecord,
  date: LocalDate,
  input: PlanInput | null,
  actor: StaffPrincipal,
  fingerprint?: string,
): Promise<{ preview: PlanPreview; closedAppointments: string[] }> {
  const { events, audit } = deps;
  return withDayLock(deps, `plan:${office._id}:${date}`, async () => {
    const preview = await previewPlan(deps, office, date, input);
    if (fingerprint && fingerprint !== preview.day.fingerprint) {
      throw new AppError('conflict', 'staff.preview_outdated');
    }
    await savePlan(office, preview.next, date, actor);
    await syncDay(deps, office, date);
    let closedAppointments: string[] = [];
    if (preview.next?.kind === 'closed') {
      closedAppointments = await closeDay(deps, office._id, date, actor.id, preview.next.message);
    } else if (preview.current?.kind === 'closed') {
      await reopenDay(deps, office._id, date, actor.id);
    }
    await audit.record({
      actor,
      action: preview.next ? 'plan.save' : 'plan.remove',
      target: { kind: 'day', id: `${office._id}/${date}`, label: date },
      before: { plan: preview.current ?? null, capacity: preview.day.preview.totalBefore },
      after: {
        plan: preview.next,
        capacity: preview.day.preview.totalAfter,
        overbookedSlots: preview.day.preview.overbookedSlots,
      },
      officeId: office._id,
    });
    events.emit({ type: 'capacity.changed', officeId: office._id.toString(), date });
    return { preview, closedAppointments };
  });
}

// ---- office-wide changes: weekly template and windows ----

async function affectedDays(
  deps: StaffContext,
  office: OfficeRecord,
  windows: WindowLike[],
): Promise<LocalDate[]> {
  const { schedule } = deps;
  const today = schedule.today(office);
  const days = new Set(await materializedDays(office, today));
  // Temporary windows keep their places in counters, so their whole range must exist.
  for (const w of windows) {
    if (!isTemporary(w) || !w.open) continue;
    // Dates are 'yyyy-MM-dd' strings: the later one sorts last.
    const first = [w.from!, today].sort()[1]!;
    for (let d = first; d <= w.to!; d = addDays(d, 1)) days.add(d);
  }
  return [...days].sort();
}

export async function previewOfficeWide(
  deps: StaffContext,
  office: OfficeRecord,
  overrides: { template?: WeekdayTemplate[]; windows?: WindowLike[] },
): Promise<OfficeWidePreview> {
  const windows = overrides.windows ?? (await officeWindows(office._id));
  const dates = await affectedDays(deps, office, windows);
  const days: DayCapacityPreview[] = [];
  for (const date of dates) days.push(await previewDay(office, date, overrides));
  return officeWide(days);
}

/** Brings every affected day's counters to the office's stored template and windows. */
export async function syncOffice(deps: StaffContext, officeId: Types.ObjectId): Promise<OfficeWidePreview> {
  const { events, schedule } = deps;
  schedule.invalidate(officeId.toString());
  const office = await OfficeModel.findById(officeId).lean<OfficeRecord>();
  if (!office) throw new AppError('not_found', 'booking.office_not_found');
  const windows = await officeWindows(office._id);
  const days: DayCapacityPreview[] = [];
  for (const date of await affectedDays(deps, office, windows)) days.push(await syncDay(deps, office, date));
  const result = officeWide(days);
  for (const d of result.days)
    events.emit({ type: 'capacity.changed', officeId: officeId.toString(), date: d.date });
  return result;
}

export async function peakSuggestions(
  deps: StaffContext,
  office: OfficeRecord,
  months = 12,
): Promise<(PeakSuggestion & { plan?: DayPlan['kind'] })[]> {
  const { schedule } = deps;
  const today = schedule.today(office);
  const suggestions = suggestPeakDays(today, months, office.customPeakDays);
  const last = suggestions[suggestions.length - 1]?.date ?? today;
  const plans = await DayPlanModel.find(
    { office: office._id, date: { $gte: today, $lte: last } },
    { date: 1, kind: 1 },
  ).lean();
  const kinds = new Map(plans.map((p) => [p.date, p.kind]));
  return suggestions.map((s) => {
    const kind = kinds.get(s.date);
    return kind ? { ...s, plan: kind } : s;
  });
}

export function peakDraft(
  deps: StaffContext,
  office: OfficeRecord,
  date: LocalDate,
  suggestion: PeakSuggestion | undefined,
): PlanInput {
  const { clock } = deps;
  return peakDayDefaults(office, date, suggestion?.label ?? { zh: '热门日', en: 'Peak day' }, clock());
}

// ---- the yearly holiday notice ----
