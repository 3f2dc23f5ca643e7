import assert from 'node:assert/strict';
import { normalizePhone } from '../../src/domain/phone.ts';

describe('normalizePhone', () => {
  it('keeps a mainland mobile as its 11 digits, however it was typed', () => {
    for (const raw of [
      '13812345678',
      '138 1234 5678',
      '138-1234-5678',
      '+86 138 1234 5678',
      '+86-13812345678',
      '8613812345678',
      '008613812345678',
      '(+86) 138 1234 5678',
      '１３８１２３４５６７８',
    ]) {
      assert.equal(normalizePhone(raw), '13812345678', raw);
    }
    assert.equal(normalizePhone('19912345678'), '19912345678');
  });

  it('rejects what is not a mainland mobile', () => {
    for (const raw of [
      '12812345678',
      '1381234567',
      '138123456789',
      '+86 10 6512 3456',
      '8610651234567',
      'abc',
      '',
    ]) {
      assert.equal(normalizePhone(raw), null, raw);
    }
  });

  it('accepts Hong Kong, Macao, Taiwan and other international numbers in E.164 form', () => {
    assert.equal(normalizePhone('+852 9123 4567'), '+85291234567');
    assert.equal(normalizePhone('+853 6612 3456'), '+85366123456');
    assert.equal(normalizePhone('+886 912 345 678'), '+886912345678');
    assert.equal(normalizePhone('+1 (415) 555-0100'), '+14155550100');
    assert.equal(normalizePhone('0044 20 7946 0958'), '+442079460958');
    assert.equal(normalizePhone('+123456'), '+123456');
    assert.equal(normalizePhone('+123456789012345'), '+123456789012345');
  });

  it('rejects international numbers that are too short, too long or start with 0', () => {
    assert.equal(normalizePhone('+12345'), null);
    assert.equal(normalizePhone('+1234567890123456'), null);
    assert.equal(normalizePhone('+0123456789'), null);
    // Without a country code only a mainland mobile can be told apart.
    assert.equal(normalizePhone('91234567'), null);
  });
});
