import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { newReferenceCode, normalizeReference, REFERENCE_ALPHABET } from '../../src/domain/reference-code.ts';

/** A random source that hands out the given bytes in order. */
function scripted(bytes: number[]): (n: number) => Uint8Array {
  let next = 0;
  return (n) => {
    const chunk = bytes.slice(next, next + n);
    next += n;
    return Uint8Array.from(chunk);
  };
}

describe('newReferenceCode', () => {
  it('uses an alphabet without 0, O, 1, I or L', () => {
    assert.equal(REFERENCE_ALPHABET.length, 31);
    for (const char of '0O1IL') assert.equal(REFERENCE_ALPHABET.includes(char), false, char);
  });

  it('formats 8 characters as XXXX-XXXX', () => {
    assert.equal(newReferenceCode(scripted([0, 1, 2, 3, 4, 5, 6, 7])), '2345-6789');
    // byte % 31 indexes the alphabet: 31, 62 and 247 wrap to '2', '2' and 'Z'.
    assert.equal(newReferenceCode(scripted([8, 30, 31, 62, 247, 9, 10, 11])), 'AZ22-ZBCD');
  });

  it('skips bytes that would bias the alphabet and draws more', () => {
    assert.equal(
      newReferenceCode(scripted([248, 255, 0, 1, 2, 3, 4, 5, 6, 250, 7, 0, 0, 0, 0, 0, 0, 0])),
      '2345-6789',
    );
  });

  it('fails rather than loops on a broken random source', () => {
    assert.throws(() => newReferenceCode(() => new Uint8Array(8).fill(255)), /random source/);
    assert.throws(() => newReferenceCode(() => new Uint8Array(0)), /random source/);
  });

  it('makes well-formed codes from a real random source', () => {
    const shape = new RegExp(`^[${REFERENCE_ALPHABET}]{4}-[${REFERENCE_ALPHABET}]{4}$`);
    const codes = new Set<string>();
    for (let i = 0; i < 200; i += 1) {
      const code = newReferenceCode(randomBytes);
      assert.match(code, shape);
      codes.add(code);
    }
    assert.equal(codes.size, 200);
  });
});

describe('normalizeReference', () => {
  it('forgives case, spaces, missing or odd dashes and full-width characters', () => {
    assert.equal(normalizeReference('ABCD-EFGH'), 'ABCD-EFGH');
    assert.equal(normalizeReference(' abcd efgh '), 'ABCD-EFGH');
    assert.equal(normalizeReference('abcdefgh'), 'ABCD-EFGH');
    assert.equal(normalizeReference('ABCD–EFGH'), 'ABCD-EFGH');
    assert.equal(normalizeReference('ＡＢＣＤ－ＥＦＧＨ'), 'ABCD-EFGH');
    assert.equal(normalizeReference('2345_6789'), '2345-6789');
  });

  it('rejects look-alikes, which no code contains', () => {
    for (const input of ['ABCD-EFG0', 'ABCD-EFGO', 'ABCD-EFG1', 'ABCI-EFGH', 'ABCL-EFGH', 'abcl-efgh']) {
      assert.equal(normalizeReference(input), null, input);
    }
  });

  it('rejects what is not a reference shape', () => {
    for (const input of ['', 'ABC', 'ABCD-EFG', 'ABCD-EFGHJ', 'ABCD-EF#H']) {
      assert.equal(normalizeReference(input), null, input);
    }
  });

  it('accepts every code it makes', () => {
    for (let i = 0; i < 50; i += 1) {
      const code = newReferenceCode(randomBytes);
      assert.equal(normalizeReference(code.toLowerCase().replace('-', ' ')), code);
    }
  });
});
