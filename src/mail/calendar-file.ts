// The .ics calendar file of an appointment, offered on the confirmation page and attached to the mail.
import type { Locale } from '../i18n/locales.ts';
import { pick, translate } from '../i18n/translate.ts';
import { icsCalendar } from '../lib/ics-text.ts';
import type { Appointment } from '../models/appointment.model.ts';
import type { Office } from '../models/office.model.ts';

export function appointmentIcs(input: {
  appointment: Pick<Appointment, 'reference' | 'startsAt' | 'endsAt' | 'status'>;
  office: Pick<Office, 'name' | 'address' | 'documents'>;
  locale: Locale;
  manageUrl?: string;
  uidDomain: string;
  /** When the file is made (DTSTAMP); now by default. */
  stamp?: Date;
}): string {
  const { appointment, office, locale } = input;
  const docs = office.documents.map((d) => `- ${pick(d, locale)}`).join('\n');
  const description = [
    `${translate(locale, 'confirm.reference')}: ${appointment.reference}`,
    docs ? `${translate(locale, 'office.documents')}:\n${docs}` : '',
    input.manageUrl ? `${translate(locale, 'manage.title')}: ${input.manageUrl}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  return icsCalendar('registry-scheduler', {
    uid: `${appointment.reference}@${input.uidDomain}`,
    stamp: input.stamp ?? new Date(),
    start: appointment.startsAt,
    end: appointment.endsAt,
    summary: `${translate(locale, 'app.name')} · ${pick(office.name, locale)}`,
    description,
    location: pick(office.address, locale),
    status: appointment.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
    alarm: { description: translate(locale, 'app.name'), minutesBefore: 120 },
  });
}
