// The text of an iCalendar file (RFC 5545), written directly: the few properties an
// appointment needs do not justify a library that validates every event with a schema
// (that validation was a tenth of a rush's CPU). Lines end in CRLF (§3.1), TEXT values escape
// backslash, semicolon, comma and newline (§3.3.11), and long lines are folded at 75 octets
// without splitting a character (foldIcsByOctets).
import { foldIcsByOctets } from './ics-fold.ts';

export interface IcsEvent {
  uid: string;
  /** DTSTAMP: when the file was made. */
  stamp: Date;
  start: Date;
  end: Date;
  summary: string;
  description?: string;
  location?: string;
  status: 'CONFIRMED' | 'CANCELLED' | 'TENTATIVE';
  /** A display alarm this many minutes before the start. */
  alarm?: { description: string; minutesBefore: number };
}

/** A TEXT value (§3.3.11): backslash, semicolon and comma escaped, newlines as \n. */
export function icsText(value: string): string {
  return value.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '\\n');
}

/** A UTC DATE-TIME (§3.3.5, form 2): 20240810T013000Z, to the second. */
export function icsUtc(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}

/** A negative DURATION (§3.3.6) of whole minutes: -PT2H, -PT1H30M, -P1D. */
function beforeDuration(minutes: number): string {
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const time = `${hours ? `${hours}H` : ''}${mins ? `${mins}M` : ''}`;
  return `-P${days ? `${days}D` : ''}${time ? `T${time}` : days ? '' : 'T0M'}`;
}

/** A calendar of its events, published (METHOD:PUBLISH), as `productId` makes it. */
export function icsCalendar(productId: string, ...events: IcsEvent[]): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'CALSCALE:GREGORIAN',
    `PRODID:${icsText(productId)}`,
    'METHOD:PUBLISH',
    'X-PUBLISHED-TTL:PT1H',
    ...events.flatMap(eventLines),
    'END:VCALENDAR',
  ];
  return `${foldIcsByOctets(lines.join('\r\n'))}\r\n`;
}

function eventLines(event: IcsEvent): string[] {
  return [
    'BEGIN:VEVENT',
    `UID:${icsText(event.uid)}`,
    `SUMMARY:${icsText(event.summary)}`,
    `DTSTAMP:${icsUtc(event.stamp)}`,
    `DTSTART:${icsUtc(event.start)}`,
    `DTEND:${icsUtc(event.end)}`,
    ...(event.description ? [`DESCRIPTION:${icsText(event.description)}`] : []),
    ...(event.location ? [`LOCATION:${icsText(event.location)}`] : []),
    `STATUS:${event.status}`,
    ...(event.alarm
      ? [
          'BEGIN:VALARM',
          'ACTION:DISPLAY',
          `DESCRIPTION:${icsText(event.alarm.description)}`,
          `TRIGGER:${beforeDuration(event.alarm.minutesBefore)}`,
          'END:VALARM',
        ]
      : []),
    'END:VEVENT',
  ];
}
