import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import {
  type Application,
  allocate,
  commitment,
  drawKey,
  drawOrder,
  newSeed,
  nextOffer,
  type Preference,
} from '../../src/domain/lottery.ts';

// The worked example published in docs/lottery.md: keep the two in step.
const EXAMPLE_SEED = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const EXAMPLE_APPLICATIONS: Application[] = [
  { reference: '2345-6789', preference: { kind: 'any' } },
  { reference: 'ABCD-EFGH', preference: { kind: 'morning' } },
  { reference: 'HJKM-NPQR', preference: { kind: 'afternoon' } },
  { reference: 'STUV-WXYZ', preference: { kind: 'ranked', starts: ['14:00', '09:00'] } },
  { reference: '9876-5432', preference: { kind: 'morning' } },
  { reference: 'QRST-2345', preference: { kind: 'ranked', starts: ['09:00'] } },
];
const EXAMPLE_SLOTS = [
  { start: '09:00', capacity: 2 },
  { start: '14:00', capacity: 2 },
];

function references(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `REF-${String(i).padStart(5, '0')}`);
}

function shuffled<T>(items: T[], seed: number): T[] {
  // A small deterministic shuffle (LCG) so the test fails the same way every time.
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i -= 1) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

describe('lottery seed and commitment', () => {
  it('makes a seed of 32 bytes as 64 hex characters', () => {
    assert.equal(
      newSeed((n) => Uint8Array.from({ length: n }, (_, i) => i)),
      [...Array(32).keys()].map((i) => i.toString(16).padStart(2, '0')).join(''),
    );
    assert.match(newSeed(randomBytes), /^[0-9a-f]{64}$/);
    assert.notEqual(newSeed(randomBytes), newSeed(randomBytes));
  });

  it('refuses a random source that returns the wrong length', () => {
    assert.throws(() => newSeed(() => new Uint8Array(16)), /16 bytes/);
  });

  it('commits to the SHA-256 of the seed string', () => {
    // FIPS 180-2 test vector.
    assert.equal(commitment('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(
      commitment(EXAMPLE_SEED),
      '2a8abfa8cb9906290437854193ca6bca41d4d4e26d1d454bd66a35158095e737',
    );
  });

  it('lets anyone check a revealed seed against the commitment published before', () => {
    const seed = newSeed(randomBytes);
    const published = commitment(seed);
    assert.equal(createHash('sha256').update(seed).digest('hex'), published);
    assert.notEqual(commitment(newSeed(randomBytes)), published);
  });

  it('keys each reference with HMAC-SHA256 over the seed string', () => {
    // RFC 4231 test case 2.
    assert.equal(
      drawKey('Jefe', 'what do ya want for nothing?'),
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});

describe('drawOrder', () => {
  const refs = references(40);
  const seed = 'a'.repeat(64);

  it('reproduces the published example', () => {
    assert.deepEqual(
      drawOrder(
        EXAMPLE_SEED,
        EXAMPLE_APPLICATIONS.map((application) => application.reference),
      ),
      ['9876-5432', 'QRST-2345', 'STUV-WXYZ', 'ABCD-EFGH', '2345-6789', 'HJKM-NPQR'],
    );
  });

  it('sorts by the HMAC of each reference, ascending', () => {
    const keys = drawOrder(seed, refs).map((reference) =>
      createHmac('sha256', seed).update(reference).digest('hex'),
    );
    assert.deepEqual(keys, [...keys].sort());
  });

  it('is the same whatever order the list comes in', () => {
    const order = drawOrder(seed, refs);
    assert.deepEqual(drawOrder(seed, shuffled(refs, 7)), order);
    assert.deepEqual(drawOrder(seed, [...refs].reverse()), order);
    assert.deepEqual([...order].sort(), [...refs].sort());
  });

  it('differs with another seed', () => {
    assert.notDeepEqual(drawOrder('b'.repeat(64), refs), drawOrder(seed, refs));
  });

  it('refuses a reference listed twice', () => {
    assert.throws(() => drawOrder(seed, ['ABCD-EFGH', 'ABCD-EFGH']), /duplicate reference/);
  });

  it('handles an empty list', () => {
    assert.deepEqual(drawOrder(seed, []), []);
  });
});

describe('allocate', () => {
  it('reproduces the published example', () => {
    assert.deepEqual(allocate(EXAMPLE_SEED, EXAMPLE_APPLICATIONS, EXAMPLE_SLOTS), {
      order: ['9876-5432', 'QRST-2345', 'STUV-WXYZ', 'ABCD-EFGH', '2345-6789', 'HJKM-NPQR'],
      assignments: [
        { reference: '9876-5432', start: '09:00', rank: 1 },
        { reference: 'QRST-2345', start: '09:00', rank: 2 },
        { reference: 'STUV-WXYZ', start: '14:00', rank: 3 },
        { reference: 'ABCD-EFGH', start: null, rank: 4 },
        { reference: '2345-6789', start: '14:00', rank: 5 },
        { reference: 'HJKM-NPQR', start: null, rank: 6 },
      ],
    });
  });

  it('honours each kind of preference in draw order', () => {
    const seed = 'c'.repeat(64);
    const order = drawOrder(seed, references(8));
    // Preferences are handed out by draw position, so the outcome is known whatever the hashes.
    const wishes: Preference[] = [
      { kind: 'ranked', starts: ['15:00', '09:00'] },
      { kind: 'morning' },
      { kind: 'morning' },
      { kind: 'morning' },
      { kind: 'afternoon' },
      { kind: 'ranked', starts: ['16:00', '09:00', '15:00'] },
      { kind: 'any' },
      { kind: 'any' },
    ];
    const applications = order.map((reference, i) => ({ reference, preference: wishes[i]! }));
    const slots = [
      { start: '15:00', capacity: 1 },
      { start: '09:00', capacity: 1 },
      { start: '11:30', capacity: 1 },
      { start: '12:00', capacity: 1 },
      { start: '10:00', capacity: 0 },
    ];
    const result = allocate(seed, shuffled(applications, 3), slots);
    assert.deepEqual(result.order, order);
    assert.deepEqual(
      result.assignments.map((assignment) => [assignment.rank, assignment.start]),
      [
        [1, '15:00'], // first choice
        [2, '09:00'], // earliest morning slot with room
        [3, '11:30'],
        [4, null], // no morning place left
        [5, '12:00'], // noon counts as afternoon
        [6, null], // 16:00 does not exist; 09:00 and 15:00 are taken
        [7, null], // every place is taken
        [8, null],
      ],
    );
  });

  it('never places more applicants in a slot than its capacity, nor anyone twice', () => {
    const refs = references(500);
    const slots = [
      { start: '09:00', capacity: 30 },
      { start: '09:30', capacity: 30 },
      { start: '14:00', capacity: 40 },
    ];
    const kinds: Preference[] = [{ kind: 'any' }, { kind: 'morning' }, { kind: 'afternoon' }];
    const applications = refs.map((reference, i) => ({ reference, preference: kinds[i % 3]! }));
    const { assignments } = allocate('d'.repeat(64), applications, slots);
    for (const slot of slots) {
      assert.equal(assignments.filter((assignment) => assignment.start === slot.start).length, slot.capacity);
    }
    assert.equal(new Set(assignments.map((assignment) => assignment.reference)).size, refs.length);
  });

  it('gives no place in a slot of negative capacity and refuses duplicate slots', () => {
    const applications: Application[] = [{ reference: 'ABCD-EFGH', preference: { kind: 'any' } }];
    assert.deepEqual(allocate('e'.repeat(64), applications, [{ start: '09:00', capacity: -1 }]).assignments, [
      { reference: 'ABCD-EFGH', start: null, rank: 1 },
    ]);
    assert.throws(
      () =>
        allocate('e'.repeat(64), applications, [
          { start: '09:00', capacity: 1 },
          { start: '09:00', capacity: 1 },
        ]),
      /duplicate slot/,
    );
  });

  it('draws 50,000 applications for 200 places well within 5 seconds', () => {
    const applications = references(50_000).map((reference) => ({
      reference,
      preference: { kind: 'any' as const },
    }));
    const slots = Array.from({ length: 20 }, (_, i) => ({
      start: `${String(8 + Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`,
      capacity: 10,
    }));
    const started = process.hrtime.bigint();
    const { assignments } = allocate(newSeed(randomBytes), applications, slots);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    assert.equal(assignments.filter((assignment) => assignment.start !== null).length, 200);
    assert.ok(seconds < 5, `took ${seconds.toFixed(2)} s`);
  });
});

describe('nextOffer', () => {
  const { assignments } = allocate(EXAMPLE_SEED, EXAMPLE_APPLICATIONS, EXAMPLE_SLOTS);

  it('offers a freed place to the best-ranked applicant not placed who accepts it', () => {
    // 09:00 freed: ABCD-EFGH (rank 4, morning) is first in line.
    assert.equal(nextOffer(EXAMPLE_APPLICATIONS, assignments, '09:00', new Set()), 'ABCD-EFGH');
    // 14:00 freed: ABCD-EFGH wants mornings only, so HJKM-NPQR (rank 6, afternoon).
    assert.equal(nextOffer(EXAMPLE_APPLICATIONS, assignments, '14:00', new Set()), 'HJKM-NPQR');
  });

  it('passes on in draw order and ends when the list is exhausted', () => {
    assert.equal(nextOffer(EXAMPLE_APPLICATIONS, assignments, '09:00', new Set(['ABCD-EFGH'])), null);
    assert.equal(nextOffer(EXAMPLE_APPLICATIONS, assignments, '14:00', new Set(['HJKM-NPQR'])), null);
  });

  it('never offers a second place to someone placed, nor to an unknown reference', () => {
    const extra = [...assignments, { reference: 'ZZZZ-ZZZZ', start: null, rank: 0 }];
    assert.equal(nextOffer(EXAMPLE_APPLICATIONS, extra, '09:00', new Set()), 'ABCD-EFGH');
  });
});
