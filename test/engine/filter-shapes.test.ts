// The engine's own filter compiler, apart from any server: a filter in the common subset is
// compiled once per shape and its values bound, and must match exactly as the filter compiled
// for its own values does, whatever the values and their BSON types.
import assert from 'node:assert/strict';
import { Double, Long, MinKey, ObjectId } from 'bson';
import { parseCollation } from '../../src/embedded-mongo/collation.ts';
import {
  compileDocument,
  compileFilter,
  type MatchDetails,
} from '../../src/embedded-mongo/filter/compile.ts';
import { shapeOf } from '../../src/embedded-mongo/filter/shape.ts';
import type { Doc } from '../../src/embedded-mongo/values.ts';

const id = ObjectId.createFromHexString('65a1b2c3d4e5f60718293a4b');
const docs: Doc[] = [
  {},
  { v: null },
  { v: 1 },
  { v: new Double(1) },
  { v: 2.5 },
  { v: 7n },
  { v: Number.NaN },
  { v: '1' },
  { v: 'b' },
  { v: true },
  { v: false },
  { v: new Date(1000) },
  { v: new Date(5000) },
  { v: id },
  { v: [1, 'b', null] },
  { v: [] },
  { v: { w: 1 } },
  { v: [{ w: 1 }, { w: 'x' }] },
  { _id: 'phone:1', sent: [new Date(3000), new Date(2000)] },
];
const operands: unknown[] = [
  null,
  1,
  2.5,
  0,
  -1,
  '1',
  'b',
  '',
  true,
  false,
  new Date(1000),
  new Date(3000),
  id,
];

/** Every filter of the subset over `v` (and a dotted path) with every operand. */
function subsetFilters(): Doc[] {
  const out: Doc[] = [];
  for (const x of operands) {
    out.push({ v: x }, { 'v.w': x });
    for (const op of ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte']) out.push({ v: { [op]: x } });
    out.push({ v: { $gte: x, $lte: x } }, { $or: [{ v: x }, { v: { $exists: false } }] });
    out.push({ $and: [{ v: { $ne: x } }], $nor: [{ 'v.w': x }] });
    out.push({ v: { $not: { $gt: x } } }, { v: { $not: { $gte: x, $ne: x } }, 'v.w': { $not: { $eq: x } } });
  }
  out.push({ v: { $exists: true } }, { v: { $exists: 0 } }, { 'sent.1': { $exists: 1 } });
  out.push({ v: { $not: { $exists: true } } }, { v: { $not: { $not: { $lt: 2 } } } });
  out.push({ _id: 'phone:1', 'sent.1': { $not: { $gt: new Date(2500) } }, 'sent.0': { $not: { $gt: 0 } } });
  out.push({
    _id: 'phone:1',
    $and: [{ $or: [{ 'sent.1': { $exists: false } }, { 'sent.1': { $lte: new Date(2500) } }] }],
  });
  return out;
}

const show = (v: unknown) =>
  JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : Number.isNaN(x) ? 'NaN' : x));

describe('engine: filters compiled by their shape', () => {
  it('match exactly as filters compiled for their own values, over values of every type', () => {
    const filters = subsetFilters();
    for (const f of filters) assert.ok(shapeOf(f), `in the subset: ${show(f)}`);
    // Twice over: the second pass finds every shape compiled already.
    for (let pass = 0; pass < 2; pass++) {
      for (const f of filters) {
        const cached = compileFilter(f);
        const own = compileDocument(f, {}, false);
        for (const d of docs) {
          assert.equal(cached(d), own(d), `${show(f)} against ${show(d)}`);
        }
      }
    }
  });

  it('keeps each binding’s values apart: the same shape with other values, used in turn', () => {
    const a = compileFilter({ _id: 'a', n: { $gt: 1 } });
    const b = compileFilter({ _id: 'b', n: { $gt: 5 } });
    assert.equal(shapeOf({ _id: 'a', n: { $gt: 1 } })?.key, shapeOf({ _id: 'b', n: { $gt: 5 } })?.key);
    assert.equal(a({ _id: 'a', n: 3 }), true);
    assert.equal(b({ _id: 'b', n: 3 }), false);
    assert.equal(a({ _id: 'b', n: 9 }), false);
    assert.equal(b({ _id: 'b', n: 9 }), true);
    assert.equal(a({ _id: 'a', n: 3 }), true);
  });

  it('gives the same field another shape for an operand of another type', () => {
    const keys = [1, '1', true, new Date(1), null, id].map((x) => shapeOf({ v: x })?.key);
    assert.equal(new Set(keys).size, keys.length, `one shape per type: ${keys.join(' ')}`);
    assert.equal(compileFilter({ v: 1 })({ v: '1' }), false);
    assert.equal(compileFilter({ v: '1' })({ v: '1' }), true);
    assert.equal(compileFilter({ v: 1 })({ v: new Double(1) }), true);
    assert.equal(compileFilter({ v: { $gte: 7 } })({ v: 7n }), true);
    assert.equal(compileFilter({ v: { $gt: 'a' } })({ v: 7n }), false);
    assert.notEqual(shapeOf({ v: { $exists: true } })?.key, shapeOf({ v: { $exists: false } })?.key);
  });

  it('leaves operands whose test depends on more than their type to the compiler', () => {
    for (const f of [
      { v: Number.NaN },
      { v: 7n },
      { v: new MinKey() },
      { v: /b/ },
      { v: [1] },
      { v: { w: 1 } },
      { v: { $in: [1] } },
      { $expr: { $eq: ['$v', 1] } },
      { v: { $exists: null } },
      { v: { $not: {} } },
      { v: { $not: /b/ } },
      { v: { $not: 1 } },
      { v: { $not: { $in: [1] } } },
      { $or: [] },
      { '': 1 },
    ]) {
      assert.equal(shapeOf(f), null, show(f));
    }
    assert.equal(compileFilter({ v: Number.NaN })({ v: Number.NaN }), true);
    assert.equal(compileFilter({ v: { $gte: 7n } })({ v: new Long(7) as never }), true);
    assert.throws(() => compileFilter({ $or: [] }), /nonempty array/);
    assert.throws(() => compileFilter({ v: { $bogus: 1 } }), /unknown operator/);
    assert.throws(() => compileFilter({ v: { $not: {} } }), /cannot be empty/);
  });

  it('compiles a filter under a collation for its own values', () => {
    const collation = parseCollation({ locale: 'en', strength: 2 });
    assert.equal(compileFilter({ s: 'ABC' }, { collation })({ s: 'abc' }), true);
    assert.equal(compileFilter({ s: 'ABC' })({ s: 'abc' }), false);
    assert.equal(compileFilter({ s: { $gt: 'ABC' } }, { collation })({ s: 'abd' }), true);
  });

  it('reports the array position a condition matched, as for a filter compiled for its values', () => {
    const f = { tags: 'b', $or: [{ n: { $gt: 0 } }] };
    const details: MatchDetails = {};
    assert.equal(compileFilter(f)({ tags: ['a', 'b'], n: 1 }, details), true);
    assert.equal(details.pos, 1);
    const one: MatchDetails = {};
    assert.equal(compileFilter({ $or: [{ tags: 'a' }] })({ tags: ['b', 'a'] }, one), true);
    assert.equal(one.pos, 1);
  });
});
