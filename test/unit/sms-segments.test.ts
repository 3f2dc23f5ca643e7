import assert from 'node:assert/strict';
import { countSegments, signedText } from '../../src/sms/segments.ts';

describe('SMS segments', () => {
  it('counts every character alike for a mainland number: 70, then parts of 67', () => {
    assert.deepEqual(countSegments(''), { encoding: 'mainland', units: 0, segments: 0 });
    assert.equal(countSegments('婚'.repeat(70)).segments, 1);
    assert.equal(countSegments('婚'.repeat(71)).segments, 2);
    assert.equal(countSegments('婚'.repeat(134)).segments, 2);
    assert.equal(countSegments('婚'.repeat(135)).segments, 3);
    assert.equal(countSegments('a'.repeat(71)).segments, 2, 'English counts the same');
    assert.equal(countSegments('😀').units, 2, 'an emoji counts two');
    assert.equal(countSegments(signedText('锦江区民政局', '婚'.repeat(62))).segments, 1);
    assert.equal(
      countSegments(signedText('锦江区民政局', '婚'.repeat(63))).segments,
      2,
      'the signature counts',
    );
  });

  it('takes 160 GSM-7 characters, parts of 153, the extension ones counting two', () => {
    assert.deepEqual(countSegments('a'.repeat(160), 'gsm'), { encoding: 'gsm7', units: 160, segments: 1 });
    assert.equal(countSegments('a'.repeat(161), 'gsm').segments, 2);
    assert.equal(countSegments('a'.repeat(306), 'gsm').segments, 2);
    assert.equal(countSegments('a'.repeat(307), 'gsm').segments, 3);
    assert.deepEqual(countSegments('{'.repeat(80), 'gsm'), { encoding: 'gsm7', units: 160, segments: 1 });
    assert.equal(countSegments('€'.repeat(81), 'gsm').segments, 2);
    assert.equal(countSegments('Café £5 @ Ñandù ¿?', 'gsm').encoding, 'gsm7');
    assert.equal(countSegments('Ñandú', 'gsm').encoding, 'ucs2', 'ú is not in the GSM-7 alphabet');
  });

  it('never cuts an extension character or a surrogate pair between two parts', () => {
    const gsm = `${'a'.repeat(152)}€${'a'.repeat(152)}`;
    assert.equal(countSegments(gsm, 'gsm').units, 306);
    assert.equal(countSegments(gsm, 'gsm').segments, 3);
    const ucs2 = `${'婚'.repeat(66)}😀${'婚'.repeat(66)}`;
    assert.deepEqual(countSegments(ucs2, 'gsm'), { encoding: 'ucs2', units: 134, segments: 3 });
  });

  it('sends any other text as UCS-2: 70, then parts of 67', () => {
    assert.deepEqual(countSegments('婚'.repeat(70), 'gsm'), { encoding: 'ucs2', units: 70, segments: 1 });
    assert.equal(countSegments('婚'.repeat(71), 'gsm').segments, 2);
    assert.equal(countSegments(`${'a'.repeat(100)}’`, 'gsm').segments, 2, 'one curly quote makes it UCS-2');
  });
});
