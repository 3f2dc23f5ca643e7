import assert from 'node:assert/strict';
import { scrubUrl } from '../../src/logger.ts';

describe('log scrubbing', () => {
  it('drops query strings, manage tokens and long numbers from logged URLs', () => {
    assert.equal(
      scrubUrl('/booking/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde/cancel'),
      '/booking/[token]/cancel',
    );
    assert.equal(scrubUrl('/lookup?reference=ABCD-EFGH&phone=13812345678'), '/lookup');
    assert.equal(scrubUrl('/staff/search/51010419900101123X'), '/staff/search/[number]');
    assert.equal(scrubUrl('/offices/jinjiang/days/2026-08-19'), '/offices/jinjiang/days/2026-08-19');
  });
});
