// What the bad-input tests share: generators of hostile values and payloads, a snapshot of
// the database to prove a rejected request wrote nothing, and the counter invariant
// (a slot's booked count equals the bookings that hold a place in it).
import assert from 'node:assert/strict';
import fc from 'fast-check';
import mongoose from 'mongoose';

/**
 * Collections that change on any request, not by what it asks: login sessions (their expiry
 * slides) and the counts of the rate limits (every request counts, refused or not).
 */
const VOLATILE = /sessions$|^rate_limits$/;

/** Stable JSON of a document: keys sorted, ObjectIds and dates as strings. */
function canonical(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof mongoose.Types.ObjectId) return `oid:${value.toHexString()}`;
  if (Array.isArray(value)) return value.map(canonical);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = canonical((value as Record<string, unknown>)[k]);
  return out;
}

/**
 * Every document of every collection, as one comparable string. A slot counter nobody has
 * booked from is the same as no counter (reading a day may create its counters), and a
 * counter's updatedAt is not data.
 */
export async function snapshotDb(): Promise<string> {
  const db = mongoose.connection.db!;
  const names = (await db.listCollections({}, { nameOnly: true }).toArray())
    .map((c) => c.name)
    .filter((n) => !n.startsWith('system.') && !VOLATILE.test(n))
    .sort();
  const all = await Promise.all(names.map((name) => db.collection(name).find({}).sort({ _id: 1 }).toArray()));
  const parts: Record<string, unknown[]> = {};
  names.forEach((name, i) => {
    let docs = all[i]!;
    if (name === 'slots') {
      docs = docs
        .filter((s) => s.booked !== 0 || s.remaining !== s.capacity || s.reserved || s.flagged)
        .map(({ updatedAt: _u, createdAt: _c, ...rest }) => rest);
    }
    if (docs.length) parts[name] = docs.map(canonical);
  });
  return JSON.stringify(parts);
}

/**
 * Fails, naming the collection and the documents that differ, when the database is not as
 * the snapshot taken before. (A whole-database diff is unreadable; this shows what moved.)
 */
export function assertSameDb(before: string, after: string, what: string): void {
  if (before === after) return;
  const a = JSON.parse(before) as Record<string, unknown[]>;
  const b = JSON.parse(after) as Record<string, unknown[]>;
  const changes: string[] = [];
  for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = (a[name] ?? []).map((d) => JSON.stringify(d));
    const y = (b[name] ?? []).map((d) => JSON.stringify(d));
    const gone = x.filter((d) => !y.includes(d));
    const added = y.filter((d) => !x.includes(d));
    if (gone.length || added.length) {
      changes.push(
        `${name}:\n  - ${gone.map((d) => d.slice(0, 600)).join('\n  - ')}\n  + ${added.map((d) => d.slice(0, 600)).join('\n  + ')}`,
      );
    }
  }
  assert.fail(`${what} changed the database:\n${changes.join('\n')}`);
}

