import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  type Application,
  accepts,
  allocate,
  commitment,
  confirmDeadline,
  drawOrder,
  lotteryPhase,
  lotterySettingsProblems,
  newSeed,
  nextOffer,
  type Preference,
  preferenceProblem,
  reservedPlaces,
  verifyDraw,
} from '../../src/domain/lottery.ts';

const at = (iso: string) => new Date(iso);

describe('lottery rules: preferences', () => {
  it('accepts a slot by kind, with noon counting as afternoon', () => {
    assert.equal(accepts({ kind: 'any' }, '08:30'), true);
    assert.equal(accepts({ kind: 'morning' }, '11:30'), true);
    assert.equal(accepts({ kind: 'morning' }, '12:00'), false);
    assert.equal(accepts({ kind: 'afternoon' }, '12:00'), true);
    assert.equal(accepts({ kind: 'afternoon' }, '11:59'), false);
    assert.equal(accepts({ kind: 'ranked', starts: ['14:00', '09:00'] }, '09:00'), true);
    assert.equal(accepts({ kind: 'ranked', starts: ['14:00'] }, '09:00'), false);
  });

  it('agrees with the order in which allocate tries slots', () => {
    // For every kind, a slot allocate may give is one `accepts` accepts, and the converse.
    const starts = ['09:00', '11:30', '12:00', '15:00'];
    const kinds: Preference[] = [
      { kind: 'any' },
      { kind: 'morning' },
      { kind: 'afternoon' },
      { kind: 'ranked', starts: ['15:00', '09:00'] },
    ];
    for (const preference of kinds) {
      for (const start of starts) {
        const { assignments } = allocate(
          'f'.repeat(64),
          [{ reference: 'ABCD-EFGH', preference }],
          [{ start, capacity: 1 }],
        );
        assert.equal(
          assignments[0]!.start === start,
          accepts(preference, start),
          `${preference.kind} ${start}`,
        );
      }
    }
  });

  it('refuses a preference the day cannot meet', () => {
    const day = ['09:00', '09:30', '14:00'];
    assert.equal(preferenceProblem({ kind: 'any' }, day), null);
    assert.equal(preferenceProblem({ kind: 'morning' }, ['14:00']), 'no_morning');
    assert.equal(preferenceProblem({ kind: 'afternoon' }, ['09:00']), 'no_afternoon');
    assert.equal(preferenceProblem({ kind: 'ranked', starts: [] }, day), 'ranked_empty');
    assert.equal(preferenceProblem({ kind: 'ranked', starts: ['10:00'] }, day), 'ranked_unknown');
    assert.equal(preferenceProblem({ kind: 'ranked', starts: ['09:00', '09:00'] }, day), 'ranked_duplicate');
    assert.equal(
      preferenceProblem(
        { kind: 'ranked', starts: ['09:00', '09:30', '14:00', '15:00', '16:00', '17:00'] },
        day,
      ),
      'ranked_too_many',
    );
    assert.equal(preferenceProblem({ kind: 'ranked', starts: ['14:00', '09:00'] }, day), null);
  });
});

