// Offices as administrators edit them: details, zone, documents to bring, booking rules,
// eligibility and no-show policy, and the office's own peak days. Validated, audited.
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import type { BookingRules } from '../../domain/booking-rules.ts';
import type { EligibilityRules } from '../../domain/eligibility.ts';
import type { NoShowPolicy } from '../../domain/no-show-policy.ts';
import type { Bilingual, WeekdayTemplate } from '../../domain/schedule-types.ts';
import { OfficeModel } from '../../models/office.model.ts';
import { SlotModel } from '../../models/slot.model.ts';
import { AppError, invalid, notFound } from '../errors.ts';
import type { OfficeRecord } from '../schedule-service.ts';
import { ensureOfficeWindows } from './capacity-sync.ts';
import { canAccessOffice, type StaffPrincipal } from './principal.ts';
import type { StaffContext } from './staff-context.ts';

export interface OfficeDetailsInput {
  nameZh: string;
  nameEn: string;
  addressZh: string;
  addressEn: string;
  phone: string;
  timezone: string;
  /** One document per line: 'Chinese | English'. */
  documents: Bilingual[];
  active: boolean;
}

export interface OfficeRulesInput {
  bookingRules: BookingRules;
  eligibility: EligibilityRules;
  noShowPolicy: NoShowPolicy;
  ceremonyBufferMinutes: number;
}

export interface NewOfficeInput extends Omit<OfficeDetailsInput, 'active'> {
  slug: string;
}

/** A new office starts with weekday hours 09:00-12:00 and 13:30-17:00, two windows of 3 couples. */
export const DEFAULT_TEMPLATE: WeekdayTemplate[] = [1, 2, 3, 4, 5].map((weekday) => ({
  weekday,
  sessions: [
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '17:00' },
  ],
  slotMinutes: 30,
  windowsOpen: 2,
  couplesPerWindow: 3,
}));

export function isZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

const details = (o: OfficeRecord) => ({
  name: o.name,
  address: o.address,
  phone: o.phone,
  timezone: o.timezone,
  documents: o.documents,
  active: o.active,
});

/** Offices a member of staff may see: their own, or all for an administrator without a list. */
export async function listFor(staff: StaffPrincipal): Promise<OfficeRecord[]> {
  const all = await OfficeModel.find().sort({ active: -1, slug: 1 }).lean<OfficeRecord[]>();
  return all.filter((o) => canAccessOffice(staff, o._id) && (o.active || staff.role === 'admin'));
}

export async function get(id: string): Promise<OfficeRecord> {
  if (!Types.ObjectId.isValid(id) || !/^[a-f0-9]{24}$/i.test(id)) throw notFound('booking.office_not_found');
  const office = await OfficeModel.findById(id).lean<OfficeRecord>();
  if (!office) throw notFound('booking.office_not_found');
  return office;
}

export async function updateDetails(
  deps: StaffContext,
  id: string,
  input: OfficeDetailsInput,
  actor: StaffPrincipal,
): Promise<OfficeRecord> {
  const { schedule, audit } = deps;
  const before = await get(id);
  if (!isZone(input.timezone)) throw invalid({ timezone: { key: 'staff.office_zone_invalid' } });
  if (input.timezone !== before.timezone) {
    // Slot instants were computed in the old zone: moving the zone would move every booking.
    const future = await SlotModel.exists({ office: before._id, date: { $gte: schedule.today(before) } });
    if (future) throw invalid({ timezone: { key: 'staff.office_zone_locked' } }, 'staff.office_zone_locked');
  }
  const after = await OfficeModel.findOneAndUpdate(
    { _id: before._id },
    {
      $set: {
        name: { zh: input.nameZh, en: input.nameEn },
        address: { zh: input.addressZh, en: input.addressEn },
        phone: input.phone,
        timezone: input.timezone,
        documents: input.documents,
        active: input.active,
      },
    },
    { returnDocument: 'after', runValidators: true },
  ).lean<OfficeRecord>();
  if (!after) throw notFound('booking.office_not_found');
  schedule.invalidate(id);
  await audit.record({
    actor,
    action: 'office.update',
    target: { kind: 'office', id, label: after.name.zh },
    before: details(before),
    after: details(after),
    officeId: after._id,
  });
  return after;
}

