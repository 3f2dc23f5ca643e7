// $dateFromParts as MongoDB builds a date: parts default to the start of their range (month 1,
// day 1, ...), values past a part's range carry into the next part (month 14 is February of the
// next year), the ISO week form (isoWeekYear, isoWeek, isoDayOfWeek) is supported, and the parts
// are wall-clock time in `timezone` at that date (daylight saving time included). mingo defaulted
// a missing month and day to 0 (answering the November before) and took the zone's offset now.
import { evalExpr } from 'mingo/core';
import { bsonTypeName } from '../bson-types.ts';
import { badValue, MongoCommandError } from '../errors.ts';
import { numberKind, toNumber } from '../numbers.ts';
import { isPlainObject } from '../values.ts';
import { fromLocal, parseZone } from './time-zones.ts';

type Op = (obj: unknown, expr: any, options: any) => unknown;

const CALENDAR = ['year', 'month', 'day'];
const ISO = ['isoWeekYear', 'isoWeek', 'isoDayOfWeek'];
const TIME = ['hour', 'minute', 'second', 'millisecond'];
const FIELDS = new Set([...CALENDAR, ...ISO, ...TIME, 'timezone']);
const DAY_MS = 86_400_000;
/** 400 Gregorian years, in days: shifting by it keeps every weekday and leap day. */
const ERA_DAYS = 146_097;

/** Wall-clock milliseconds of a (possibly out-of-range) date, years 0-99 included. */
function utcMs(year: number, month: number, day: number, time: number[]): number {
  const [h = 0, m = 0, s = 0, ms = 0] = time;
  const shift = year >= 0 && year < 100 ? 400 : 0;
  return Date.UTC(year + shift, month - 1, day, h, m, s, ms) - (shift ? ERA_DAYS * DAY_MS : 0);
}

function part(values: Record<string, unknown>, name: string, fallback: number): number {
  const v = values[name];
  if (v === undefined) return fallback;
  const n = toNumber(v);
  if (numberKind(v) === null || !Number.isInteger(n))
    throw new MongoCommandError(
      40515,
      `'${name}' must evaluate to an integer, found ${bsonTypeName(v)} with value ${String(v)}`,
    );
  const [lo, hi] = name === 'year' || name === 'isoWeekYear' ? [1, 9999] : [-32768, 32767];
  if (n < lo || n > hi)
    throw new MongoCommandError(
      name === 'year' || name === 'isoWeekYear' ? 40523 : 31034,
      `'${name}' must evaluate to a value in the range ${lo} to ${hi}, found ${n}`,
    );
  return n;
}

const $dateFromParts: Op = (obj, expr, options) => {
  if (!isPlainObject(expr)) throw badValue('$dateFromParts only supports an object as its argument');
  for (const k of Object.keys(expr))
    if (!FIELDS.has(k)) throw new MongoCommandError(40518, `Unrecognized argument to $dateFromParts: ${k}`);
  const calendar = CALENDAR.some((k) => k in expr);
  const iso = ISO.some((k) => k in expr);
  if (calendar && iso)
    throw new MongoCommandError(40489, '$dateFromParts does not allow mixing natural dates with ISO dates');
  if (!((calendar || !iso ? 'year' : 'isoWeekYear') in expr))
    throw new MongoCommandError(
      40516,
      "$dateFromParts requires either 'year' or 'isoWeekYear' to be present",
    );
  const values: Record<string, unknown> = {};
  for (const [k, e] of Object.entries(expr)) values[k] = evalExpr(obj, e, options);
  if (Object.values(values).some((v) => v === null || v === undefined)) return null;
  const time = TIME.map((k) => part(values, k, 0));
  let local: number;
  if (calendar) {
    local = utcMs(part(values, 'year', 1970), part(values, 'month', 1), part(values, 'day', 1), time);
  } else {
    // ISO week 1 is the week (Monday first) holding 4 January.
    const jan4 = utcMs(part(values, 'isoWeekYear', 1970), 1, 4, []);
    const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
    const days = (part(values, 'isoWeek', 1) - 1) * 7 + (part(values, 'isoDayOfWeek', 1) - 1);
    local = monday + days * DAY_MS + utcMs(1970, 1, 1, time);
  }
  return new Date(fromLocal(parseZone(values.timezone), local));
};

export const datePartsExpressionOps: Record<string, Op> = { $dateFromParts };
