// The .ics calendar file of an appointment, offered on the confirmation page and attached to the mail.
import { createEvents, type EventAttributes } from 'ics';
import { DateTime } from 'luxon';
import type { Bilingual } from '../domain/schedule-types.ts';
import type { Locale } from '../i18n/locales.ts';
import { pick, translate } from '../i18n/translate.ts';
import { foldIcsByOctets } from '../lib/ics-fold.ts';
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

const toArray = (d: Date) => {
  const t = DateTime.fromJSDate(d, { zone: 'utc' });
  return [t.year, t.month, t.day, t.hour, t.minute] as [number, number, number, number, number];
};
const inUtc = (start: Date, end: Date) => ({
  start: toArray(start),
  startInputType: 'utc' as const,
  startOutputType: 'utc' as const,
  end: toArray(end),
  endInputType: 'utc' as const,
  endOutputType: 'utc' as const,
});

export function appointmentIcs(input: {
  appointment: Pick<Appointment, 'reference' | 'startsAt' | 'endsAt' | 'status'>;
  office: Pick<Office, 'name' | 'address' | 'documents'>;
  locale: Locale;
  manageUrl?: string;
  uidDomain: string;
  /** The ceremony the couple is seated in, if any. */
  ceremony?: CalendarCeremony | null;
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
  const events: EventAttributes[] = [
    {
      uid: `${appointment.reference}@${input.uidDomain}`,
      ...inUtc(appointment.startsAt, appointment.endsAt),
      title: `${translate(locale, 'app.name')} · ${pick(office.name, locale)}`,
      description,
      location: pick(office.address, locale),
      status: appointment.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
      method: 'PUBLISH',
      productId: 'registry-scheduler',
      alarms: [
        {
          action: 'display',
          description: translate(locale, 'app.name'),
          trigger: { hours: 2, before: true },
        },
      ],
    },
  ];
  const c = appointment.status === 'cancelled' ? null : input.ceremony;
  if (c) {
    events.push({
      uid: `ceremony-${c.id}-${appointment.reference}@${input.uidDomain}`,
      ...inUtc(c.startsAt, c.endsAt),
      title: pick(c.title, locale),
      description: `${translate(locale, 'confirm.reference')}: ${appointment.reference}`,
      location: `${pick(c.hall, locale)} · ${pick(office.address, locale)}`,
      status: 'CONFIRMED',
      productId: 'registry-scheduler',
    });
  }
  const { error, value } = createEvents(events, { method: 'PUBLISH', productId: 'registry-scheduler' });
  if (error || !value) throw error ?? new Error('calendar file could not be built');
  return foldIcsByOctets(value);
}
