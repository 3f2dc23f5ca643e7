// Date operators computed in the requested time zone: date parts, $week (weeks from the first
// Sunday), ISO weeks, $dateTrunc (bins counted from 2000-01-01 in the zone), and date strings
// in and out.
import { evalExpr } from 'mingo/core';
import { badValue, MongoCommandError } from '../errors.ts';
import { isPlainObject } from '../values.ts';
import { parseDateString } from './date-strings.ts';
import {
  formatOffset,
  fromLocal,
  isoWeek,
  type LocalParts,
  localParts,
  offsetMinutes,
  parseZone,
  toLocal,
} from './time-zones.ts';

type Op = (obj: unknown, expr: any, options: any) => unknown;
const isNil = (v: unknown) => v === null || v === undefined;

function evaluate(obj: unknown, expr: unknown, options: unknown): unknown {
  return evalExpr(obj, expr, options as never);
}

function asDate(v: unknown, op: string): Date {
  if (v instanceof Date) return v;
  if ((v as { _bsontype?: string } | null)?._bsontype === 'ObjectId')
    return (v as { getTimestamp(): Date }).getTimestamp();
  if ((v as { _bsontype?: string } | null)?._bsontype === 'Timestamp')
    return new Date((v as { high: number }).high * 1000);
  throw new MongoCommandError(16006, `can't convert from BSON type ${typeof v} to Date (${op})`);
}

/** A date-part operator: `{ $hour: date }`, `{ $hour: [date] }` or `{ $hour: { date, timezone } }`. */
function part(op: string, pick: (p: LocalParts) => number): Op {
  return (obj, expr, options) => {
    let dateExpr: unknown = Array.isArray(expr) ? expr[0] : expr;
    let tz: unknown;
    if (isPlainObject(expr) && 'date' in expr) {
      dateExpr = expr.date;
      tz = evaluate(obj, expr.timezone, options);
    }
    const v = evaluate(obj, dateExpr, options);
    if (isNil(v)) return null;
    return pick(localParts(parseZone(tz), asDate(v, op)));
  };
}

const UNITS = ['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second', 'millisecond'];
const FIXED_MS: Record<string, number> = {
  day: 86400000,
  hour: 3600000,
  minute: 60000,
  second: 1000,
  millisecond: 1,
};
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const REFERENCE = Date.UTC(2000, 0, 1);

const $dateTrunc: Op = (obj, expr, options) => {
  const spec = evaluate(obj, expr, options) as Record<string, unknown>;
  const { date, unit } = spec;
  if (isNil(date) || isNil(unit) || isNil(spec.binSize === undefined ? 1 : spec.binSize)) return null;
  if (typeof unit !== 'string' || !UNITS.includes(unit))
    throw new MongoCommandError(
      5439014,
      `$dateTrunc parameter 'unit' value cannot be recognized as a time unit: ${String(unit)}`,
    );
  const binSize = Number(spec.binSize ?? 1);
  if (!Number.isInteger(binSize) || binSize <= 0)
    throw new MongoCommandError(5439017, "$dateTrunc requires 'binSize' to be greater than 0");
  const zone = parseZone(spec.timezone);
  const local = toLocal(zone, asDate(date, '$dateTrunc').getTime());
  let truncated: number;
  if (unit in FIXED_MS) {
    const size = FIXED_MS[unit]! * binSize;
    truncated = REFERENCE + Math.floor((local - REFERENCE) / size) * size;
  } else if (unit === 'week') {
    const start = WEEKDAYS.indexOf(
      String(spec.startOfWeek ?? 'sunday')
        .slice(0, 3)
        .toLowerCase(),
    );
    if (start < 0)
      throw new MongoCommandError(
        5439015,
        `$dateTrunc parameter 'startOfWeek' value cannot be recognized as a day of a week: ${String(spec.startOfWeek)}`,
      );
    // The first such weekday on or after 2000-01-01 (a Saturday) starts week bins.
    const reference = REFERENCE + ((start - 6 + 7) % 7) * 86400000;
    const size = 7 * 86400000 * binSize;
    truncated = reference + Math.floor((local - reference) / size) * size;
  } else {
    const d = new Date(local);
    const months = (d.getUTCFullYear() - 2000) * 12 + d.getUTCMonth();
    const per = (unit === 'year' ? 12 : unit === 'quarter' ? 3 : 1) * binSize;
    const bin = Math.floor(months / per) * per;
    truncated = Date.UTC(2000 + Math.floor(bin / 12), ((bin % 12) + 12) % 12, 1);
  }
  return new Date(fromLocal(zone, truncated));
};

