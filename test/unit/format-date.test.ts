import assert from 'node:assert/strict';
import { formatDate } from '../../src/i18n/format.ts';

describe('dates as people write them', () => {
  it('writes a date in each language, the same each time it is asked', () => {
    for (let i = 0; i < 2; i++) {
      assert.equal(formatDate('2026-08-19', 'zh-CN'), '2026年8月19日 周三');
      assert.equal(formatDate('2026-08-19', 'en'), 'Wed 19 Aug 2026');
    }
  });

  it('leaves what is not a date as it was given', () => {
    assert.equal(formatDate('2026-02-30', 'en'), '2026-02-30');
    assert.equal(formatDate('2026-02-30', 'en'), '2026-02-30');
  });
});
