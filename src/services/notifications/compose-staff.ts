// Messages to staff: the day's roster of an office, the monthly peak-day suggestions, and the
// link that lifts a locked account's lock.

import type { Types } from 'mongoose';
import { localDateOf } from '../../domain/local-time.ts';
import { suggestPeakDays } from '../../domain/peak-days.ts';
import type { Clock } from '../../lib/clock.ts';
import {
  type PeakOfficeDigest,
  peakDaysMessage,
  rosterMessage,
  unlockMessage,
} from '../../mail/builders/staff-messages.ts';
import { AppointmentModel } from '../../models/appointment.model.ts';
import { DayPlanModel } from '../../models/day-plan.model.ts';
import { OfficeModel } from '../../models/office.model.ts';
import { type StaffUser, StaffUserModel } from '../../models/staff-user.model.ts';
import type { OfficeRecord } from '../schedule-service.ts';
import type { Composed, Skipped } from './compose-appointment.ts';
import type { NotificationSpec } from './specs.ts';

type StaffRecord = StaffUser & { _id: Types.ObjectId };
type StaffSpec = Extract<
  NotificationSpec,
  { kind: 'roster' } | { kind: 'peak_days' } | { kind: 'staff_unlock' }
>;

export interface StaffComposeDeps {
  clock: Clock;
  baseUrl: string;
}

/** How far ahead the monthly digest looks. */
export const PEAK_DIGEST_MONTHS = 3;

const isId = (id: string) => /^[a-f0-9]{24}$/i.test(id);

/** Active staff who work at the office (an administrator without offices covers all). */
export async function staffOfOffice(officeId: Types.ObjectId): Promise<StaffRecord[]> {
  return StaffUserModel.find({
    active: true,
    $or: [{ offices: officeId }, { role: 'admin', offices: { $size: 0 } }],
  }).lean<StaffRecord[]>();
}

export async function administrators(): Promise<StaffRecord[]> {
  return StaffUserModel.find({ active: true, role: 'admin' }).lean<StaffRecord[]>();
}

async function rosterLines(officeId: Types.ObjectId, date: string) {
  const rows = await AppointmentModel.find(
    { office: officeId, date, status: { $ne: 'cancelled' } },
    { start: 1, end: 1, reference: 1, partners: 1, status: 1, closure: 1 },
  )
    .sort({ start: 1, reference: 1 })
    .lean();
  return rows.map((a) => ({
    start: a.start,
    end: a.end,
    reference: a.reference,
    couple: a.partners.map((p) => p.name).join(' & '),
    status: a.status,
    closed: a.closure?.date === date,
  }));
}

async function roster(
  deps: StaffComposeDeps,
  spec: Extract<StaffSpec, { kind: 'roster' }>,
): Promise<Composed | Skipped> {
  const { baseUrl } = deps;
  if (!isId(spec.staffId) || !isId(spec.officeId)) return { skip: 'bad id' };
  const [member, office] = await Promise.all([
    StaffUserModel.findOne({ _id: spec.staffId, active: true }).lean<StaffRecord>(),
    OfficeModel.findOne({ _id: spec.officeId, active: true }).lean<OfficeRecord>(),
  ]);
  if (!member) return { skip: 'staff inactive' };
  if (!office) return { skip: 'office not found' };
  const lines = await rosterLines(office._id, spec.date);
  if (lines.length === 0) return { skip: 'no appointments' };
  const locale = member.language ?? 'zh-CN';
  return {
    to: member.email,
    locale,
    officeId: office._id.toString(),
    message: rosterMessage({
      locale,
      office,
      date: spec.date,
      lines,
      closed: lines.some((l) => l.closed),
      url: `${baseUrl}/staff/offices/${office._id}/roster?date=${spec.date}`,
    }),
  };
}

/** The peak days ahead of each office the administrator covers, marked planned or not. */
async function peakDigest(deps: StaffComposeDeps, member: StaffRecord): Promise<PeakOfficeDigest[]> {
  const { clock, baseUrl } = deps;
  const offices = await OfficeModel.find(
    member.offices.length ? { _id: { $in: member.offices }, active: true } : { active: true },
  )
    .sort({ slug: 1 })
    .lean<OfficeRecord[]>();
  const digests: PeakOfficeDigest[] = [];
  for (const office of offices) {
    const today = localDateOf(clock(), office.timezone);
    const suggested = suggestPeakDays(today, PEAK_DIGEST_MONTHS, office.customPeakDays ?? []);
    if (suggested.length === 0) continue;
    const plans = await DayPlanModel.find(
      { office: office._id, date: { $in: suggested.map((s) => s.date) } },
      { date: 1 },
    ).lean();
    const planned = new Set(plans.map((p) => p.date));
    digests.push({
      office: office.name,
      url: `${baseUrl}/staff/offices/${office._id}/peak-days`,
      days: suggested.map((s) => ({ date: s.date, label: s.label, planned: planned.has(s.date) })),
    });
  }
  return digests;
}

async function peakDays(
  deps: StaffComposeDeps,
  spec: Extract<StaffSpec, { kind: 'peak_days' }>,
): Promise<Composed | Skipped> {
  if (!isId(spec.staffId)) return { skip: 'bad id' };
  const member = await StaffUserModel.findOne({
    _id: spec.staffId,
    active: true,
    role: 'admin',
  }).lean<StaffRecord>();
  if (!member) return { skip: 'not an active administrator' };
  const offices = await peakDigest(deps, member);
  if (offices.length === 0) return { skip: 'no peak days ahead' };
  const locale = member.language ?? 'zh-CN';
  return {
    to: member.email,
    locale,
    message: peakDaysMessage({ locale, months: PEAK_DIGEST_MONTHS, offices }),
  };
}

/**
 * The unlock link: its token is known only to the sign-in that locked the account (only its
 * hash is stored), so a retry or a resend has none and sends nothing; the lock still ends
 * by itself.
 */
async function unlock(
  deps: StaffComposeDeps,
  spec: Extract<StaffSpec, { kind: 'staff_unlock' }>,
  token: string | undefined,
): Promise<Composed | Skipped> {
  const { baseUrl } = deps;
  if (!token) return { skip: 'the unlock link is known only when the account is locked' };
  if (!isId(spec.staffId)) return { skip: 'bad id' };
  const member = await StaffUserModel.findOne({ _id: spec.staffId, active: true }).lean<StaffRecord>();
  if (!member) return { skip: 'staff inactive' };
  const locale = member.language ?? 'zh-CN';
  return {
    to: member.email,
    locale,
    message: unlockMessage({
      locale,
      name: member.name,
      email: member.email,
      lockedUntil: new Date(spec.lockedUntil),
      url: `${baseUrl}/staff/unlock/${token}`,
    }),
  };
}

export async function composeStaffNotice(
  deps: StaffComposeDeps,
  spec: StaffSpec,
  opts: { unlockToken?: string } = {},
): Promise<Composed | Skipped> {
  if (spec.kind === 'staff_unlock') return unlock(deps, spec, opts.unlockToken);
  return spec.kind === 'roster' ? roster(deps, spec) : peakDays(deps, spec);
}
