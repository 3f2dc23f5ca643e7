import assert from 'node:assert/strict';
import { splitCsvLine } from '../../src/domain/csv-line.ts';
import { parseHolidayCsv } from '../../src/domain/holiday-csv.ts';

describe('parseHolidayCsv', () => {
  const file = [
    '\uFEFFdate,kind,label_zh,label_en',
    '2025-01-01,休,元旦,New Year',
    '2025-01-26,班,春节调休上班,Spring Festival make-up working day',
    '',
    '2025/1/28,closed,春节,',
    '2025-02-30,closed,,',
    '2025-01-01,closed,,',
    '2025-05-01,holiday,,',
    '"2025-10-01",闭馆,"国庆节,中秋节","National Day, Mid-Autumn ""Festival"""',
    '2025-09-28,调休上班',
    '2025-10-02,closed,a,b,c',
    '2025-10-03,CLOSED,,Day off,,',
    '2025-10-04,"closed',
    '2025-10-05',
  ].join('\r\n');
  const { rows, errors } = parseHolidayCsv(file);

  it('reads good lines after a header, a BOM and CRLF', () => {
    assert.deepEqual(rows, [
      { date: '2025-01-01', kind: 'closed', label: { zh: '元旦', en: 'New Year' } },
      {
        date: '2025-01-26',
        kind: 'special',
        label: { zh: '春节调休上班', en: 'Spring Festival make-up working day' },
      },
      { date: '2025-01-28', kind: 'closed', label: { zh: '春节', en: '春节' } },
      {
        date: '2025-10-01',
        kind: 'closed',
        label: { zh: '国庆节,中秋节', en: 'National Day, Mid-Autumn "Festival"' },
      },
      { date: '2025-09-28', kind: 'special' },
      { date: '2025-10-03', kind: 'closed', label: { zh: 'Day off', en: 'Day off' } },
    ]);
  });

  it('reports each bad line by its 1-based number, in both languages', () => {
    assert.deepEqual(
      errors.map((error) => error.line),
      [6, 7, 8, 11, 13, 14],
    );
    const byLine = new Map(errors.map((error) => [error.line, error.message]));
    assert.deepEqual(byLine.get(6), { zh: '日期无效：2025-02-30', en: 'invalid date: 2025-02-30' });
    assert.deepEqual(byLine.get(7), {
      zh: '日期 2025-01-01 与第 2 行重复',
      en: 'date 2025-01-01 repeats line 2',
    });
    assert.match(byLine.get(8)!.en, /^invalid kind: holiday/);
    assert.match(byLine.get(8)!.zh, /^类型无效：holiday/);
    assert.match(byLine.get(11)!.en, /too many columns/);
    assert.deepEqual(byLine.get(13), { zh: '引号未闭合', en: 'unclosed quote' });
    assert.match(byLine.get(14)!.en, /^invalid kind: /);
  });

  it('needs no header, and takes a Chinese one', () => {
    assert.deepEqual(parseHolidayCsv('2025-05-01,休\n2025-04-27,班\n'), {
      rows: [
        { date: '2025-05-01', kind: 'closed' },
        { date: '2025-04-27', kind: 'special' },
      ],
      errors: [],
    });
    assert.deepEqual(parseHolidayCsv('\n日期,类型,名称,英文名称\r2025-05-01,休,劳动节,Labour Day').rows, [
      { date: '2025-05-01', kind: 'closed', label: { zh: '劳动节', en: 'Labour Day' } },
    ]);
  });

  it('does not mistake a bad first line for a header', () => {
    assert.deepEqual(
      parseHolidayCsv('2025-13-01,休\n2025-05-01,休').errors.map((error) => error.line),
      [1],
    );
  });

  it('reads an empty file as nothing', () => {
    assert.deepEqual(parseHolidayCsv(''), { rows: [], errors: [] });
    assert.deepEqual(parseHolidayCsv('\uFEFF\r\n\r\n'), { rows: [], errors: [] });
  });
});

describe('splitCsvLine', () => {
  it('splits quoted and unquoted fields', () => {
    assert.deepEqual(splitCsvLine('a,"b,c","d""e",'), { ok: true, fields: ['a', 'b,c', 'd"e', ''] });
    assert.deepEqual(splitCsvLine(''), { ok: true, fields: [''] });
    assert.deepEqual(splitCsvLine('"open'), { ok: false });
  });
});
