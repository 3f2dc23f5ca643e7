import assert from 'node:assert/strict';
import {
  normalizeIdNumber,
  parseResidentId,
  residentIdCheckChar,
  validateIdFormat,
} from '../../src/domain/resident-id.ts';

// GB 11643-1999 weights, written out here (the code derives them) so the test does not
// reuse the implementation's arithmetic.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function withCheck(first17: string): string {
  const sum = WEIGHTS.reduce((total, weight, i) => total + weight * Number(first17[i]), 0);
  return first17 + '10X98765432'[sum % 11];
}
function wrongCheck(first17: string): string {
  const right = withCheck(first17).at(-1);
  return first17 + (right === '0' ? '1' : '0');
}

describe('parseResidentId', () => {
  it('accepts the published GB 11643-1999 example', () => {
    assert.deepEqual(parseResidentId('11010519491231002X'), {
      ok: true,
      birthDate: '1949-12-31',
      sex: 'female',
      region: '110105',
    });
  });

  it('reads birth date, sex (odd sequence = male) and region', () => {
    assert.deepEqual(parseResidentId(withCheck('51010420020810123')), {
      ok: true,
      birthDate: '2002-08-10',
      sex: 'male',
      region: '510104',
    });
    assert.equal((parseResidentId(withCheck('51010420040810124')) as { sex: string }).sex, 'female');
  });

  it('accepts a lowercase x, spaces and full-width characters', () => {
    assert.equal(parseResidentId('11010519491231002x').ok, true);
    assert.equal(parseResidentId(' 110105 19491231 002X ').ok, true);
    assert.equal(parseResidentId('１１０１０５１９４９１２３１００２Ｘ').ok, true);
  });

  it('rejects a wrong check character', () => {
    assert.deepEqual(parseResidentId('110105194912310021'), { ok: false, reason: 'checksum' });
    for (const first17 of ['51010420020810123', '44030419951231456', '11010519491231002']) {
      assert.equal(parseResidentId(withCheck(first17)).ok, true, withCheck(first17));
      assert.deepEqual(parseResidentId(wrongCheck(first17)), { ok: false, reason: 'checksum' });
    }
  });

  it('rejects a wrong shape', () => {
    for (const id of [
      '',
      '11010519491231002',
      '1101051949123100211',
      '11010519491231002Y',
      'X10105194912310021',
    ]) {
      assert.deepEqual(parseResidentId(id), { ok: false, reason: 'format' }, id);
    }
  });

  it('rejects impossible and pre-1900 birth dates even with a valid check character', () => {
    assert.deepEqual(parseResidentId(withCheck('51010420230229123')), { ok: false, reason: 'birth_date' });
    assert.deepEqual(parseResidentId(withCheck('51010420241301123')), { ok: false, reason: 'birth_date' });
    // The standard's other example: born 1880-01-01.
    assert.deepEqual(parseResidentId('440524188001010014'), { ok: false, reason: 'birth_date' });
    assert.equal(parseResidentId(withCheck('51010419000101123')).ok, true);
    assert.equal(parseResidentId(withCheck('51010420240229123')).ok, true);
  });

  it('computes the check character, including X', () => {
    assert.equal(residentIdCheckChar('11010519491231002'), 'X');
    assert.equal(residentIdCheckChar('44052418800101001'), '4');
    assert.throws(() => residentIdCheckChar('1234'), RangeError);
  });
});

describe('ID numbers of every type', () => {
  it('normalizes by trimming, removing spaces and uppercasing', () => {
    assert.equal(normalizeIdNumber('passport', '  e 1234 5678 '), 'E12345678');
    assert.equal(normalizeIdNumber('hk_macao_permit', 'ｈ１２３４５６７８'), 'H12345678');
    assert.equal(normalizeIdNumber('resident_id', '11010519491231002x\u3000'), '11010519491231002X');
  });

  it('checks a resident ID in full', () => {
    assert.equal(validateIdFormat('resident_id', '11010519491231002x'), true);
    assert.equal(validateIdFormat('resident_id', '110105194912310021'), false);
  });

  it('checks a passport as 5-17 letters and digits', () => {
    assert.equal(validateIdFormat('passport', 'E12345678'), true);
    assert.equal(validateIdFormat('passport', 'ab123'), true);
    assert.equal(validateIdFormat('passport', 'AB12'), false);
    assert.equal(validateIdFormat('passport', 'A1234567890123456'), true);
    assert.equal(validateIdFormat('passport', 'A12345678901234567'), false);
    assert.equal(validateIdFormat('passport', 'E1234-5678'), false);
  });

  it('checks a Hong Kong / Macao permit as H or M and 8 or 10 digits', () => {
    assert.equal(validateIdFormat('hk_macao_permit', 'H12345678'), true);
    assert.equal(validateIdFormat('hk_macao_permit', 'm1234567890'), true);
    assert.equal(validateIdFormat('hk_macao_permit', 'H123456789'), false);
    assert.equal(validateIdFormat('hk_macao_permit', 'C12345678'), false);
  });

  it('checks a Taiwan permit as 8 digits or 10 characters', () => {
    assert.equal(validateIdFormat('taiwan_permit', '12345678'), true);
    assert.equal(validateIdFormat('taiwan_permit', '1234567890'), true);
    assert.equal(validateIdFormat('taiwan_permit', '12345678b9'), true);
    assert.equal(validateIdFormat('taiwan_permit', '1234567'), false);
    assert.equal(validateIdFormat('taiwan_permit', '123456789'), false);
    assert.equal(validateIdFormat('taiwan_permit', '1234567A'), false);
  });
});
