// Conformance: regular expressions mean what they mean in MongoDB's PCRE: its anchors (\A, \z,
// \Z), \Q...\E quoting, leading inline options, a ']' first in a class, Python-style named groups
// and Unicode properties. What the engine cannot run as PCRE does is refused, never misread.
import assert from 'node:assert/strict';
import { BSONRegExp, type Collection, MongoServerError } from 'mongodb';
import { openTestDb, type TestDb, usingEmbeddedEngine } from './support.ts';

describe('engine: PCRE regular expressions', () => {
  let t: TestDb;
  let c: Collection<any>;

  before(async () => {
    t = await openTestDb('regex');
  });
  after(async () => {
    await t.close();
  });
  beforeEach(async () => {
    c = t.db.collection(`r_${Math.random().toString(36).slice(2, 8)}`);
    await c.insertMany([
      { _id: 1, s: 'ab' },
      { _id: 2, s: 'ab\n' },
      { _id: 3, s: 'Aab' },
      { _id: 4, s: 'abZ' },
      { _id: 5, s: 'x\nab' },
      { _id: 6, s: 'a.b' },
      { _id: 7, s: ']' },
      { _id: 8, s: 'QIXI' },
      { _id: 9, s: '2026-2026' },
      { _id: 10, s: 'é' },
    ]);
  });

  async function ids(pattern: string, options = ''): Promise<number[]> {
    const docs = await c
      .find({ s: new BSONRegExp(pattern, options) })
      .sort({ _id: 1 })
      .toArray();
    return docs.map((d) => d._id);
  }

  it('reads PCRE anchors as anchors, not letters', async () => {
    assert.deepEqual(await ids('\\Aab', 'm'), [1, 2, 4]);
    assert.deepEqual(await ids('ab\\z', 'm'), [1, 3, 5]);
    assert.deepEqual(await ids('ab\\Z'), [1, 2, 3, 5]);
  });

  it('takes quoting, leading inline options, classes, named groups and properties', async () => {
    assert.deepEqual(await ids('^\\Qa.b\\E$'), [6]);
    assert.deepEqual(await ids('(?i)^qixi$'), [8]);
    assert.deepEqual(await ids('^[]]$'), [7]);
    assert.deepEqual(await ids('^(?P<y>\\d{4})-(?P=y)$'), [9]);
    assert.deepEqual(await ids('^\\p{L}$'), [10]);
  });

  it('reads patterns given to aggregation operators as strings as PCRE, positions in code points', async () => {
    const [out] = await c
      .aggregate([
        { $match: { _id: 3 } },
        {
          $project: {
            _id: 0,
            anchored: { $regexMatch: { input: '$s', regex: '\\Aab' } },
            caseless: { $regexMatch: { input: '$s', regex: '^aab$', options: 'i' } },
            found: { $regexFind: { input: '\u{1F600}ab', regex: 'a(b)' } },
            empties: { $size: { $regexFindAll: { input: 'abc', regex: 'x*' } } },
            digits: { $regexFindAll: { input: 'a1b22', regex: '\\d+' } },
          },
        },
      ])
      .toArray();
    assert.deepEqual(out, {
      anchored: false,
      caseless: true,
      found: { match: 'ab', idx: 1, captures: ['b'] },
      empties: 4,
      digits: [
        { match: '1', idx: 1, captures: [] },
        { match: '22', idx: 3, captures: [] },
      ],
    });
  });

  it('refuses PCRE constructs it cannot run, rather than misread them', async function () {
    if (!usingEmbeddedEngine()) this.skip(); // MongoDB runs them
    for (const pattern of ['\\h', 'a++', '(?>a)', 'a(?i)b', '\\R']) {
      await assert.rejects(
        c.find({ s: new BSONRegExp(pattern) }).toArray(),
        (e: unknown) => e instanceof MongoServerError && e.code === 51091,
        pattern,
      );
    }
  });
});
