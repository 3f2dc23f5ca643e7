// Import of the yearly State Council holiday notice, typed or pasted by staff into a
// CSV file: `date,kind,label_zh,label_en`. Every bad line is reported with its number
// and a message in both languages, so staff can fix the file and import it whole.
import { splitCsvLine } from './csv-line.ts';
import { isLocalDate } from './local-time.ts';
import type { Bilingual, LocalDate } from './schedule-types.ts';

export interface HolidayRow {
  date: LocalDate;
  kind: 'closed' | 'special';
  label?: Bilingual;
}

export interface HolidayCsvError {
  line: number;
  message: Bilingual;
}

const KINDS: Record<string, HolidayRow['kind']> = {
  closed: 'closed',
  休: 'closed',
  闭馆: 'closed',
  special: 'special',
  班: 'special',
  调休上班: 'special',
};

const HEADER_FIRST_CELL = new Set(['date', '日期']);
const COLUMNS = 4;

/** 'yyyy-MM-dd', or 'yyyy/M/d' as Excel rewrites dates in a Chinese locale. */
function parseDate(cell: string): LocalDate | null {
  const match = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(cell);
  if (!match) return null;
  const date = `${match[1]}-${match[2]!.padStart(2, '0')}-${match[3]!.padStart(2, '0')}`;
  return isLocalDate(date) ? date : null;
}

/** A label in one language only is used for both, so a page never shows an empty name. */
function parseLabel(zh: string, en: string): Bilingual | undefined {
  if (!zh && !en) return undefined;
  return { zh: zh || en, en: en || zh };
}

/** The header is optional; it is recognised by its first cell only. */
function isHeader(line: string): boolean {
  const split = splitCsvLine(line);
  return split.ok && HEADER_FIRST_CELL.has((split.fields[0] ?? '').trim().toLowerCase());
}

type LineResult = { row: HolidayRow } | { error: Bilingual };

function parseLine(line: string): LineResult {
  const split = splitCsvLine(line);
  if (!split.ok) return { error: { zh: '引号未闭合', en: 'unclosed quote' } };
  const cells = split.fields.map((cell) => cell.trim());
  // Spreadsheets pad rows with empty trailing cells; only extra content is an error.
  if (cells.slice(COLUMNS).some((cell) => cell !== '')) {
    return {
      error: {
        zh: '列数过多（应为：日期,类型,中文名称,英文名称）',
        en: 'too many columns (expected: date,kind,label_zh,label_en)',
      },
    };
  }
  const [dateCell = '', kindCell = '', zh = '', en = ''] = cells;
  const date = parseDate(dateCell);
  if (!date) return { error: { zh: `日期无效：${dateCell}`, en: `invalid date: ${dateCell}` } };
  const kind = KINDS[kindCell.toLowerCase()];
  if (!kind) {
    return {
      error: {
        zh: `类型无效：${kindCell}（应为 休/闭馆/closed 或 班/调休上班/special）`,
        en: `invalid kind: ${kindCell} (expected closed/休/闭馆 or special/班/调休上班)`,
      },
    };
  }
  const label = parseLabel(zh, en);
  return { row: label ? { date, kind, label } : { date, kind } };
}

export function parseHolidayCsv(text: string): { rows: HolidayRow[]; errors: HolidayCsvError[] } {
  const rows: HolidayRow[] = [];
  const errors: HolidayCsvError[] = [];
  const firstLineOf = new Map<LocalDate, number>();
  let seenContent = false;

  text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\n|\r/)
    .forEach((line, index) => {
      const lineNumber = index + 1;
      if (line.trim() === '') return;
      const isFirst = !seenContent;
      seenContent = true;
      if (isFirst && isHeader(line)) return;

      const result = parseLine(line);
      if ('error' in result) {
        errors.push({ line: lineNumber, message: result.error });
        return;
      }
      const earlier = firstLineOf.get(result.row.date);
      if (earlier !== undefined) {
        errors.push({
          line: lineNumber,
          message: {
            zh: `日期 ${result.row.date} 与第 ${earlier} 行重复`,
            en: `date ${result.row.date} repeats line ${earlier}`,
          },
        });
        return;
      }
      firstLineOf.set(result.row.date, lineNumber);
      rows.push(result.row);
    });
  return { rows, errors };
}
