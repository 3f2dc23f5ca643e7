// The .ics calendar file of an appointment, offered on the confirmation page and attached to the mail.
import { createEvent } from 'ics';
import { DateTime } from 'luxon';
import type { Locale } from '../i18n/locales.ts';
import { pick, translate } from '../i18n/translate.ts';
import { foldIcsByOctets } from '../lib/ics-fold.ts';
import type { Appointment } from '../models/appointment.model.ts';
import type { Office } from '../models/office.model.ts';

export function appointmentIcs(input: {
  appointment: Pick<Appointment, 'reference' | 'startsAt' | 'endsAt' | 'status'>;
  office: Pick<Office, 'name' | 'address' | 'documents'>;
  locale: Locale;
  manageUrl?: string;
  uidDomain: string;
}): string {
  const { appointment, office, locale } = input;
  const toArray = (d: Date) => {
    const t = DateTime.fromJSDate(d, { zone: 'utc' });
    return [t.year, t.month, t.day, t.hour, t.minute] as [number, number, number, number, number];
  };
  const docs = office.documents.map((d) => `- ${pick(d, locale)}`).join('\n');
  const description = [
    `${translate(locale, 'confirm.reference')}: ${appointment.reference}`,
    docs ? `${translate(locale, 'office.documents')}:\n${docs}` : '',
    input.manageUrl ? `${translate(locale, 'manage.title')}: ${input.manageUrl}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  const { error, value } = createEvent({
    uid: `${appointment.reference}@${input.uidDomain}`,
    start: toArray(appointment.startsAt),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: toArray(appointment.endsAt),
    endInputType: 'utc',
    endOutputType: 'utc',
    title: `${translate(locale, 'app.name')} · ${pick(office.name, locale)}`,
    description,
    location: pick(office.address, locale),
    status: appointment.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
    method: 'PUBLISH',
    productId: 'registry-scheduler',
    alarms: [
      { action: 'display', description: translate(locale, 'app.name'), trigger: { hours: 2, before: true } },
    ],
  });
  if (error || !value) throw error ?? new Error('calendar file could not be built');
  return foldIcsByOctets(value);
}
