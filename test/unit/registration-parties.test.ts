import assert from 'node:assert/strict';
import {
  needsEnteredFacts,
  partiesAllowed,
  REGISTRATION_PARTIES,
} from '../../src/domain/registration-parties.ts';
import { PROVINCE_CODES, parseResidentId, residentIdCheckChar } from '../../src/domain/resident-id.ts';

const withCheck = (first17: string) => first17 + residentIdCheckChar(first17);

describe('who may register together (Civil Code art. 1049)', () => {
  it('allows one man and one woman, in either order', () => {
    assert.equal(partiesAllowed(['male', 'female']), true);
    assert.equal(partiesAllowed(['female', 'male']), true);
  });

  it('refuses two partners of the same recorded sex', () => {
    assert.equal(partiesAllowed(['male', 'male']), false);
    assert.equal(partiesAllowed(['female', 'female']), false);
  });

  it('leaves an unrecorded sex to the required-field check', () => {
    assert.equal(partiesAllowed([undefined, 'male']), true);
  });

  it('is data: the rule cites its article and names the documents whose facts are entered', () => {
    assert.equal(REGISTRATION_PARTIES.civilCodeArticle, 1049);
    assert.deepEqual([...REGISTRATION_PARTIES.sexes].sort(), ['female', 'male']);
    assert.equal(needsEnteredFacts('resident_id'), false);
    for (const type of ['passport', 'hk_macao_permit', 'taiwan_permit'] as const)
      assert.equal(needsEnteredFacts(type), true, type);
    const sameSex = { ...REGISTRATION_PARTIES, sexes: ['male', 'male'] as const };
    assert.equal(partiesAllowed(['male', 'male'], sameSex), true, 'the rule, not the code, decides');
  });
});

describe('resident ID region codes (GB/T 2260 province-level divisions)', () => {
  it('lists the 34 province-level prefixes, with 83 for Taiwan residents’ permits', () => {
    assert.equal(PROVINCE_CODES.length, 35);
    for (const code of [
      '11',
      '15',
      '21',
      '23',
      '31',
      '37',
      '41',
      '46',
      '50',
      '54',
      '61',
      '65',
      '71',
      '81',
      '82',
      '83',
    ])
      assert.ok(PROVINCE_CODES.includes(code), code);
    for (const code of [
      '00',
      '10',
      '16',
      '20',
      '24',
      '30',
      '38',
      '47',
      '55',
      '60',
      '66',
      '72',
      '80',
      '84',
      '99',
    ])
      assert.ok(!PROVINCE_CODES.includes(code), code);
  });

  it('refuses a number whose first two digits are no province (999999), after its check character', () => {
    assert.deepEqual(parseResidentId(withCheck('99999919950301001')), { ok: false, reason: 'region' });
    assert.deepEqual(parseResidentId(withCheck('20010119950301001')), { ok: false, reason: 'region' });
    assert.equal(parseResidentId(withCheck('83000019950301001')).ok, true);
    assert.equal(parseResidentId(withCheck('65010219950301001')).ok, true);
  });
});
