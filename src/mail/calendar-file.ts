// The .ics calendar file of an appointment, offered on the confirmation page and attached to the mail.
import type { Bilingual } from '../domain/schedule-types.ts';
import type { Locale } from '../i18n/locales.ts';
import { pick, translate } from '../i18n/translate.ts';
import { type IcsEvent, icsCalendar } from '../lib/ics-text.ts';
import type { Appointment } from '../models/appointment.model.ts';
import type { Office } from '../models/office.model.ts';

/** A group ceremony the couple holds a seat in: a second event of the file. */
export interface CalendarCeremony {
  id: string;
  title: Bilingual;
  hall: Bilingual;
  startsAt: Date;
  endsAt: Date;
}

export function appointmentIcs(input: {
  appointment: Pick<Appointment, 'reference' | 'startsAt' | 'endsAt' | 'status'>;
  office: Pick<Office, 'name' | 'address' | 'documents'>;
  locale: Locale;
  manageUrl?: string;
  uidDomain: string;
  /** The ceremony the couple is seated in, if any. */
  ceremony?: CalendarCeremony | null;
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
  const stamp = input.stamp ?? new Date();
  const events: IcsEvent[] = [
    {
      uid: `${appointment.reference}@${input.uidDomain}`,
      stamp,
      start: appointment.startsAt,
      end: appointment.endsAt,
      summary: `${translate(locale, 'app.name')} · ${pick(office.name, locale)}`,
      description,
      location: pick(office.address, locale),
      status: appointment.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
      alarm: { description: translate(locale, 'app.name'), minutesBefore: 120 },
    },
  ];
  const c = appointment.status === 'cancelled' ? null : input.ceremony;
  if (c) {
    events.push({
      uid: `ceremony-${c.id}-${appointment.reference}@${input.uidDomain}`,
      stamp,
      start: c.startsAt,
      end: c.endsAt,
      summary: pick(c.title, locale),
      description: `${translate(locale, 'confirm.reference')}: ${appointment.reference}`,
      location: `${pick(c.hall, locale)} · ${pick(office.address, locale)}`,
      status: 'CONFIRMED',
    });
  }
  return icsCalendar('registry-scheduler', ...events);
}
