// $dateFromString: the ISO 8601 forms MongoDB reads ("2026-03-02", "2026-03-02 08:00",
// "2026-03-02T08:00:00.000+05:30"...), or a string in an explicit format, read as wall-clock
// time in the given time zone unless it carries its own offset.
import { MongoCommandError } from '../errors.ts';
import { fromLocal, parseZone } from './time-zones.ts';

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;

function conversionFailure(s: string, why = ''): MongoCommandError {
  return new MongoCommandError(241, `Error parsing date string '${s}'${why ? `; ${why}` : ''}`);
}

function offsetOf(text: string): number {
  if (/^(Z|UTC|GMT)$/i.test(text)) return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(text)!;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

interface Fields {
  year?: number;
  month?: number;
  day?: number;
  hour?: number;
  minute?: number;
  second?: number;
  ms?: number;
  offset?: number;
}

const SPECIFIERS: Record<string, { re: string; set: (f: Fields, v: string) => void }> = {
  Y: { re: '(\\d{4})', set: (f, v) => (f.year = Number(v)) },
  m: { re: '(\\d{1,2})', set: (f, v) => (f.month = Number(v)) },
  d: { re: '(\\d{1,2})', set: (f, v) => (f.day = Number(v)) },
  H: { re: '(\\d{1,2})', set: (f, v) => (f.hour = Number(v)) },
  M: { re: '(\\d{1,2})', set: (f, v) => (f.minute = Number(v)) },
  S: { re: '(\\d{1,2})', set: (f, v) => (f.second = Number(v)) },
  L: { re: '(\\d{1,3})', set: (f, v) => (f.ms = Number(v.padEnd(3, '0'))) },
  z: { re: '([+-]\\d{2}:?\\d{2})', set: (f, v) => (f.offset = offsetOf(v)) },
  Z: { re: '([+-]?\\d+)', set: (f, v) => (f.offset = Number(v)) },
};

function readWithFormat(s: string, format: string): Fields {
  const setters: Array<(f: Fields, v: string) => void> = [];
  let pattern = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c === '%' && i + 1 < format.length) {
      const k = format[++i]!;
      if (k === '%') {
        pattern += '%';
        continue;
      }
      const spec = SPECIFIERS[k];
      if (!spec) throw new MongoCommandError(18536, `Invalid format character '%${k}' in format string`);
      pattern += spec.re;
      setters.push(spec.set);
    } else {
      pattern += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  const m = new RegExp(`^${pattern}$`).exec(s);
  if (!m) throw conversionFailure(s, `the string does not match the format '${format}'`);
  const f: Fields = {};
  for (const [i, set] of setters.entries()) set(f, m[i + 1]!);
  return f;
}

function readIso(s: string): Fields {
  const m = ISO.exec(s.trim());
  if (!m) throw conversionFailure(s);
  return {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    ms: m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0,
    offset: m[8] ? offsetOf(m[8]) : undefined,
  };
}

/** The instant a date string denotes. */
export function parseDateString(s: string, format: string | undefined, timezone: unknown): Date {
  const f = format ? readWithFormat(s, format) : readIso(s);
  if (f.offset !== undefined && timezone !== undefined && timezone !== null) {
    throw new MongoCommandError(
      40554,
      `you cannot pass in a date/time string with time zone information ('${s}') together with a second time zone argument`,
    );
  }
  const local = Date.UTC(
    f.year ?? 1970,
    (f.month ?? 1) - 1,
    f.day ?? 1,
    f.hour ?? 0,
    f.minute ?? 0,
    f.second ?? 0,
    f.ms ?? 0,
  );
  const check = new Date(local);
  if (
    check.getUTCMonth() !== (f.month ?? 1) - 1 ||
    check.getUTCDate() !== (f.day ?? 1) ||
    (f.hour ?? 0) > 23
  ) {
    throw conversionFailure(s, 'the parsed date is invalid');
  }
  if (f.offset !== undefined) return new Date(local - f.offset * 60000);
  return new Date(fromLocal(parseZone(timezone), local));
}
