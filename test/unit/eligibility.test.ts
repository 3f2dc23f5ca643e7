import assert from 'node:assert/strict';
import { ageOn, birthdayAt, checkMarriageAge, type EligibilityRules } from '../../src/domain/eligibility.ts';

const CIVIL_CODE: EligibilityRules = { minAgeMale: 22, minAgeFemale: 20 };

describe('checkMarriageAge', () => {
  it('allows a woman on her 20th birthday and not the day before', () => {
    const bride = { birthDate: '2004-08-10', sex: 'female' as const };
    const groom = { birthDate: '1995-01-01', sex: 'male' as const };
    assert.deepEqual(checkMarriageAge('2024-08-10', [groom, bride], CIVIL_CODE), []);
    assert.deepEqual(checkMarriageAge('2024-08-09', [groom, bride], CIVIL_CODE), [
      { partner: 1, code: 'under_age', minAge: 20 },
    ]);
  });

  it('allows a man on his 22nd birthday and not the day before', () => {
    const groom = { birthDate: '2002-08-10', sex: 'male' as const };
    const bride = { birthDate: '2000-01-01', sex: 'female' as const };
    assert.deepEqual(checkMarriageAge('2024-08-10', [groom, bride], CIVIL_CODE), []);
    assert.deepEqual(checkMarriageAge('2024-08-09', [groom, bride], CIVIL_CODE), [
      { partner: 0, code: 'under_age', minAge: 22 },
    ]);
  });

  it('reports both partners when both are under age', () => {
    assert.deepEqual(
      checkMarriageAge(
        '2024-08-10',
        [
          { birthDate: '2004-01-01', sex: 'male' },
          { birthDate: '2006-01-01', sex: 'female' },
        ],
        CIVIL_CODE,
      ),
      [
        { partner: 0, code: 'under_age', minAge: 22 },
        { partner: 1, code: 'under_age', minAge: 20 },
      ],
    );
  });

  it('counts a 29 February birthday on 1 March in common years', () => {
    const groom = { birthDate: '2000-02-29', sex: 'male' as const };
    const bride = { birthDate: '1999-01-01', sex: 'female' as const };
    assert.equal(checkMarriageAge('2022-02-28', [groom, bride], CIVIL_CODE).length, 1);
    assert.deepEqual(checkMarriageAge('2022-03-01', [groom, bride], CIVIL_CODE), []);
    // In a leap year the birthday itself exists.
    const leapBride = { birthDate: '2004-02-29', sex: 'female' as const };
    assert.deepEqual(checkMarriageAge('2024-02-29', [groom, leapBride], CIVIL_CODE), []);
    assert.equal(checkMarriageAge('2024-02-28', [groom, leapBride], CIVIL_CODE).length, 1);
  });

  it('does not check a partner whose birth date or sex is unknown', () => {
    assert.deepEqual(
      checkMarriageAge('2024-08-10', [{ birthDate: '2010-01-01' }, { sex: 'female' }], CIVIL_CODE),
      [],
    );
  });

  it('takes its ages from the rules', () => {
    const rules: EligibilityRules = { minAgeMale: 18, minAgeFemale: 18 };
    const partners = [
      { birthDate: '2006-08-10', sex: 'male' as const },
      { birthDate: '2006-08-10', sex: 'female' as const },
    ] as [{ birthDate: string; sex: 'male' }, { birthDate: string; sex: 'female' }];
    assert.deepEqual(checkMarriageAge('2024-08-10', partners, rules), []);
  });

  it('rejects malformed dates', () => {
    assert.throws(() => checkMarriageAge('2024-8-10', [{}, {}], CIVIL_CODE), RangeError);
    assert.throws(
      () => checkMarriageAge('2024-08-10', [{ birthDate: '2000-02-30', sex: 'male' }, {}], CIVIL_CODE),
      RangeError,
    );
  });
});

describe('ageOn and birthdayAt', () => {
  it('counts completed years', () => {
    assert.equal(ageOn('2004-08-10', '2024-08-09'), 19);
    assert.equal(ageOn('2004-08-10', '2024-08-10'), 20);
    assert.equal(ageOn('2000-02-29', '2022-02-28'), 21);
    assert.equal(ageOn('2000-02-29', '2022-03-01'), 22);
  });

  it('moves 29 February to 1 March only in common years', () => {
    assert.equal(birthdayAt('2000-02-29', 22), '2022-03-01');
    assert.equal(birthdayAt('2000-02-29', 24), '2024-02-29');
    assert.equal(birthdayAt('2004-08-10', 20), '2024-08-10');
  });
});
