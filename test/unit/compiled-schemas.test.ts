// The booking schemas are compiled ahead of time (compiled.schema.ts): a body either way must
// get the same answer as from the schema's parser, the same value when it is well formed, the
// same issues (fields, messages) when it is not. Each schema is compared here with its parser
// (an object schema built again from the same fields, left uncompiled) on bodies of every kind.
import assert from 'node:assert/strict';
import { z } from 'zod';
import { bookingApiSchema, bookingFormSchema } from '../../src/web/schemas/booking.schema.ts';
import { compiled } from '../../src/web/schemas/compiled.schema.ts';
import { couple } from '../helpers/ids.ts';

type Body = Record<string, unknown>;

/** The answer of a safeParse, in a form assert.deepEqual compares: the value, or the issues. */
function answer(result: { success: boolean; data?: unknown; error?: { issues: unknown[] } }) {
  return result.success
    ? { ok: true, data: result.data }
    : { ok: false, issues: JSON.parse(JSON.stringify(result.error!.issues)) as unknown };
}

/** A partner's fields, each in its turn, made wrong or unusual in every way the schema tells apart. */
const PARTNER_VARIANTS: [string, unknown][] = [
  ['name', '  张伟  '],
  ['name', ''],
  ['name', '   '],
  ['name', '\u200b\u200b'],
  ['name', 'a\nb'],
  ['name', 'x'.repeat(51)],
  ['name', 'x'.repeat(50)],
  ['name', 7],
  ['name', null],
  ['idType', 'passport'],
  ['idType', 'driving_licence'],
  ['idNumber', ''],
  ['idNumber', 'E12345678'],
  ['idNumber', '1'.repeat(31)],
  ['phone', ' 13800000000 '],
  ['phone', undefined],
  ['phone', '\u0000'],
  ['birthDate', '1995-03-01'],
  ['birthDate', ''],
  ['birthDate', '1995-02-30'],
  ['birthDate', '1899-12-31'],
  ['sex', 'male'],
  ['sex', ''],
  ['sex', 'other'],
  ['extra', 'dropped'],
];

/** The top-level fields of both schemas, each in its turn. */
const FIELD_VARIANTS: [string, unknown][] = [
  ['date', '2026-02-29'],
  ['date', '2028-02-29'],
  ['date', '2200-01-01'],
  ['date', '2026-8-10'],
  ['date', 20260810],
  ['start', '9:00'],
  ['start', '24:00'],
  ['start', '23:59'],
  ['start', undefined],
  ['email', undefined],
  ['email', ''],
  ['email', ' couple@example.com '],
  ['email', 'not-an-address'],
  ['email', `${'a'.repeat(250)}@example.com`],
  ['email', null],
  ['contactPartner', 0],
  ['contactPartner', 1],
  ['contactPartner', '1'],
  ['contactPartner', ''],
  ['contactPartner', 2],
  ['contactPartner', 0.5],
  ['contactPartner', 'second'],
  ['verificationCode', '123456'],
  ['verificationCode', ' 123456 '],
  ['verificationCode', ''],
  ['verificationCode', '12345'],
  ['verificationCode', '12345a'],
  ['verificationCode', 123456],
  ['language', 'en'],
  ['language', undefined],
  ['language', 'fr'],
  ['partners', []],
  ['partners', 'two'],
  ['partners', undefined],
  ['unknown', { nested: true }],
];

function variants(base: Body, extra: [string, unknown][]): Body[] {
  const partners = base.partners as Body[];
  const bodies: Body[] = [base];
  for (const [key, value] of [...FIELD_VARIANTS, ...extra]) bodies.push({ ...base, [key]: value });
  for (const [key, value] of PARTNER_VARIANTS) {
    bodies.push({ ...base, partners: [{ ...partners[0], [key]: value }, partners[1]] });
    bodies.push({ ...base, partners: [partners[0], { ...partners[1], [key]: value }] });
  }
  // Several faults at once, and bodies that are not objects at all.
  bodies.push({ ...base, date: 'soon', start: 'later', partners: [{}, null], email: 'x' });
  bodies.push({ ...base, partners: [partners[0]] });
  bodies.push({ ...base, partners: [partners[0], partners[1], partners[0]] });
  bodies.push({}, ...([[], null, 'text'] as unknown as Body[]));
  return bodies;
}

function sameAnswers(schema: z.ZodObject, bodies: Body[]): number {
  // The same fields in an object schema of their own: the parser, not compiled.
  const parser = z.object(schema.shape);
  let refused = 0;
  for (const body of bodies) {
    const expected = answer(parser.safeParse(body));
    assert.deepEqual(answer(schema.safeParse(body)), expected, JSON.stringify(body));
    if (!expected.ok) refused += 1;
  }
  return refused;
}

describe('the booking schemas compiled ahead of time', () => {
  it('answer POST /api/v1/appointments bodies as the parser does, well formed or not', () => {
    const base: Body = {
      officeId: '6751a2b3c4d5e6f708192a3b',
      date: '2026-08-10',
      start: '10:00',
      ...couple(),
    };
    const bodies = variants(base, [
      ['officeId', ' 6751a2b3c4d5e6f708192a3b '],
      ['officeId', ''],
      ['officeId', 'x'.repeat(65)],
    ]);
    const refused = sameAnswers(bookingApiSchema as unknown as z.ZodObject, bodies);
    assert.ok(refused > 40 && refused < bodies.length - 20, `${refused} of ${bodies.length} refused`);
  });

  it('answer booking forms as the parser does, well formed or not', () => {
    const { partners, email } = couple();
    const base: Body = { start: '10:00', partners, email, language: 'zh-CN', idempotencyKey: 'a'.repeat(32) };
    const bodies = variants(base, [
      ['idempotencyKey', 'short'],
      ['idempotencyKey', undefined],
      ['contactPartner', '0'],
    ]);
    const refused = sameAnswers(bookingFormSchema as unknown as z.ZodObject, bodies);
    assert.ok(refused > 40 && refused < bodies.length - 20, `${refused} of ${bodies.length} refused`);
  });

  it('refuses, when the module loads, a schema zod cannot compile', () => {
    const slow = z.object({ name: z.string().refine(async (s) => s.length > 0) });
    assert.throws(() => compiled(slow));
  });
});
