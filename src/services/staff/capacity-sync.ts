// Keeps the slot counters in step with the plan: every counter of a day is set to its planned
// capacity through setCapacity (slot-counter.ts, the only code that moves counters). Bookings
// are never touched: a slot that ends up with fewer places than bookings is flagged. The preview shown to staff is computed by the very same function
// that computes the deltas, so what is saved is exactly what was previewed.
import { createHash } from 'node:crypto';
import type { Types } from 'mongoose';
import { type CapacityPreview, previewCapacity } from '../../domain/capacity-preview.ts';
import type { DayPlan, DaySchedule, LocalDate, WeekdayTemplate } from '../../domain/schedule-types.ts';
import { DayPlanModel, type DayPlanRecord } from '../../models/day-plan.model.ts';
import { SlotModel } from '../../models/slot.model.ts';
import { WindowModel } from '../../models/window.model.ts';
import { setCapacity } from '../booking/slot-counter.ts';
import type { OfficeRecord, SlotRecord } from '../schedule-service.ts';
import { effectiveSchedule, type WindowLike } from './effective-schedule.ts';
import type { StaffContext } from './staff-context.ts';

export interface DayCapacityPreview {
  date: LocalDate;
  before: DaySchedule;
  after: DaySchedule;
  preview: CapacityPreview;
  /** Digest of the slot-by-slot changes, carried by the confirm form to detect changes meanwhile. */
  fingerprint: string;
}

/** What an office-wide change replaces; anything left out stays as stored. */
export interface Overrides {
  template?: WeekdayTemplate[];
  windows?: WindowLike[];
  /** null: the day's plan is removed. */
  plan?: DayPlan | null;
}

export async function officeWindows(officeId: Types.ObjectId): Promise<WindowLike[]> {
  const docs = await WindowModel.find({ office: officeId }).sort({ position: 1, _id: 1 }).lean();
  return docs.map((w) => ({
    id: w._id.toString(),
    name: w.name,
    open: w.open,
    from: w.from,
    to: w.to,
    position: w.position,
  }));
}

/** How many windows an office that never saved any has: as many as its template uses. */
const defaultWindowCount = (office: OfficeRecord) =>
  Math.max(1, ...office.weeklyTemplate.map((e) => e.windowsOpen));

/**
 * The office's windows, as stored; an office that never saved any (made before windows
 * existed, or by a script) shows the ones its template implies, named by number, which are
 * stored at its first change of windows (ensureOfficeWindows). Reading stores nothing.
 */
export async function listWindows(office: OfficeRecord): Promise<WindowLike[]> {
  const stored = await officeWindows(office._id);
  if (stored.length > 0) return stored;
  return Array.from({ length: defaultWindowCount(office) }, (_, i) => ({
    id: `${DEFAULT_WINDOW_ID}${i + 1}`,
    name: String(i + 1),
    open: true,
    position: i + 1,
  }));
}

/** The id of a window shown from the template, not stored yet: `default-` and its position. */
export const DEFAULT_WINDOW_ID = 'default-';

/** Stores the windows an office that never saved any has (see listWindows); a write, for changes and the seed. */
export async function ensureOfficeWindows(office: OfficeRecord): Promise<WindowLike[]> {
  const existing = await officeWindows(office._id);
  if (existing.length > 0) return existing;
  const count = defaultWindowCount(office);
  await WindowModel.bulkWrite(
    Array.from({ length: count }, (_, i) => ({
      updateOne: {
        filter: { office: office._id, position: i + 1, from: { $exists: false } },
        update: { $setOnInsert: { name: String(i + 1), open: true } },
        upsert: true,
      },
    })),
  );
  return officeWindows(office._id);
}