export async function updateRules(
  deps: StaffContext,
  id: string,
  input: OfficeRulesInput,
  actor: StaffPrincipal,
): Promise<OfficeRecord> {
  const { schedule, audit } = deps;
  const before = await get(id);
  const after = await OfficeModel.findOneAndUpdate(
    { _id: before._id },
    { $set: { ...input } },
    { returnDocument: 'after', runValidators: true },
  ).lean<OfficeRecord>();
  if (!after) throw notFound('booking.office_not_found');
  schedule.invalidate(id);
  const rules = (o: OfficeRecord) => ({
    bookingRules: o.bookingRules,
    eligibility: o.eligibility,
    noShowPolicy: o.noShowPolicy,
    ceremonyBufferMinutes: o.ceremonyBufferMinutes,
  });
  await audit.record({
    actor,
    action: 'office.rules',
    target: { kind: 'office', id, label: after.name.zh },
    before: rules(before),
    after: rules(after),
    officeId: after._id,
  });
  return after;
}

export async function create(
  deps: StaffContext,
  input: NewOfficeInput,
  actor: StaffPrincipal,
): Promise<OfficeRecord> {
  const { audit } = deps;
  if (!isZone(input.timezone)) throw invalid({ timezone: { key: 'staff.office_zone_invalid' } });
  try {
    const office = await OfficeModel.create({
      slug: input.slug,
      name: { zh: input.nameZh, en: input.nameEn },
      address: { zh: input.addressZh, en: input.addressEn },
      phone: input.phone,
      timezone: input.timezone,
      documents: input.documents,
      weeklyTemplate: DEFAULT_TEMPLATE,
    });
    const record = office.toObject() as OfficeRecord;
    // An office starts with the windows its template uses (named by number).
    await ensureOfficeWindows(record);
    await audit.record({
      actor,
      action: 'office.create',
      target: { kind: 'office', id: record._id.toString(), label: record.name.zh },
      after: details(record),
      officeId: record._id,
    });
    return record;
  } catch (err) {
    if ((err as { code?: number }).code === 11000) {
      throw invalid({ slug: { key: 'staff.office_slug_taken' } }, 'staff.office_slug_taken');
    }
    throw err;
  }
}

export async function addPeakDay(
  deps: StaffContext,
  id: string,
  day: { month: number; day: number; label: Bilingual },
  actor: StaffPrincipal,
): Promise<void> {
  const { schedule, audit } = deps;
  const office = await get(id);
  const probe = DateTime.fromObject({ year: 2024, month: day.month, day: day.day });
  if (!probe.isValid) throw invalid({ day: { key: 'field.invalid_date' } }, 'field.invalid_date');
  if (office.customPeakDays.some((p) => p.month === day.month && p.day === day.day)) {
    throw new AppError('conflict', 'staff.peak_day_exists');
  }
  await OfficeModel.updateOne({ _id: office._id }, { $push: { customPeakDays: day } });
  schedule.invalidate(id);
  await audit.record({
    actor,
    action: 'office.peak_day_add',
    target: { kind: 'office', id, label: office.name.zh },
    after: day,
    officeId: office._id,
  });
}

export async function removePeakDay(
  deps: StaffContext,
  id: string,
  month: number,
  day: number,
  actor: StaffPrincipal,
): Promise<void> {
  const { schedule, audit } = deps;
  const office = await get(id);
  const existing = office.customPeakDays.find((p) => p.month === month && p.day === day);
  if (!existing) throw notFound('staff.peak_day_missing');
  await OfficeModel.updateOne({ _id: office._id }, { $pull: { customPeakDays: { month, day } } });
  schedule.invalidate(id);
  await audit.record({
    actor,
    action: 'office.peak_day_remove',
    target: { kind: 'office', id, label: office.name.zh },
    before: existing,
    officeId: office._id,
  });
}
