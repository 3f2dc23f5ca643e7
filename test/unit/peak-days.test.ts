import assert from 'node:assert/strict';
import { addDays } from '../../src/domain/local-time.ts';
import { lunarDateOf } from '../../src/domain/lunar-calendar.ts';
import { PEAK_LABELS, qixiDate, suggestPeakDays } from '../../src/domain/peak-days.ts';
import { chinaDate, newMoonNear } from './support/new-moon.ts';

// Dates of Qixi (农历七月初七) as published in Chinese almanacs; 2028 is not yet widely
// printed and rests on ICU and the independent new-moon check below agreeing (its
// new moon falls at 18:43 CST, far from midnight).
const PUBLISHED_QIXI: Record<number, string> = {
  2006: '2006-07-31', // the year of a leap 7th month (闰七月)
  2012: '2012-08-23', // ICU says the 24th: the new moon fell at 23:54 CST on 17 August
  2017: '2017-08-28',
  2018: '2018-08-17',
  2019: '2019-08-07',
  2020: '2020-08-25',
  2021: '2021-08-14',
  2022: '2022-08-04',
  2023: '2023-08-22',
  2024: '2024-08-10',
  2025: '2025-08-29', // a leap 6th month pushes it late
  2026: '2026-08-19',
  2028: '2028-08-26',
};

describe('qixiDate', () => {
  for (const [year, date] of Object.entries(PUBLISHED_QIXI)) {
    it(`gives ${date} for ${year}`, () => {
      assert.equal(qixiDate(Number(year)), date);
    });
  }

  it('never takes the 7th day of a leap 7th month', () => {
    // 2006's leap 7th month began on 24 August; its 7th day is not a second Qixi.
    assert.deepEqual(lunarDateOf('2006-08-30'), { relatedYear: 2006, month: 7, leapMonth: true, day: 7 });
    assert.equal(qixiDate(2006), '2006-07-31');
    assert.deepEqual(lunarDateOf('2025-07-31'), { relatedYear: 2025, month: 6, leapMonth: true, day: 7 });
  });

  it('lies 6 days after a new moon (China time) in every year 2000-2060', () => {
    for (let year = 2000; year <= 2060; year += 1) {
      const qixi = qixiDate(year);
      const newMoon = newMoonNear(new Date(`${addDays(qixi, -6)}T12:00:00+08:00`));
      assert.equal(
        chinaDate(newMoon),
        addDays(qixi, -6),
        `Qixi ${year}: ${qixi}, new moon ${newMoon.toISOString()}`,
      );
    }
  });

  it('rejects a year it cannot read', () => {
    assert.throws(() => qixiDate(2024.5), RangeError);
    assert.throws(() => qixiDate(-1), RangeError);
    assert.throws(() => qixiDate(10000), RangeError);
  });
});

describe('suggestPeakDays', () => {
  const nineNine = { month: 9, day: 9, label: { zh: '九九（长长久久）', en: '9/9 (forever)' } };

  it('suggests the next 12 months in date order with their weekdays', () => {
    const leapDay = { month: 2, day: 29, label: { zh: '闰日', en: 'Leap day' } };
    const duplicate = { month: 5, day: 20, label: { zh: '重复', en: 'Duplicate' } };
    assert.deepEqual(suggestPeakDays('2024-06-01', 12, [nineNine, leapDay, duplicate]), [
      { date: '2024-08-10', key: 'qixi', label: PEAK_LABELS.qixi, weekday: 6 },
      { date: '2024-09-09', key: 'custom', label: nineNine.label, weekday: 1 },
      { date: '2025-02-14', key: 'valentines', label: PEAK_LABELS.valentines, weekday: 5 },
      { date: '2025-05-20', key: '520', label: PEAK_LABELS['520'], weekday: 2 },
      { date: '2025-05-21', key: '521', label: PEAK_LABELS['521'], weekday: 3 },
    ]);
  });

  it('includes a custom 29 February in a leap year', () => {
    const leapDay = { month: 2, day: 29, label: { zh: '闰日', en: 'Leap day' } };
    const found = suggestPeakDays('2028-01-01', 3, [leapDay]);
    assert.deepEqual(
      found.map((entry) => [entry.date, entry.key]),
      [
        ['2028-02-14', 'valentines'],
        ['2028-02-29', 'custom'],
      ],
    );
  });

  it('includes `from` and excludes from + months', () => {
    assert.deepEqual(
      suggestPeakDays('2024-08-10', 1, []).map((entry) => entry.date),
      ['2024-08-10'],
    );
    assert.deepEqual(suggestPeakDays('2024-07-10', 1, []), []);
  });

  it('skips impossible custom dates and suggests nothing for no months', () => {
    assert.deepEqual(
      suggestPeakDays('2024-01-01', 12, [{ month: 4, day: 31, label: nineNine.label }]).length,
      4,
    );
    assert.deepEqual(suggestPeakDays('2024-01-01', 0, [nineNine]), []);
  });
});
