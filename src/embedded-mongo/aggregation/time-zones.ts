// Time zones as MongoDB's date operators take them: an Olson name (Asia/Shanghai), a UTC offset
// (+08, +0530, -05:30) or nothing (UTC). Local wall-clock times are computed through Intl, so
// half-hour and 45-minute offsets and daylight saving time come out right.
import { MongoCommandError } from '../errors.ts';

export type Zone = { fixed: number } | { name: string; format: Intl.DateTimeFormat };

const zones = new Map<string, Zone>();
const OFFSET = /^([+-])(\d{2}):?(\d{2})?$/;

export const UTC: Zone = { fixed: 0 };

/** A timezone argument as a zone; throws MongoDB's error for an unknown one. */
export function parseZone(tz: unknown): Zone {
  if (tz === undefined || tz === null) return UTC;
  if (typeof tz !== 'string')
    throw new MongoCommandError(40517, `timezone must evaluate to a string, found ${typeof tz}`);
  const cached = zones.get(tz);
  if (cached) return cached;
  let zone: Zone;
  const m = OFFSET.exec(tz);
  if (m) {
    const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
    zone = { fixed: m[1] === '-' ? -minutes : minutes };
  } else if (tz === 'UTC' || tz === 'GMT' || tz === 'Z') {
    zone = UTC;
  } else {
    try {
      const format = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
      zone = { name: tz, format };
    } catch {
      throw new MongoCommandError(40485, `unrecognized time zone identifier: "${tz}"`);
    }
  }
  zones.set(tz, zone);
  return zone;
}

/** The zone's offset from UTC in minutes at an instant. */
export function offsetMinutes(zone: Zone, utcMs: number): number {
  if ('fixed' in zone) return zone.fixed;
  const parts: Record<string, number> = {};
  for (const p of zone.format.formatToParts(new Date(utcMs)))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
  );
  const whole = utcMs - (((utcMs % 1000) + 1000) % 1000);
  return Math.round((asUtc - whole) / 60000);
}

/** Wall-clock milliseconds (as if UTC) of an instant in a zone. */
export function toLocal(zone: Zone, utcMs: number): number {
  return utcMs + offsetMinutes(zone, utcMs) * 60000;
}

/** The instant at which a zone's clocks show a wall-clock time (the earlier one in a DST overlap). */
export function fromLocal(zone: Zone, localMs: number): number {
  if ('fixed' in zone) return localMs - zone.fixed * 60000;
  let guess = localMs - offsetMinutes(zone, localMs) * 60000;
  guess = localMs - offsetMinutes(zone, guess) * 60000;
  return guess;
}

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** 0 = Sunday. */
  weekday: number;
  /** 1-based. */
  dayOfYear: number;
}

export function localParts(zone: Zone, date: Date): LocalParts {
  const d = new Date(toLocal(zone, date.getTime()));
  const year = d.getUTCFullYear();
  return {
    year,
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
    weekday: d.getUTCDay(),
    dayOfYear: Math.floor((d.getTime() - Date.UTC(year, 0, 1)) / 86400000) + 1,
  };
}

/** ISO 8601 week number and week-numbering year. */
export function isoWeek(p: LocalParts): { week: number; year: number } {
  const isoDay = p.weekday === 0 ? 7 : p.weekday;
  const thursday = Date.UTC(p.year, p.month - 1, p.day) + (4 - isoDay) * 86400000;
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * 86400000)) + 1;
  return { week, year };
}

/** The zone's offset formatted as +hhmm (for %z) or +hh:mm. */
export function formatOffset(minutes: number, colon = false): string {
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  const hh = String(Math.floor(a / 60)).padStart(2, '0');
  const mm = String(a % 60).padStart(2, '0');
  return `${sign}${hh}${colon ? ':' : ''}${mm}`;
}
