// Messages to a couple about its appointment: confirmation, reminders and notices of change.
// Every one carries the office's address, the documents to bring, times in the office's zone
// and a link to manage the booking (the private link right after booking, the look-up page
// afterwards: only the link's hash is stored, so it cannot be rebuilt later).
import { DateTime } from 'luxon';
import type { Bilingual } from '../../domain/schedule-types.ts';
import { formatDate } from '../../i18n/format.ts';
import type { Locale } from '../../i18n/locales.ts';
import { type MessageKey, pick, translate } from '../../i18n/translate.ts';
import { appointmentIcs } from '../calendar-file.ts';
import type { MailAttachment } from '../message.ts';
import type { BuiltMessage, NoticeView } from '../notice-view.ts';

export interface MailAppointment {
  reference: string;
  date: string;
  start: string;
  end: string;
  startsAt: Date;
  endsAt: Date;
  status: 'booked' | 'arrived' | 'served' | 'no_show' | 'cancelled';
  language: Locale;
}

export interface MailOffice {
  name: Bilingual;
  address: Bilingual;
  phone: string;
  timezone: string;
  documents: Bilingual[];
}

export interface AppointmentMailContext {
  appointment: MailAppointment;
  office: MailOffice;
  baseUrl: string;
  /** The private manage link, known only right after booking. */
  manageUrl?: string;
  /** The office's message for the day (a peak day's "arrive 30 minutes early"). */
  dayMessage?: Bilingual;
}

type Tr = (key: MessageKey, params?: Record<string, string | number>) => string;

function tr(locale: Locale): Tr {
  return (key, params) => translate(locale, key, params);
}

function facts(ctx: AppointmentMailContext, locale: Locale) {
  const { appointment: a, office } = ctx;
  return {
    date: formatDate(a.date, locale),
    time: `${a.start}–${a.end}`,
    office: pick(office.name, locale),
  };
}

/** The facts, documents, link and footer every message about an appointment shares. */
export function appointmentNoticeBase(
  ctx: AppointmentMailContext,
  locale: Locale,
): Omit<NoticeView, 'subject' | 'heading' | 'paragraphs'> {
  const t = tr(locale);
  const { appointment: a, office } = ctx;
  const f = facts(ctx, locale);
  const details = [
    { label: t('mail.label.reference'), value: a.reference },
    { label: t('mail.label.date'), value: f.date },
    { label: t('mail.label.time'), value: f.time },
    { label: t('mail.label.office'), value: f.office },
    { label: t('mail.label.address'), value: pick(office.address, locale) },
    ...(office.phone ? [{ label: t('mail.label.phone'), value: office.phone }] : []),
  ];
  const langQuery = locale === 'en' ? '?lang=en' : '';
  const action = ctx.manageUrl
    ? { label: t('mail.manage'), url: ctx.manageUrl, hint: t('mail.manage_hint') }
    : {
        label: t('mail.lookup'),
        url: `${ctx.baseUrl}/lookup${langQuery}`,
        hint: t('mail.lookup_hint', { reference: a.reference }),
      };
  const footer = [
    ...(office.phone ? [t('mail.footer.questions', { office: f.office, phone: office.phone })] : []),
    t('mail.footer.auto'),
  ];
  return {
    details,
    documents: office.documents.map((d) => pick(d, locale)).filter(Boolean),
    documentsLabel: t('mail.label.documents'),
    action,
    footer,
    ...(ctx.dayMessage?.zh
      ? { highlight: { label: t('mail.label.office_message'), text: pick(ctx.dayMessage, locale) } }
      : {}),
  };
}

function built(view: NoticeView, attachments?: MailAttachment[]): BuiltMessage {
  return {
    template: 'notice',
    subject: view.subject,
    locals: { view },
    ...(attachments ? { attachments } : {}),
  };
}

function icsAttachment(ctx: AppointmentMailContext, uidDomain: string): MailAttachment {
  const ics = appointmentIcs({
    appointment: ctx.appointment,
    office: ctx.office,
    locale: ctx.appointment.language,
    uidDomain,
    ...(ctx.manageUrl ? { manageUrl: ctx.manageUrl } : {}),
  });
  return {
    filename: `${ctx.appointment.reference}.ics`,
    contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
    content: ics,
  };
}

function uidDomain(baseUrl: string): string {
  try {
    return new URL(baseUrl).hostname || 'registry.localhost';
  } catch {
    return 'registry.localhost';
  }
}

export function confirmationMessage(ctx: AppointmentMailContext): BuiltMessage {
  const locale = ctx.appointment.language;
  const t = tr(locale);
  const f = facts(ctx, locale);
  const view: NoticeView = {
    ...appointmentNoticeBase(ctx, locale),
    subject: t('mail.confirmation.subject', { date: f.date, time: ctx.appointment.start, office: f.office }),
    heading: t('mail.confirmation.heading'),
    paragraphs: [t('mail.confirmation.lead'), t('mail.ics_hint')],
  };
  return built(view, [icsAttachment(ctx, uidDomain(ctx.baseUrl))]);
}

