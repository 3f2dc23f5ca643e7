import assert from 'node:assert/strict';
import { ceremonyEligible } from '../../src/domain/ceremony-rules.ts';

// Qixi 2024 in Chengdu: the slot ends 10:00 CST, the ceremony starts 10:30 CST.
const base = {
  slotEndsAt: new Date('2024-08-10T02:00:00.000Z'),
  ceremonyStartsAt: new Date('2024-08-10T02:30:00.000Z'),
  bufferMinutes: 30,
  sameOffice: true,
  sameDate: true,
};

describe('ceremonyEligible', () => {
  it('accepts a registration done exactly the buffer before the ceremony', () => {
    assert.deepEqual(ceremonyEligible(base), { ok: true });
    assert.deepEqual(ceremonyEligible({ ...base, bufferMinutes: 0 }), { ok: true });
  });

  it('refuses one that ends a minute too late', () => {
    assert.deepEqual(ceremonyEligible({ ...base, bufferMinutes: 31 }), { ok: false, reason: 'too_late' });
    assert.deepEqual(ceremonyEligible({ ...base, slotEndsAt: new Date('2024-08-10T02:00:00.001Z') }), {
      ok: false,
      reason: 'too_late',
    });
  });

  it('refuses another office before another date', () => {
    assert.deepEqual(ceremonyEligible({ ...base, sameOffice: false, sameDate: false }), {
      ok: false,
      reason: 'other_office',
    });
    assert.deepEqual(ceremonyEligible({ ...base, sameDate: false }), { ok: false, reason: 'other_date' });
  });
});
