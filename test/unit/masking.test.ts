import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { idFingerprint, maskIdNumber, maskPhone } from '../../src/domain/masking.ts';

describe('maskIdNumber', () => {
  it('keeps the first 4 and last 4 characters of a resident ID', () => {
    assert.equal(maskIdNumber('510104199001011234'), '5101**********1234');
    assert.equal(maskIdNumber('11010519491231002X'), '1101**********002X');
  });

  it('keeps only the last 2 of a short number', () => {
    assert.equal(maskIdNumber('E12345678'), '*******78');
    assert.equal(maskIdNumber('H1234567890'), '*********90');
    assert.equal(maskIdNumber('12345678'), '******78');
    assert.equal(maskIdNumber('AB123456789C'), 'AB12****789C');
  });

  it('shows nothing of a number too short to mask', () => {
    assert.equal(maskIdNumber('12'), '**');
    assert.equal(maskIdNumber(''), '');
  });
});

describe('maskPhone', () => {
  it('keeps the first 3 and last 4 digits', () => {
    assert.equal(maskPhone('13812345678'), '138****5678');
    assert.equal(maskPhone('+85291234567'), '+85*****4567');
    assert.equal(maskPhone('12345678'), '123*5678');
  });

  it('keeps only the last 2 of a short number and nothing of a tiny one', () => {
    assert.equal(maskPhone('1234567'), '*****67');
    assert.equal(maskPhone('12'), '**');
  });
});

describe('idFingerprint', () => {
  const secret = 'test-secret';

  it('is the HMAC-SHA256 of the type and normalized number', () => {
    const expected = createHmac('sha256', secret).update('resident_id:11010519491231002X').digest('hex');
    assert.equal(idFingerprint(secret, 'resident_id', '11010519491231002X'), expected);
    assert.match(expected, /^[0-9a-f]{64}$/);
  });

  it('is the same however the number was typed', () => {
    assert.equal(
      idFingerprint(secret, 'resident_id', ' 110105 19491231 002x '),
      idFingerprint(secret, 'resident_id', '11010519491231002X'),
    );
  });

  it('differs by document type and by secret', () => {
    const base = idFingerprint(secret, 'passport', 'E12345678');
    assert.notEqual(idFingerprint(secret, 'hk_macao_permit', 'E12345678'), base);
    assert.notEqual(idFingerprint('other-secret', 'passport', 'E12345678'), base);
  });

  it('refuses an empty secret', () => {
    assert.throws(() => idFingerprint('', 'passport', 'E12345678'), /secret/);
  });
});