const $dateFromString: Op = (obj, expr, options) => {
  const spec = evaluate(obj, expr, options) as Record<string, unknown>;
  const s = spec.dateString;
  if (isNil(s)) return 'onNull' in spec ? spec.onNull : null;
  try {
    if (typeof s !== 'string')
      throw new MongoCommandError(
        241,
        `$dateFromString requires that 'dateString' be a string, found: ${typeof s}`,
      );
    return parseDateString(s, typeof spec.format === 'string' ? spec.format : undefined, spec.timezone);
  } catch (err) {
    if ('onError' in spec) return spec.onError;
    throw err;
  }
};

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** strftime-style formatting with MongoDB's specifiers. */
export function formatDate(date: Date, format: string, tz: unknown): string {
  const zone = parseZone(tz);
  const p = localParts(zone, date);
  const offset = offsetMinutes(zone, date.getTime());
  const iso = isoWeek(p);
  const months = [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ];
  const spec: Record<string, () => string> = {
    Y: () => pad(p.year, 4),
    m: () => pad(p.month),
    d: () => pad(p.day),
    H: () => pad(p.hour),
    M: () => pad(p.minute),
    S: () => pad(p.second),
    L: () => pad(p.millisecond, 3),
    j: () => pad(p.dayOfYear, 3),
    w: () => String(p.weekday + 1),
    u: () => String(p.weekday === 0 ? 7 : p.weekday),
    U: () => pad(weekOfYear(p)),
    V: () => pad(iso.week),
    G: () => pad(iso.year, 4),
    z: () => formatOffset(offset),
    Z: () => String(offset),
    b: () => months[p.month - 1]!.slice(0, 3),
    B: () => months[p.month - 1]!,
    '%': () => '%',
  };
  return format.replace(/%(.)/g, (_, c: string) => {
    const f = spec[c];
    if (!f) throw new MongoCommandError(18536, `Invalid format character '%${c}' in format string`);
    return f();
  });
}

const $dateToString: Op = (obj, expr, options) => {
  const spec = evaluate(obj, expr, options) as Record<string, unknown>;
  if (isNil(spec.date)) return 'onNull' in spec ? spec.onNull : null;
  const format = spec.format ?? (isNil(spec.timezone) ? '%Y-%m-%dT%H:%M:%S.%LZ' : '%Y-%m-%dT%H:%M:%S.%L');
  if (typeof format !== 'string') throw badValue("$dateToString requires that 'format' be a string");
  return formatDate(asDate(spec.date, '$dateToString'), format, spec.timezone);
};

/** Week of the year, weeks starting on Sunday; days before the first Sunday are week 0. */
function weekOfYear(p: LocalParts): number {
  const jan1Weekday = (p.weekday - ((p.dayOfYear - 1) % 7) + 7) % 7;
  return Math.floor((p.dayOfYear - 1 + jan1Weekday) / 7);
}

export const dateExpressionOps: Record<string, Op> = {
  $year: part('$year', (p) => p.year),
  $month: part('$month', (p) => p.month),
  $dayOfMonth: part('$dayOfMonth', (p) => p.day),
  $dayOfYear: part('$dayOfYear', (p) => p.dayOfYear),
  $dayOfWeek: part('$dayOfWeek', (p) => p.weekday + 1),
  $hour: part('$hour', (p) => p.hour),
  $minute: part('$minute', (p) => p.minute),
  $second: part('$second', (p) => p.second),
  $millisecond: part('$millisecond', (p) => p.millisecond),
  $week: part('$week', weekOfYear),
  $isoWeek: part('$isoWeek', (p) => isoWeek(p).week),
  $isoWeekYear: part('$isoWeekYear', (p) => isoWeek(p).year),
  $isoDayOfWeek: part('$isoDayOfWeek', (p) => (p.weekday === 0 ? 7 : p.weekday)),
  $dateTrunc,
  $dateFromString,
  $dateToString,
};
