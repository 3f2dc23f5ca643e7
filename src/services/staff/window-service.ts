// The office's registration windows. Permanent windows drive the weekly template's
// `windowsOpen`; the office-wide couples-per-window number is its `couplesPerWindow`;
// temporary windows add places over a date range (see window.model.ts for the rules).
// Every change is applied to the counters at once (bookings kept, overfull slots flagged).
import { Types } from 'mongoose';
import { addDays, isLocalDate } from '../../domain/local-time.ts';
import type { WeekdayTemplate } from '../../domain/schedule-types.ts';
import { OfficeModel } from '../../models/office.model.ts';
import { WindowModel } from '../../models/window.model.ts';
import { AppError, invalid, notFound } from '../errors.ts';
import type { OfficeRecord } from '../schedule-service.ts';
import { DEFAULT_WINDOW_ID, ensureOfficeWindows, officeWindows } from './capacity-sync.ts';
import { isTemporary, type WindowLike } from './effective-schedule.ts';
import { type OfficeWidePreview, syncOffice } from './planning-service.ts';
import type { StaffPrincipal } from './principal.ts';
import type { StaffContext } from './staff-context.ts';

export const MAX_TEMPORARY_DAYS = 92;
export const DEFAULT_COUPLES_PER_WINDOW = 3;

export interface WindowInput {
  name: string;
  from?: string | undefined;
  to?: string | undefined;
}

export interface WindowChange {
  name?: string | undefined;
  open?: boolean | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

const openPermanent = (windows: WindowLike[]) => windows.filter((w) => w.open && !isTemporary(w)).length;

/**
 * The template after the number of open permanent windows changed from `before` to `after`:
 * a weekday that used every window keeps using every window; one that used fewer keeps its
 * number unless fewer remain.
 */
export function followWindows(template: WeekdayTemplate[], before: number, after: number): WeekdayTemplate[] {
  return template.map((entry) => ({
    ...entry,
    windowsOpen: entry.windowsOpen >= before ? after : Math.min(entry.windowsOpen, after),
  }));
}

/** The office-wide couples per window and slot, as the template holds it. */
export function couplesPerWindowOf(office: OfficeRecord): number {
  const withHours = office.weeklyTemplate.find((e) => e.sessions.length > 0) ?? office.weeklyTemplate[0];
  return withHours?.couplesPerWindow ?? DEFAULT_COUPLES_PER_WINDOW;
}

function checkRange(from: string | undefined, to: string | undefined, today: string) {
  if (!from && !to) return;
  if (!from || !to || !isLocalDate(from) || !isLocalDate(to)) {
    throw invalid({ from: { key: 'field.invalid_date' } });
  }
  if (to < from) throw invalid({ to: { key: 'staff.window_range_order' } }, 'staff.window_range_order');
  if (to < today) throw invalid({ to: { key: 'staff.window_range_past' } }, 'staff.window_range_past');
  if (addDays(from, MAX_TEMPORARY_DAYS - 1) < to) {
    throw invalid(
      { to: { key: 'staff.window_range_long', params: { days: MAX_TEMPORARY_DAYS } } },
      'staff.window_range_long',
    );
  }
}

/** Saves the template that follows the windows, then brings every affected day's counters to it. */
async function applyChange(
  deps: StaffContext,
  office: OfficeRecord,
  before: WindowLike[],
  actor: StaffPrincipal,
  action: string,
  detail: { before?: unknown; after?: unknown },
  couplesPerWindow?: number,
): Promise<OfficeWidePreview> {
  const { audit } = deps;
  const after = await officeWindows(office._id);
  let template = followWindows(office.weeklyTemplate, openPermanent(before), openPermanent(after));
  if (couplesPerWindow !== undefined) template = template.map((e) => ({ ...e, couplesPerWindow }));
  await OfficeModel.updateOne({ _id: office._id }, { $set: { weeklyTemplate: template } });
  const applied = await syncOffice(deps, office._id);
  await audit.record({
    actor,
    action,
    target: { kind: 'office', id: office._id.toString(), label: office.name.zh },
    before: detail.before,
    after: {
      ...(detail.after as object),
      days: applied.days.length,
      overbookedSlots: applied.overbookedSlots,
    },
    officeId: office._id,
  });
  return applied;
}

export async function add(
  deps: StaffContext,
  office: OfficeRecord,
  input: WindowInput,
  actor: StaffPrincipal,
) {
  const { schedule } = deps;
  checkRange(input.from, input.to, schedule.today(office));
  const before = await ensureOfficeWindows(office);
  const position = Math.max(0, ...before.map((w) => w.position)) + 1;
  const temporary = Boolean(input.from && input.to);
  await WindowModel.create({
    office: office._id,
    name: input.name.trim(),
    open: true,
    position,
    ...(temporary ? { from: input.from, to: input.to } : {}),
  });
  return applyChange(deps, office, before, actor, 'window.add', { after: input });
}

/** A stored window of the office; one shown from the template is stored with the others first. */
async function find(office: OfficeRecord, windowId: string) {
  const id = windowId.startsWith(DEFAULT_WINDOW_ID)
    ? (await ensureOfficeWindows(office)).find((w) => `${DEFAULT_WINDOW_ID}${w.position}` === windowId)?.id
    : windowId;
  if (!id || !Types.ObjectId.isValid(id)) throw notFound('staff.window_not_found');
  const window = await WindowModel.findOne({ _id: id, office: office._id }).lean();
  if (!window) throw notFound('staff.window_not_found');
  return window;
}

export async function update(
  deps: StaffContext,
  office: OfficeRecord,
  windowId: string,
  change: WindowChange,
  actor: StaffPrincipal,
) {
  const { schedule } = deps;
  const window = await find(office, windowId);
  const before = await ensureOfficeWindows(office);
  const set: Record<string, unknown> = {};
  if (change.name !== undefined) set.name = change.name.trim();
  if (change.open !== undefined) set.open = change.open;
  if (window.from && (change.from !== undefined || change.to !== undefined)) {
    const from = change.from ?? window.from;
    const to = change.to ?? window.to;
    checkRange(from, to, schedule.today(office));
    set.from = from;
    set.to = to;
  }
  if (Object.keys(set).length === 0) throw new AppError('invalid', 'error.invalid');
  await WindowModel.updateOne({ _id: window._id }, { $set: set });
  const action = change.open === undefined ? 'window.update' : change.open ? 'window.open' : 'window.close';
  return applyChange(deps, office, before, actor, action, {
    before: { name: window.name, open: window.open, from: window.from, to: window.to },
    after: set,
  });
}

export async function remove(
  deps: StaffContext,
  office: OfficeRecord,
  windowId: string,
  actor: StaffPrincipal,
) {
  const window = await find(office, windowId);
  const before = await ensureOfficeWindows(office);
  if (!isTemporary({ ...window, id: '' }) && openPermanent(before) <= 1 && window.open) {
    throw new AppError('conflict', 'staff.window_last');
  }
  await WindowModel.deleteOne({ _id: window._id });
  return applyChange(deps, office, before, actor, 'window.remove', {
    before: { name: window.name, open: window.open, from: window.from, to: window.to },
  });
}

export async function setCouplesPerWindow(
  deps: StaffContext,
  office: OfficeRecord,
  couples: number,
  actor: StaffPrincipal,
) {
  const before = await ensureOfficeWindows(office);
  return applyChange(
    deps,
    office,
    before,
    actor,
    'window.couples',
    { before: { couplesPerWindow: couplesPerWindowOf(office) }, after: { couplesPerWindow: couples } },
    couples,
  );
}
