// A drawn lottery day as a CSV file for staff: the seed and commitment (so the file can be
// checked against the published draw), then every application in rank order.
import type { Translator } from '../../i18n/translate.ts';
import { csvFile } from '../../lib/csv.ts';
import type { ResultRow } from './lottery-reports.ts';

/** An application's preference as staff read it: 任意时段 / 排序: 09:00 > 09:30. */
export function preferenceText(row: Pick<ResultRow, 'preference'>, t: Translator): string {
  const p = row.preference;
  const kind = t(`lottery.preference.${p.kind}`);
  return p.kind === 'ranked' ? `${kind}: ${p.starts.join(' > ')}` : kind;
}

const HEAD = [
  'rank',
  'reference',
  'preference',
  'draw_result',
  'status',
  'offered_slot',
  'passed_on',
  'names',
];

export function resultCsv(
  rows: ResultRow[],
  draw: { seed?: string; commitment: string },
  t: Translator,
): string {
  return csvFile(
    [
      HEAD,
      ...rows.map((row) => [
        String(row.rank),
        row.reference,
        preferenceText(row, t),
        row.drawn ?? '',
        row.status,
        row.start ?? '',
        row.passedOn ? 'yes' : '',
        row.erased ? t('privacy.erased') : row.names.join(' / '),
      ]),
    ],
    { comments: [`# seed ${draw.seed}`, `# commitment ${draw.commitment}`], quote: 'always' },
  );
}
