// Messages to staff: the day's roster per office, and the monthly peak-day suggestions for
// administrators. Staff accounts carry no language, so these use the default (Chinese).
import type { Bilingual } from '../../domain/schedule-types.ts';
import { formatDate, formatInstant } from '../../i18n/format.ts';
import type { Locale } from '../../i18n/locales.ts';
import { type MessageKey, pick, translate } from '../../i18n/translate.ts';
import type { AppointmentStatus } from '../../models/appointment.model.ts';
import type { BuiltMessage, NoticeView } from '../notice-view.ts';

export interface RosterLine {
  start: string;
  end: string;
  reference: string;
  couple: string;
  status: AppointmentStatus;
}

export function rosterMessage(input: {
  locale: Locale;
  office: { name: Bilingual; address: Bilingual };
  date: string;
  lines: RosterLine[];
  closed: boolean;
  url: string;
}): BuiltMessage {
  const { locale } = input;
  const office = pick(input.office.name, locale);
  const date = formatDate(input.date, locale);
  const count = input.lines.length;
  const t = (key: MessageKey) => translate(locale, key, { office, date, count });
  const subject = t('mail.roster.subject');
  return {
    template: 'roster',
    subject,
    locals: {
      subject,
      heading: t('mail.roster.heading'),
      lead: t('mail.roster.lead'),
      closedNote: input.closed ? t('mail.roster.closed') : '',
      lines: input.lines.map((l) => ({ ...l, status: translate(locale, `status.${l.status}`) })),
      action: { label: t('mail.roster.open'), url: input.url },
      footer: [t('mail.footer.auto')],
    },
  };
}

export interface PeakOfficeDigest {
  office: Bilingual;
  url: string;
  days: { date: string; label: Bilingual; planned: boolean }[];
}

export function peakDaysMessage(input: {
  locale: Locale;
  months: number;
  offices: PeakOfficeDigest[];
}): BuiltMessage {
  const { locale } = input;
  const count = input.offices.reduce((n, o) => n + o.days.length, 0);
  const t = (key: MessageKey) => translate(locale, key, { count, months: input.months });
  const subject = t('mail.peak.subject');
  return {
    template: 'peak-days',
    subject,
    locals: {
      subject,
      heading: t('mail.peak.heading'),
      lead: t('mail.peak.lead'),
      offices: input.offices.map((o) => ({
        name: pick(o.office, locale),
        url: o.url,
        days: o.days.map((d) => ({
          date: formatDate(d.date, locale),
          label: pick(d.label, locale),
          planned: d.planned,
        })),
      })),
      footer: [t('mail.footer.auto')],
    },
  };
}

/** To a member of staff whose account was locked after many failed sign-ins: the link that lifts it. */
export function unlockMessage(input: {
  locale: Locale;
  name: string;
  email: string;
  lockedUntil: Date;
  url: string;
}): BuiltMessage {
  const { locale } = input;
  const t = (key: MessageKey) => translate(locale, key, { name: input.name, email: input.email });
  const view: NoticeView = {
    subject: t('mail.unlock.subject'),
    heading: t('mail.unlock.heading'),
    paragraphs: [t('mail.unlock.lead'), t('mail.unlock.not_you')],
    details: [
      { label: t('mail.unlock.account'), value: input.email },
      // Staff sign in to one console: its times are China's.
      { label: t('mail.unlock.until'), value: formatInstant(input.lockedUntil, 'Asia/Shanghai', locale) },
    ],
    documents: [],
    documentsLabel: '',
    action: { label: t('mail.unlock.action'), url: input.url, hint: t('mail.unlock.hint') },
    footer: [t('mail.footer.auto')],
  };
  return { template: 'notice', subject: view.subject, locals: { view } };
}
