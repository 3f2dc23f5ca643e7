// Builds a message about an appointment from its spec, after checking that it still applies
// at sending time: a reminder for a cancelled or moved booking, or for a time already past,
// is never sent, whenever the job that asked for it runs.
import type { Bilingual } from '../../domain/schedule-types.ts';
import type { Clock } from '../../lib/clock.ts';
import {
  type AppointmentMailContext,
  cancelledMessage,
  confirmationMessage,
  movedMessage,
  noShowMessage,
  officeClosedMessage,
  officeReopenedMessage,
  reminderMessage,
} from '../../mail/builders/appointment-messages.ts';
import {
  ceremonyChangedMessage,
  ceremonyNoticeMessage,
  ceremonyReminderMessage,
  type MailCeremony,
} from '../../mail/builders/ceremony-messages.ts';
import type { BuiltMessage } from '../../mail/notice-view.ts';
import { AppointmentModel } from '../../models/appointment.model.ts';
import type { AppointmentRecord } from '../booking/booking-service.ts';
import type { OfficeRecord, ScheduleService } from '../schedule-service.ts';
import type { CeremonyFacts, NotificationSpec } from './specs.ts';

export type Composed = {
  /** A key chosen by the composer (the lottery's notices), instead of notificationKey(spec). */
  key?: string;
  to: string;
  locale: 'zh-CN' | 'en';
  message: BuiltMessage;
  appointmentId?: string;
  officeId?: string;
};
export type Skipped = { skip: string };

/** What the caller may already hold (a reminder batch loads a day's bookings at once). */
export interface Preloaded {
  appointment?: AppointmentRecord;
  office?: OfficeRecord;
  dayMessage?: Bilingual | null;
}

export interface ComposeDeps {
  clock: Clock;
  baseUrl: string;
  schedule: ScheduleService;
}

export type AppointmentSpec = Exclude<
  NotificationSpec,
  { kind: 'roster' } | { kind: 'peak_days' } | { kind: 'staff_unlock' } | { kind: 'lottery' }
>;

const ACTIVE = new Set(['booked', 'arrived']);
/** A missed appointment is not written about once it is this old (the first sweep after downtime). */
const NO_SHOW_NOTICE_MAX_AGE_MS = 48 * 3_600_000;

function ceremonyOf(c: CeremonyFacts): MailCeremony {
  return {
    title: c.title,
    date: c.date,
    start: c.start,
    hallName: c.hallName,
    startsAt: new Date(c.startsAt),
  };
}

export async function officeFor(
  deps: ComposeDeps,
  a: AppointmentRecord,
  pre: Preloaded,
): Promise<OfficeRecord | null> {
  const { schedule } = deps;
  if (pre.office?._id.equals(a.office)) return pre.office;
  try {
    return await schedule.getOffice(a.office.toString());
  } catch {
    return null;
  }
}

async function dayMessageFor(
  deps: ComposeDeps,
  office: OfficeRecord,
  date: string,
  pre: Preloaded,
): Promise<Bilingual | undefined> {
  const { schedule } = deps;
  if (pre.dayMessage !== undefined) return pre.dayMessage ?? undefined;
  const day = await schedule.daySchedule(office, date);
  return day.plan?.message?.zh ? day.plan.message : undefined;
}

