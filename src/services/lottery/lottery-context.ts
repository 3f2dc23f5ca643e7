// What the lottery's parts share: their dependencies, record types and small look-ups.
import type { Types } from 'mongoose';
import type { Preference } from '../../domain/lottery.ts';
import type { Clock, RandomBytes } from '../../lib/clock.ts';
import type { SecretKeys } from '../../lib/secret-keys.ts';
import { DayPlanModel, type DayPlanRecord, type LotterySettings } from '../../models/day-plan.model.ts';
import type { LotteryApplication } from '../../models/lottery-application.model.ts';
import { type LotteryDraw, LotteryDrawModel } from '../../models/lottery-draw.model.ts';
import type { LotteryReserve } from '../../models/lottery-reserve.model.ts';
import type { AuditService } from '../audit-service.ts';
import type { BookingService } from '../booking/booking-service.ts';
import type { DomainEvent, EventBus } from '../events.ts';
import type { OfficeRecord, ScheduleService } from '../schedule-service.ts';
import type { PhoneCheck } from '../verification/verified-phone.ts';

export interface LotteryDeps extends SecretKeys {
  clock: Clock;
  random: RandomBytes;
  events: EventBus;
  schedule: ScheduleService;
  booking: BookingService;
  audit: AuditService;
  /** Checks a verification code, on days that ask for a verified phone. */
  checkPhone?: PhoneCheck;
}

export type DrawRecord = LotteryDraw & { _id: Types.ObjectId };
export type ApplicationRecord = LotteryApplication & { _id: Types.ObjectId };
export type ReserveRecord = LotteryReserve & { _id: Types.ObjectId };
export type PlanRecord = DayPlanRecord & { _id: Types.ObjectId };

/** A stored preference as the published algorithm reads it (no stray fields). */
export function cleanPreference(preference: Preference): Preference {
  return preference.kind === 'ranked'
    ? { kind: 'ranked', starts: [...(preference.starts ?? [])] }
    : { kind: preference.kind };
}

export async function loadPlan(office: OfficeRecord, date: string): Promise<PlanRecord | null> {
  return DayPlanModel.findOne({ office: office._id, date }).lean<PlanRecord>();
}

/** The lottery settings of a plan, only when the day is in lottery mode. */
export function lotteryOf(plan: PlanRecord | null | undefined): LotterySettings | undefined {
  return plan?.allocation === 'lottery' && plan.lottery ? plan.lottery : undefined;
}

export async function loadDraw(office: OfficeRecord, date: string): Promise<DrawRecord | null> {
  return LotteryDrawModel.findOne({ office: office._id, date }).lean<DrawRecord>();
}

/** Runs `work` over items with at most `limit` at a time, in order of start. */
export async function inPool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The event that tells a couple its drawn place is gone (declined, or not confirmed in time). */
export function lapsedEvent(
  application: ApplicationRecord,
  reason: 'unconfirmed' | 'declined',
): Extract<DomainEvent, { type: 'lottery.lapsed' }> {
  return {
    type: 'lottery.lapsed',
    applicationId: application._id.toString(),
    ...(application.appointment ? { appointmentId: application.appointment.toString() } : {}),
    officeId: application.office.toString(),
    date: application.date,
    start: application.start ?? '',
    reason,
  };
}
