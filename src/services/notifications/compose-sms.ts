// Builds the text that goes beside a notification's e-mail: the same spec, the same check that
// it still applies (compose-appointment.ts's `stale`), sent to the couple's contact phone (the
// first partner's unless they chose the second) with the short link. A spec with no text of
// its own (a no-show notice, a ceremony reminder, a lottery application received) is skipped.
import { localDateOf } from '../../domain/local-time.ts';
import type { Locale } from '../../i18n/locales.ts';
import type { Partner } from '../../models/appointment.model.ts';
import { LotteryApplicationModel } from '../../models/lottery-application.model.ts';
import type { BuiltSms, SmsInput } from '../../sms/texts.ts';
import { buildSms } from '../../sms/texts.ts';
import type { AppointmentRecord } from '../booking/booking-service.ts';
import type { LotteryEvent } from '../events.ts';
import type { ApplicationRecord } from '../lottery/lottery-context.ts';
import { lotteryNoticeKey } from '../lottery/lottery-notices.ts';
import type { OfficeRecord } from '../schedule-service.ts';
import {
  type AppointmentSpec,
  appointmentFor,
  officeFor,
  type Preloaded,
  type Skipped,
  stale,
} from './compose-appointment.ts';
import type { NotificationContext } from './notification-types.ts';
import { shortLink } from './short-links.ts';
import { type NotificationSpec, notificationKey } from './specs.ts';

export interface ComposedSms {
  key: string;
  to: string;
  locale: Locale;
  built: BuiltSms;
  appointmentId?: string;
  officeId?: string;
}

/** The key of a text: its e-mail's, and the channel. */
export function smsKey(emailKey: string): string {
  return `${emailKey}:sms`;
}

/** The phone messages go to: the first partner's, unless the couple chose the second's. */
export function contactPhone(holder: { partners: Partner[]; contactPartner?: number }): string {
  const chosen = holder.partners[holder.contactPartner === 1 ? 1 : 0] ?? holder.partners[0];
  return chosen?.phone ?? '';
}

type Linked = { link: string };
type AppointmentInput = Exclude<SmsInput, { kind: 'verification_code' } | { application: unknown }>;

/** The text's input for an appointment's notice, or null when the notice has no text. */
function appointmentInput(
  spec: AppointmentSpec,
  about: { appointment: AppointmentRecord; office: OfficeRecord },
  links: { manage: string; office: string },
  now: Date,
): AppointmentInput | null {
  const linked: typeof about & Linked = { ...about, link: links.manage };
  const ceremonyOf = (c: { startsAt: string; hallName: { zh: string; en: string } }) => ({
    startsAt: new Date(c.startsAt),
    hallName: c.hallName,
  });
  switch (spec.kind) {
    case 'confirmation':
      return { kind: 'confirmation', ...linked };
    case 'reminder': {
      const today = localDateOf(now, about.office.timezone) === about.appointment.date;
      return { kind: today ? 'reminder_same_day' : 'reminder_day_before', ...linked };
    }
    case 'cancelled':
      return { kind: 'cancelled', ...about, link: links.office };
    case 'moved':
      return { kind: 'moved', ...linked, previous: spec.from };
    case 'office_closed':
      return { kind: 'office_closed', ...linked, date: spec.date };
    case 'office_reopened':
      return { kind: 'office_reopened', ...about };
    case 'ceremony_changed':
      return { kind: 'ceremony_changed', ...linked, ceremony: ceremonyOf(spec.ceremony) };
    case 'ceremony': {
      const ceremony = ceremonyOf(spec.ceremony);
      const change = spec.change;
      if (change.type === 'seated') return { kind: 'ceremony_seated', ...linked, ceremony };
      if (change.type === 'waitlisted')
        return { kind: 'ceremony_waitlisted', ...about, position: change.position };
      if (change.type === 'offer')
        return { kind: 'ceremony_offer', ...linked, ceremony, expiresAt: new Date(change.expiresAt) };
      if (change.type === 'cancelled') return { kind: 'ceremony_cancelled', ...about, ceremony };
      // A seat the couple gave up, or lost with its booking, is told by other notices.
      return change.reason === 'offer_expired' ? { kind: 'ceremony_offer_lapsed', ...about } : null;
    }
    default:
      return null;
  }
}

function built(ctx: NotificationContext, input: SmsInput): BuiltSms {
  return buildSms(input, { signName: ctx.sms?.config.signName ?? '' });
}

async function composeAppointmentSms(
  ctx: NotificationContext,
  spec: AppointmentSpec,
  pre: Preloaded,
): Promise<ComposedSms | Skipped> {
  const a = await appointmentFor(spec, pre);
  if (!a) return { skip: 'appointment not found' };
  const to = contactPhone(a);
  if (!to) return { skip: 'no phone' };
  const now = ctx.clock();
  const why = stale(spec, a, now);
  if (why) return { skip: why };
  const office = await officeFor(ctx, a, pre);
  if (!office) return { skip: 'office not found' };
  const manage = await shortLink(ctx.secret ?? '', ctx.baseUrl, 'appointment', a._id.toString(), now);
  const links = { manage, office: `${ctx.baseUrl}/offices/${office.slug}` };
  const input = appointmentInput(spec, { appointment: a, office }, links, now);
  if (!input) return { skip: 'no text for this notice' };
  return {
    key: smsKey(notificationKey(spec)),
    to,
    locale: a.language === 'en' ? 'en' : 'zh-CN',
    built: built(ctx, input),
    appointmentId: a._id.toString(),
    officeId: office._id.toString(),
  };
}

async function composeLotterySms(
  ctx: NotificationContext,
  event: LotteryEvent,
): Promise<ComposedSms | Skipped> {
  if (event.type !== 'lottery.won' && event.type !== 'lottery.not_drawn')
    return { skip: 'no text for this notice' };
  const application = await LotteryApplicationModel.findById(event.applicationId).lean<ApplicationRecord>();
  if (!application) return { skip: 'not found' };
  const to = contactPhone(application);
  if (!to) return { skip: 'no phone' };
  const now = ctx.clock();
  if (event.type === 'lottery.won' && (application.status !== 'offered' || new Date(event.confirmBy) <= now))
    return { skip: `application ${application.status}` };
  const office = await ctx.schedule.getOffice(application.office.toString()).catch(() => null);
  if (!office) return { skip: 'office not found' };
  const link = await shortLink(ctx.secret ?? '', ctx.baseUrl, 'application', application._id.toString(), now);
  const place = { application, office, date: event.date, link };
  const input: SmsInput =
    event.type === 'lottery.won'
      ? {
          kind: event.passedOn ? 'lottery_offer' : 'lottery_won',
          ...place,
          start: event.start,
          confirmBy: new Date(event.confirmBy),
        }
      : { kind: 'lottery_not_drawn', ...place };
  return {
    key: smsKey(lotteryNoticeKey(event)),
    to,
    locale: application.language === 'en' ? 'en' : 'zh-CN',
    built: built(ctx, input),
    officeId: office._id.toString(),
  };
}

/** The text for a notification, or why there is none. Staff notices never have one. */
export function composeSms(
  ctx: NotificationContext,
  spec: NotificationSpec,
  pre: Preloaded = {},
): Promise<ComposedSms | Skipped> {
  if (!ctx.sms) return Promise.resolve({ skip: 'no SMS channel' });
  if (spec.kind === 'roster' || spec.kind === 'peak_days' || spec.kind === 'staff_unlock')
    return Promise.resolve({ skip: 'staff notice' });
  if (spec.kind === 'lottery') return composeLotterySms(ctx, spec.event);
  return composeAppointmentSms(ctx, spec, pre);
}