describe('lottery rules: phase and settings', () => {
  const times = {
    opensAt: at('2026-08-03T01:00:00Z'),
    closesAt: at('2026-08-10T09:00:00Z'),
    drawAt: at('2026-08-11T02:00:00Z'),
  };

  it('reads the phase with half-open edges, and "drawn" only once the draw ran', () => {
    assert.equal(lotteryPhase(times, at('2026-08-03T00:59:59.999Z')), 'upcoming');
    assert.equal(lotteryPhase(times, at('2026-08-03T01:00:00Z')), 'open');
    assert.equal(lotteryPhase(times, at('2026-08-10T08:59:59.999Z')), 'open');
    assert.equal(lotteryPhase(times, at('2026-08-10T09:00:00Z')), 'closed');
    assert.equal(lotteryPhase(times, at('2026-08-12T00:00:00Z')), 'closed', 'due but not run');
    assert.equal(lotteryPhase(times, at('2026-08-12T00:00:00Z'), at('2026-08-11T02:00:05Z')), 'drawn');
  });

  it('checks the window, the draw time against the close and the day, and the hours to confirm', () => {
    const dayStarts = at('2026-08-19T01:00:00Z');
    assert.deepEqual(lotterySettingsProblems({ ...times, confirmHours: 24 }, dayStarts), {});
    assert.deepEqual(
      lotterySettingsProblems({ ...times, closesAt: times.opensAt, confirmHours: 24 }, dayStarts),
      { closesAt: 'closes_before_opens' },
    );
    assert.deepEqual(
      lotterySettingsProblems({ ...times, drawAt: at('2026-08-10T08:59:00Z'), confirmHours: 24 }, dayStarts),
      { drawAt: 'draw_before_close' },
    );
    assert.deepEqual(
      lotterySettingsProblems({ ...times, drawAt: times.closesAt, confirmHours: 1 }, dayStarts),
      {},
      'the draw may be exactly at the close',
    );
    assert.deepEqual(lotterySettingsProblems({ ...times, drawAt: dayStarts, confirmHours: 24 }, dayStarts), {
      drawAt: 'draw_after_day_starts',
    });
    for (const confirmHours of [0, 1.5, 337, Number.NaN]) {
      assert.deepEqual(lotterySettingsProblems({ ...times, confirmHours }, dayStarts), {
        confirmHours: 'confirm_hours_range',
      });
    }
  });

  it('gives winners confirmHours to confirm, but never past the start of their slot', () => {
    const offered = at('2026-08-11T02:00:00Z');
    assert.equal(
      confirmDeadline(offered, 24, at('2026-08-19T01:00:00Z')).toISOString(),
      '2026-08-12T02:00:00.000Z',
    );
    assert.equal(
      confirmDeadline(offered, 24, at('2026-08-11T10:00:00Z')).toISOString(),
      '2026-08-11T10:00:00.000Z',
    );
  });

  it('holds back at most the slot capacity, and never a negative or fractional number', () => {
    assert.equal(reservedPlaces(12, 3), 3);
    assert.equal(reservedPlaces(2, 3), 2);
    assert.equal(reservedPlaces(12, -1), 0);
    assert.equal(reservedPlaces(12, 2.7), 2);
  });
});

describe('lottery rules: checking a draw', () => {
  const seed = newSeed(randomBytes);
  const applications: Application[] = Array.from({ length: 60 }, (_, i) => ({
    reference: `REF-${String(i).padStart(4, '0')}`,
    preference: ([{ kind: 'any' }, { kind: 'morning' }, { kind: 'afternoon' }] as Preference[])[i % 3]!,
  }));
  const slots = [
    { start: '09:00', capacity: 5 },
    { start: '14:00', capacity: 5 },
  ];

  it('says whether a seed is the committed one, and recomputes the same result from it', () => {
    const published = { commitment: commitment(seed), applications, slots };
    const checked = verifyDraw(seed, published);
    assert.equal(checked.seedMatches, true);
    assert.deepEqual(checked.assignments, allocate(seed, applications, slots).assignments);
    // The commitment may be pasted in capitals or with spaces around it.
    assert.equal(
      verifyDraw(seed, { ...published, commitment: ` ${commitment(seed).toUpperCase()} ` }).seedMatches,
      true,
    );
  });

  it('tells another seed apart, and that seed gives another order', () => {
    const other = newSeed(randomBytes);
    const checked = verifyDraw(other, { commitment: commitment(seed), applications, slots });
    assert.equal(checked.seedMatches, false);
    assert.notDeepEqual(
      checked.order,
      drawOrder(
        seed,
        applications.map((a) => a.reference),
      ),
    );
  });

  it('offers a freed place down the order only to those whose preference accepts it', () => {
    const { assignments } = allocate(seed, applications, slots);
    const freed = nextOffer(applications, assignments, '09:00', new Set());
    const candidate = applications.find((a) => a.reference === freed)!;
    assert.ok(accepts(candidate.preference, '09:00'));
    const better = assignments.filter(
      (a) =>
        a.start === null &&
        a.rank < assignments.find((x) => x.reference === freed)!.rank &&
        accepts(applications.find((x) => x.reference === a.reference)!.preference, '09:00'),
    );
    assert.deepEqual(better, [], 'nobody better ranked in line would have taken it');
  });
});