/** How far ahead the reminder is, in the office's calendar days: today, tomorrow, or n days. */
export function reminderMessage(ctx: AppointmentMailContext, now: Date): BuiltMessage {
  const locale = ctx.appointment.language;
  const t = tr(locale);
  const f = facts(ctx, locale);
  const zone = ctx.office.timezone;
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  const day = DateTime.fromISO(ctx.appointment.date, { zone }).startOf('day');
  const days = Math.round(day.diff(today, 'days').days);
  const lead =
    days <= 0
      ? t('mail.reminder.lead.today', { time: ctx.appointment.start })
      : days === 1
        ? t('mail.reminder.lead.tomorrow', { time: ctx.appointment.start })
        : t('mail.reminder.lead.days', { days, date: f.date, time: ctx.appointment.start });
  const view: NoticeView = {
    ...appointmentNoticeBase(ctx, locale),
    subject: t('mail.reminder.subject', { date: f.date, time: ctx.appointment.start, office: f.office }),
    heading: t('mail.reminder.heading'),
    paragraphs: [lead, t('mail.reminder.bring')],
  };
  return built(view);
}

export function cancelledMessage(
  ctx: AppointmentMailContext,
  by: 'couple' | 'staff' | 'system',
  reason?: string,
): BuiltMessage {
  const locale = ctx.appointment.language;
  const t = tr(locale);
  const f = facts(ctx, locale);
  const base = appointmentNoticeBase(ctx, locale);
  const view: NoticeView = {
    ...base,
    subject: t('mail.cancelled.subject', { date: f.date, time: ctx.appointment.start, office: f.office }),
    heading: t('mail.cancelled.heading'),
    paragraphs: [t(`mail.cancelled.lead.${by}`), t('mail.cancelled.rebook')],
    ...(reason ? { highlight: { label: t('mail.label.reason'), text: reason } } : {}),
    // Nothing to bring to a cancelled appointment; the link leads to booking again.
    documents: [],
    action: { label: t('mail.book_again'), url: `${ctx.baseUrl}/${locale === 'en' ? '?lang=en' : ''}` },
  };
  return built(view);
}

export function movedMessage(
  ctx: AppointmentMailContext,
  from: { date: string; start: string },
  by: 'couple' | 'staff',
): BuiltMessage {
  const locale = ctx.appointment.language;
  const t = tr(locale);
  const f = facts(ctx, locale);
  const base = appointmentNoticeBase(ctx, locale);
  const view: NoticeView = {
    ...base,
    subject: t('mail.moved.subject', { date: f.date, time: ctx.appointment.start, office: f.office }),
    heading: t('mail.moved.heading'),
    paragraphs: [t(`mail.moved.lead.${by}`), t('mail.ics_hint')],
    details: [
      ...base.details.slice(0, 3),
      { label: t('mail.label.previous'), value: `${formatDate(from.date, locale)} ${from.start}` },
      ...base.details.slice(3),
    ],
  };
  return built(view, [icsAttachment(ctx, uidDomain(ctx.baseUrl))]);
}

export function officeClosedMessage(
  ctx: AppointmentMailContext,
  date: string,
  message?: Bilingual,
): BuiltMessage {
  const locale = ctx.appointment.language;
  const t = tr(locale);
  const f = facts(ctx, locale);
  const base = appointmentNoticeBase({ ...ctx, dayMessage: undefined }, locale);
  const view: NoticeView = {
    ...base,
    subject: t('mail.closed.subject', { date: formatDate(date, locale), office: f.office }),
    heading: t('mail.closed.heading'),
    paragraphs: [t('mail.closed.lead', { office: f.office, date: formatDate(date, locale) })],
    ...(message?.zh
      ? { highlight: { label: t('mail.label.office_message'), text: pick(message, locale) } }
      : {}),
    documents: [],
  };
  return built(view);
}

/** The closed day is open again: the booking stands, so the documents to bring are listed again. */
export function officeReopenedMessage(ctx: AppointmentMailContext, date: string): BuiltMessage {
  const locale = ctx.appointment.language;
  const t = tr(locale);
  const f = facts(ctx, locale);
  const params = { date: formatDate(date, locale), office: f.office };
  const view: NoticeView = {
    ...appointmentNoticeBase({ ...ctx, dayMessage: undefined }, locale),
    subject: t('mail.reopened.subject', params),
    heading: t('mail.reopened.heading'),
    paragraphs: [t('mail.reopened.lead', params)],
  };
  return built(view);
}

export function noShowMessage(
  ctx: AppointmentMailContext,
  policy: { maxNoShows: number; withinDays: number; blockDays: number },
): BuiltMessage {
  const locale = ctx.appointment.language;
  const t = tr(locale);
  const f = facts(ctx, locale);
  const base = appointmentNoticeBase({ ...ctx, dayMessage: undefined }, locale);
  const view: NoticeView = {
    ...base,
    subject: t('mail.no_show.subject', { date: f.date, time: ctx.appointment.start }),
    heading: t('mail.no_show.heading'),
    paragraphs: [
      t('mail.no_show.lead', {
        date: f.date,
        time: ctx.appointment.start,
        max: policy.maxNoShows,
        within: policy.withinDays,
        block: policy.blockDays,
      }),
      t('mail.cancelled.rebook'),
    ],
    documents: [],
    action: { label: t('mail.book_again'), url: `${ctx.baseUrl}/${locale === 'en' ? '?lang=en' : ''}` },
  };
  return built(view);
}