/** Why the message no longer applies, or null when it does. */
export function stale(spec: AppointmentSpec, a: AppointmentRecord, now: Date): string | null {
  const startsAt = a.startsAt.toISOString();
  // A lottery winner's booking is told about by the lottery's own notices (won, confirmed, lapsed).
  if (a.channel === 'lottery' && (spec.kind === 'confirmation' || spec.kind === 'cancelled')) {
    return 'told by the lottery notices';
  }
  switch (spec.kind) {
    case 'confirmation':
      if (!ACTIVE.has(a.status)) return `appointment ${a.status}`;
      return a.endsAt <= now ? 'appointment over' : null;
    case 'reminder':
      if (a.status !== 'booked') return `appointment ${a.status}`;
      if (startsAt !== spec.startsAt) return 'appointment moved';
      if (a.startsAt <= now) return 'appointment started';
      return a.closure?.date === a.date ? 'office closed that day' : null;
    case 'cancelled':
      return a.status === 'cancelled' ? null : `appointment ${a.status}`;
    case 'moved':
      if (a.status !== 'booked') return `appointment ${a.status}`;
      return startsAt === spec.startsAt ? null : 'moved again';
    case 'office_closed':
      if (!ACTIVE.has(a.status)) return `appointment ${a.status}`;
      return a.date === spec.date && a.closure?.date === spec.date ? null : 'no longer closed';
    case 'office_reopened':
      if (!ACTIVE.has(a.status)) return `appointment ${a.status}`;
      if (a.date !== spec.date) return 'moved to another day';
      // Closed again since: the couple has (or will have) the new closure notice instead.
      if (a.closure?.date === spec.date) return 'closed again';
      return a.endsAt <= now ? 'appointment over' : null;
    case 'no_show':
      if (a.status !== 'no_show') return `appointment ${a.status}`;
      return now.getTime() - a.endsAt.getTime() > NO_SHOW_NOTICE_MAX_AGE_MS ? 'too old' : null;
    case 'ceremony':
      if (a.status === 'cancelled') return 'appointment cancelled';
      if (spec.change.type === 'offer' && new Date(spec.change.expiresAt) <= now) return 'offer expired';
      return new Date(spec.ceremony.startsAt) <= now ? 'ceremony over' : null;
    case 'ceremony_changed':
      if (a.status === 'cancelled') return 'appointment cancelled';
      return new Date(spec.ceremony.startsAt) <= now ? 'ceremony over' : null;
    case 'ceremony_reminder':
      if (!ACTIVE.has(a.status)) return `appointment ${a.status}`;
      return new Date(spec.ceremony.startsAt) <= now ? 'ceremony started' : null;
  }
}

function build(
  spec: AppointmentSpec,
  ctx: AppointmentMailContext,
  a: AppointmentRecord,
  office: OfficeRecord,
  now: Date,
): BuiltMessage {
  switch (spec.kind) {
    case 'confirmation':
      return confirmationMessage(ctx);
    case 'reminder':
      return reminderMessage(ctx, now);
    case 'cancelled':
      return cancelledMessage(ctx, spec.by, spec.reason);
    case 'moved':
      return movedMessage(ctx, spec.from, spec.by);
    case 'office_closed':
      return officeClosedMessage(ctx, spec.date, a.closure?.message);
    case 'office_reopened':
      return officeReopenedMessage(ctx, spec.date);
    case 'no_show':
      return noShowMessage(ctx, office.noShowPolicy);
    case 'ceremony':
      return ceremonyNoticeMessage(
        ctx,
        ceremonyOf(spec.ceremony),
        spec.change.type === 'offer'
          ? { type: 'offer', expiresAt: new Date(spec.change.expiresAt) }
          : spec.change,
      );
    case 'ceremony_changed':
      return ceremonyChangedMessage(ctx, ceremonyOf(spec.ceremony), spec.previous);
    case 'ceremony_reminder':
      return ceremonyReminderMessage(ctx, ceremonyOf(spec.ceremony));
  }
}

/** The booking a spec is about: the one the caller preloaded, or read. */
export async function appointmentFor(
  spec: AppointmentSpec,
  pre: Preloaded,
): Promise<AppointmentRecord | null> {
  return pre.appointment && pre.appointment._id.toString() === spec.appointmentId
    ? pre.appointment
    : AppointmentModel.findById(spec.appointmentId).lean<AppointmentRecord>();
}

export async function composeAppointmentNotice(
  deps: ComposeDeps,
  spec: AppointmentSpec,
  opts: { manageToken?: string; preloaded?: Preloaded } = {},
): Promise<Composed | Skipped> {
  const { clock, baseUrl } = deps;
  const pre = opts.preloaded ?? {};
  const a = await appointmentFor(spec, pre);
  if (!a) return { skip: 'appointment not found' };
  const to = (a.email ?? '').trim();
  if (!to) return { skip: 'no e-mail address' };
  const now = clock();
  const why = stale(spec, a, now);
  if (why) return { skip: why };
  const office = await officeFor(deps, a, pre);
  if (!office) return { skip: 'office not found' };
  const wantsDayMessage = spec.kind === 'confirmation' || spec.kind === 'reminder' || spec.kind === 'moved';
  const dayMessage = wantsDayMessage ? await dayMessageFor(deps, office, a.date, pre) : undefined;
  const ctx: AppointmentMailContext = {
    appointment: a,
    office,
    baseUrl,
    ...(opts.manageToken ? { manageUrl: `${baseUrl}/booking/${opts.manageToken}` } : {}),
    ...(dayMessage ? { dayMessage } : {}),
  };
  return {
    to,
    locale: a.language === 'en' ? 'en' : 'zh-CN',
    message: build(spec, ctx, a, office, now),
    appointmentId: a._id.toString(),
    officeId: office._id.toString(),
  };
}