export function fingerprintOf(previews: { date: string; preview: CapacityPreview }[]): string {
  const text = previews
    .map((p) => `${p.date}|${p.preview.slots.map((s) => `${s.start}:${s.before}>${s.after}`).join(',')}`)
    .join(';');
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/** Plain DayPlan fields of a stored plan (what the domain reads). */
export function planFields(record: DayPlanRecord | null | undefined): DayPlan | undefined {
  if (!record) return undefined;
  const {
    office: _o,
    allocation: _a,
    lottery: _l,
    updatedBy: _u,
    createdAt: _c,
    updatedAt: _up,
    ...rest
  } = record;
  const { _id, __v: _v, ...plan } = rest as DayPlan & { _id?: unknown; __v?: unknown };
  return plan;
}

/** Runs `fn` after any change of the same office and day in this process has finished. */
export async function withDayLock<T>(deps: StaffContext, key: string, fn: () => Promise<T>): Promise<T> {
  const locks = deps.dayLocks;
  const previous = locks.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(fn);
  locks.set(key, run);
  try {
    return await run;
  } finally {
    if (locks.get(key) === run) locks.delete(key);
  }
}

/** The day as the counters hold it now: stored capacities, and planned ones for slots not yet created. */
function currentSchedule(planned: DaySchedule, counters: SlotRecord[]): DaySchedule {
  const byStart = new Map(planned.slots.map((s) => [s.start, s]));
  for (const c of counters) {
    byStart.set(c.start, {
      date: c.date,
      start: c.start,
      end: c.end,
      startsAt: c.startsAt,
      endsAt: c.endsAt,
      capacity: c.capacity,
    });
  }
  const slots = [...byStart.values()].sort((a, b) => (a.start < b.start ? -1 : 1));
  return { ...planned, slots };
}

async function loadDay(office: OfficeRecord, date: LocalDate) {
  const [plan, counters, windows] = await Promise.all([
    DayPlanModel.findOne({ office: office._id, date }).lean<DayPlanRecord>(),
    SlotModel.find({ office: office._id, date }).lean<SlotRecord[]>(),
    officeWindows(office._id),
  ]);
  return { plan: planFields(plan), counters, windows };
}

export async function previewDay(
  office: OfficeRecord,
  date: LocalDate,
  overrides: Overrides = {},
): Promise<DayCapacityPreview> {
  const stored = await loadDay(office, date);
  return computePreview(office, date, stored, overrides);
}

function computePreview(
  office: OfficeRecord,
  date: LocalDate,
  stored: Awaited<ReturnType<typeof loadDay>>,
  overrides: Overrides,
): DayCapacityPreview {
  const planned = effectiveSchedule(
    date,
    office.timezone,
    office.weeklyTemplate,
    stored.plan,
    stored.windows,
  );
  const before = currentSchedule(planned, stored.counters);
  const nextPlan = overrides.plan === undefined ? stored.plan : (overrides.plan ?? undefined);
  const after = effectiveSchedule(
    date,
    office.timezone,
    overrides.template ?? office.weeklyTemplate,
    nextPlan,
    overrides.windows ?? stored.windows,
  );
  const booked = new Map(stored.counters.map((c) => [c.start, c.booked]));
  const preview = previewCapacity(before, after, booked);
  return { date, before, after, preview, fingerprint: fingerprintOf([{ date, preview }]) };
}

/**
 * Brings a day's counters to the planned capacities (after the plan, template or windows
 * were saved) and creates the counters of new slots. Returns the changes made, which are
 * the preview's changes when nothing moved in between.
 */
export async function syncDay(
  deps: StaffContext,
  office: OfficeRecord,
  date: LocalDate,
): Promise<DayCapacityPreview> {
  const { schedule } = deps;
  return withDayLock(deps, `${office._id}:${date}`, async () => {
    // The booking side caches plans for a moment: it must see this change at once.
    schedule.invalidate(office._id.toString(), date);
    const stored = await loadDay(office, date);
    const result = computePreview(office, date, stored, {});
    const target = new Map(result.after.slots.map((s) => [s.start, s.capacity]));
    const planned = new Map(result.after.slots.map((s) => [s.start, s]));
    for (const counter of stored.counters) {
      await setCapacity(counter._id, target.get(counter.start) ?? 0);
      // A new slot length keeps the start but moves the end: bookings read it from the counter.
      const slot = planned.get(counter.start);
      if (slot && slot.end !== counter.end) {
        await SlotModel.updateOne({ _id: counter._id }, { $set: { end: slot.end, endsAt: slot.endsAt } });
      }
    }
    await schedule.ensureSlots(office, result.after.slots);
    return result;
  });
}

/** Days from `from` whose counters exist, plus any listed: the days an office-wide change touches. */
export async function materializedDays(office: OfficeRecord, from: LocalDate): Promise<LocalDate[]> {
  const dates: string[] = await SlotModel.distinct('date', { office: office._id, date: { $gte: from } });
  return dates.sort();
}
