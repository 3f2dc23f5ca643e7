// Messages to a couple about a group certificate ceremony: seat, waiting list, a freed seat
// offered until a deadline, leaving, cancellation, a change of time or hall, and the reminder. The ceremony's facts
// come with the event (CeremonyInfo), so no ceremony model is read here.
import type { Bilingual } from '../../domain/schedule-types.ts';
import { formatDate, formatInstant } from '../../i18n/format.ts';
import type { Locale } from '../../i18n/locales.ts';
import { type MessageKey, pick, translate } from '../../i18n/translate.ts';
import type { BuiltMessage, NoticeView } from '../notice-view.ts';
import { type AppointmentMailContext, appointmentNoticeBase } from './appointment-messages.ts';

export interface MailCeremony {
  title: Bilingual;
  date: string;
  start: string;
  hallName: Bilingual;
  startsAt: Date;
}

/** Why a couple is no longer in a ceremony it has not been cancelled from. */
export type CeremonyLeftReason =
  | 'left'
  | 'appointment_cancelled'
  | 'appointment_moved'
  | 'declined'
  | 'offer_expired';

export type CeremonyChange =
  | { type: 'seated' }
  | { type: 'waitlisted'; position: number }
  | { type: 'offer'; expiresAt: Date }
  | { type: 'left'; reason: CeremonyLeftReason }
  | { type: 'cancelled'; reason: 'cancelled' | 'below_minimum' };

function ceremonyParams(c: MailCeremony, locale: Locale) {
  return {
    title: pick(c.title, locale),
    date: formatDate(c.date, locale),
    time: c.start,
    hall: pick(c.hallName, locale),
  };
}

function withCeremony(ctx: AppointmentMailContext, c: MailCeremony, locale: Locale) {
  const t = (key: MessageKey) => translate(locale, key);
  const base = appointmentNoticeBase({ ...ctx, dayMessage: undefined }, locale);
  const p = ceremonyParams(c, locale);
  return {
    ...base,
    details: [
      { label: t('mail.label.ceremony'), value: p.title },
      { label: t('mail.label.ceremony_time'), value: `${p.date} ${p.time}` },
      { label: t('mail.label.hall'), value: p.hall },
      ...base.details,
    ],
  };
}

export function ceremonyNoticeMessage(
  ctx: AppointmentMailContext,
  ceremony: MailCeremony,
  change: CeremonyChange,
): BuiltMessage {
  const locale = ctx.appointment.language;
  const zone = ctx.office.timezone;
  const p = ceremonyParams(ceremony, locale);
  const t = (key: MessageKey, extra: Record<string, string | number> = {}) =>
    translate(locale, key, { ...p, ...extra });
  const base = withCeremony(ctx, ceremony, locale);
  let view: NoticeView;
  switch (change.type) {
    case 'seated':
      view = {
        ...base,
        subject: t('mail.ceremony.seated.subject'),
        heading: t('mail.ceremony.seated.heading'),
        paragraphs: [t('mail.ceremony.seated.lead')],
      };
      break;
    case 'waitlisted':
      view = {
        ...base,
        subject: t('mail.ceremony.waitlisted.subject'),
        heading: t('mail.ceremony.waitlisted.heading'),
        paragraphs: [t('mail.ceremony.waitlisted.lead', { position: change.position })],
        documents: [],
      };
      break;
    case 'offer': {
      const expires = formatInstant(change.expiresAt, zone, locale);
      view = {
        ...base,
        subject: t('mail.ceremony.offer.subject', { expires }),
        heading: t('mail.ceremony.offer.heading'),
        paragraphs: [t('mail.ceremony.offer.lead', { expires })],
        highlight: { label: t('mail.label.offer_expires'), text: expires },
        documents: [],
      };
      break;
    }
    case 'left':
      view = {
        ...base,
        subject: t('mail.ceremony.left.subject'),
        heading: t('mail.ceremony.left.heading'),
        paragraphs: [t(`mail.ceremony.left.lead.${change.reason}`)],
        documents: [],
      };
      break;
    case 'cancelled':
      view = {
        ...base,
        subject: t('mail.ceremony.cancelled.subject'),
        heading: t('mail.ceremony.cancelled.heading'),
        paragraphs: [t(`mail.ceremony.cancelled.lead.${change.reason}`)],
      };
      break;
  }
  return { template: 'notice', subject: view.subject, locals: { view } };
}

/**
 * The coordinator changed the ceremony's date, start or hall: the new arrangement, with what
 * it was before (the old hall only when the hall changed).
 */
export function ceremonyChangedMessage(
  ctx: AppointmentMailContext,
  ceremony: MailCeremony,
  previous: { date: string; start: string; hallName?: Bilingual },
): BuiltMessage {
  const locale = ctx.appointment.language;
  const p = ceremonyParams(ceremony, locale);
  const t = (key: MessageKey) => translate(locale, key, p);
  const base = withCeremony(ctx, ceremony, locale);
  const [title, time, hall, ...rest] = base.details;
  const was = [
    {
      label: t('mail.label.previous_ceremony_time'),
      value: `${formatDate(previous.date, locale)} ${previous.start}`,
    },
    ...(previous.hallName
      ? [{ label: t('mail.label.previous_hall'), value: pick(previous.hallName, locale) }]
      : []),
  ];
  const view: NoticeView = {
    ...base,
    subject: t('mail.ceremony.changed.subject'),
    heading: t('mail.ceremony.changed.heading'),
    paragraphs: [t('mail.ceremony.changed.lead'), t('mail.ceremony.changed.keep')],
    details: [title!, time!, was[0]!, hall!, ...was.slice(1), ...rest],
  };
  return { template: 'notice', subject: view.subject, locals: { view } };
}

export function ceremonyReminderMessage(ctx: AppointmentMailContext, ceremony: MailCeremony): BuiltMessage {
  const locale = ctx.appointment.language;
  const p = ceremonyParams(ceremony, locale);
  const t = (key: MessageKey) => translate(locale, key, p);
  const view: NoticeView = {
    ...withCeremony(ctx, ceremony, locale),
    subject: t('mail.ceremony.reminder.subject'),
    heading: t('mail.ceremony.reminder.heading'),
    paragraphs: [t('mail.ceremony.reminder.lead')],
  };
  return { template: 'notice', subject: view.subject, locals: { view } };
}