/** Each slot's booked count equals the appointments holding a place in it; capacity adds up. */
export async function assertCountersConsistent(): Promise<void> {
  const db = mongoose.connection.db!;
  const held = await db
    .collection('appointments')
    .aggregate<{ _id: unknown; n: number }>([
      { $match: { status: { $ne: 'cancelled' } } },
      { $group: { _id: '$slot', n: { $sum: 1 } } },
    ])
    .toArray();
  const bySlot = new Map(held.map((h) => [String(h._id), h.n]));
  for (const s of await db.collection('slots').find({}).toArray()) {
    const expected = bySlot.get(String(s._id)) ?? 0;
    assert.equal(s.booked, expected, `slot ${s.date} ${s.start}: booked ${s.booked}, bookings ${expected}`);
    assert.equal(
      s.capacity,
      s.booked + s.remaining + (s.reserved ?? 0),
      `slot ${s.date} ${s.start}: counters do not add up`,
    );
    bySlot.delete(String(s._id));
  }
  assert.deepEqual([...bySlot.keys()], [], 'bookings point at slots that do not exist');
  const active = await db
    .collection('appointments')
    .countDocuments({ status: { $in: ['booked', 'arrived'] } });
  assert.equal(
    await db.collection('personholds').countDocuments(),
    active * 2,
    'one hold per partner of each active booking',
  );
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');
/** Strings shaped like dates, months and times, mostly impossible ones (2026-02-30, 0000-13, 24:60). */
export const dateLike: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 99 }),
      fc.integer({ min: 0, max: 99 }),
    )
    .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`),
  fc
    .tuple(
      fc.integer({ min: 1990, max: 2100 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 28, max: 31 }),
    )
    .map(([y, m, d]) => `${y}-${pad(m, 2)}-${pad(d, 2)}`),
  fc
    .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }))
    .map(([y, m]) => `${pad(y, 4)}-${pad(m, 2)}`),
  fc
    .tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }))
    .map(([h, m]) => `${pad(h, 2)}:${pad(m, 2)}`),
);

/** Strings people and attackers type: markup, injections, odd Unicode, huge, empty. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  dateLike,
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE slots; --",
    '{"$gt":""}',
    '$where',
    '$gt',
    '__proto__',
    'constructor',
    '../../../../etc/passwd',
    '%00',
    '%E0%A4%A',
    '\u202e\u0644\u0627',
    '𠮷野家',
    '1e309',
    'NaN',
    '-1',
    '99999999999999999999999',
    '2026-02-30',
    '2026-08-19T09:00',
    '24:00',
    '09:60',
    '9:00',
    '0000-00-00',
    '110101199003077777',
    'x'.repeat(5_000),
  ),
);

/** Any value a JSON body can hold, nested a little, with operator-like and prototype keys. */
export const nastyJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nastyString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(
        fc.string({ maxLength: 8 }),
        fc.constantFrom('$gt', '$ne', '$where', '__proto__', 'constructor', 'toString'),
      ),
      tie('value'),
      {
        maxKeys: 4,
      },
    ),
  ),
})).value;

/**
 * A valid payload with some of its fields (found by path) replaced by hostile values,
 * removed, or duplicated into arrays. The result may happen to be valid: callers accept a
 * success as long as it is complete.
 */
export function mutated<T extends Record<string, unknown>>(
  valid: T,
  paths: string[][],
): fc.Arbitrary<Record<string, unknown>> {
  const edit = fc.record({
    path: fc.constantFrom(...paths),
    how: fc.constantFrom('replace', 'delete', 'array', 'object'),
    value: nastyJson,
  });
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    const copy = structuredClone(valid) as Record<string, unknown>;
    for (const e of edits) {
      let node: Record<string, unknown> = copy;
      for (const key of e.path.slice(0, -1)) {
        const next = node[key];
        if (next === null || typeof next !== 'object') break;
        node = next as Record<string, unknown>;
      }
      const last = e.path.at(-1)!;
      if (e.how === 'delete') delete node[last];
      else if (e.how === 'array') node[last] = [node[last], e.value];
      else if (e.how === 'object') node[last] = { $ne: e.value };
      else node[last] = e.value;
    }
    return copy;
  });
}

/** The paths of every leaf of a payload (partners.0.idNumber → ['partners','0','idNumber']), and of its inner nodes. */
export function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return prefix.length ? [prefix] : [];
  const out: string[][] = prefix.length ? [prefix] : [];
  for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  return out;
}

/** Raw request bodies that no client library would produce. */
export const rawBody: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(
    '',
    '{',
    '[]',
    'null',
    '"string"',
    '{"partners":',
    'a=%ZZ&b=%',
    'partners[0][name]=x&partners[0][name][x]=y',
    'partners[__proto__][polluted]=1',
    '__proto__[polluted]=1&constructor[prototype][polluted]=1',
    `${'a[b]'.repeat(40)}=1`,
    Array.from({ length: 250 }, (_, i) => `k${i}=v`).join('&'),
    'partners[999999999]=x',
    '_csrf[]=a&_csrf[]=b',
  ),
);

/** fast-check settings shared by the bad-input tests: enough runs to matter, seeds in failure reports. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/** A raw message key (e.g. `field.invalid`) or an unfilled {placeholder}: a translation is missing. */
const UNTRANSLATED = /^[a-z_]+(\.[a-z0-9_]+)+$|\{[a-z]+\}/i;

/**
 * The localized message a rejection carries: the JSON error's message, or on a page the
 * form's alert or the error page's text. Fails when there is none or it is an untranslated key.
 */
export function rejectionMessage(
  res: { status: number; type: string; text: string; body: unknown },
  $?: import('cheerio').CheerioAPI,
): string {
  let message: string | undefined;
  const fieldTexts: string[] = [];
  if (res.type === 'application/json') {
    const err = (
      res.body as { error?: { code?: unknown; message?: unknown; fields?: Record<string, unknown> } }
    ).error;
    assert.ok(
      err && typeof err.code === 'string',
      `JSON ${res.status} without error.code: ${res.text.slice(0, 200)}`,
    );
    message = typeof err.message === 'string' ? err.message : undefined;
    for (const v of Object.values(err.fields ?? {})) fieldTexts.push(String(v));
  } else {
    assert.ok($, 'an HTML rejection needs its parsed page');
    message =
      $('[role=alert]').first().text().trim() ||
      $('.flash-error').first().text().trim() ||
      $('.error-card h1 + p').first().text().trim() ||
      undefined;
    $('.field-error, .field-errors li').each((_i, el) => {
      fieldTexts.push($(el).text().trim());
    });
  }
  assert.ok(message, `${res.status} without a message: ${res.text.slice(0, 300)}`);
  for (const text of [message, ...fieldTexts]) {
    assert.ok(!UNTRANSLATED.test(text), `untranslated message "${text}" in a ${res.status} answer`);
  }
  return message;
}
