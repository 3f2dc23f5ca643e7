import { type HolidayCsvError, type HolidayRow, parseHolidayCsv } from '../../domain/holiday-csv.ts';
import type { DayPlan } from '../../domain/schedule-types.ts';
import { DayPlanModel, type DayPlanRecord } from '../../models/day-plan.model.ts';
import { AppError } from '../errors.ts';
import type { OfficeRecord } from '../schedule-service.ts';
import { previewDay } from './capacity-sync.ts';
import { activeCount } from './closure-service.ts';
import { applyPlan } from './planning-service.ts';
import type { StaffPrincipal } from './principal.ts';
import type { StaffContext } from './staff-context.ts';

export interface ImportLine {
  row: HolidayRow;
  current?: DayPlan['kind'];
  /** What applying does with this line. */
  outcome: 'create' | 'replace' | 'keep_peak' | 'same' | 'past';
  activeBookings: number;
}

export interface ImportPreview {
  lines: ImportLine[];
  errors: HolidayCsvError[];
  ok: boolean;
}

const MAX_IMPORT_LINES = 400;

export async function previewImport(
  deps: StaffContext,
  office: OfficeRecord,
  text: string,
): Promise<ImportPreview> {
  const { schedule } = deps;
  const parsed = parseHolidayCsv(text);
  const errors = [...parsed.errors];
  if (parsed.rows.length + parsed.errors.length > MAX_IMPORT_LINES) {
    errors.push({
      line: 0,
      message: { zh: `最多 ${MAX_IMPORT_LINES} 行`, en: `at most ${MAX_IMPORT_LINES} lines` },
    });
  }
  const today = schedule.today(office);
  const dates = parsed.rows.map((r) => r.date);
  const plans = await DayPlanModel.find({ office: office._id, date: { $in: dates } }).lean<DayPlanRecord[]>();
  const byDate = new Map(plans.map((p) => [p.date, p]));
  const lines: ImportLine[] = [];
  for (const row of parsed.rows) {
    const current = byDate.get(row.date)?.kind;
    let outcome: ImportLine['outcome'];
    if (row.date < today) outcome = 'past';
    else if (row.kind === 'special' && current === 'peak') outcome = 'keep_peak';
    else if (current === row.kind) outcome = 'same';
    else outcome = current ? 'replace' : 'create';
    if (row.kind === 'special' && outcome !== 'past' && outcome !== 'keep_peak') {
      const day = await previewDay(office, row.date, {
        plan: { date: row.date, kind: 'special' },
      });
      if (day.after.slots.length === 0) {
        const line = lineOf(text, row.date);
        errors.push({
          line,
          message: {
            zh: '每周时间表中没有可借用的办公时间',
            en: 'the weekly template has no hours to open with',
          },
        });
      }
    }
    const activeBookings = row.kind === 'closed' ? await activeCount(office._id, row.date) : 0;
    lines.push({ row, ...(current ? { current } : {}), outcome, activeBookings });
  }
  errors.sort((a, b) => a.line - b.line);
  return { lines, errors, ok: errors.length === 0 && lines.length > 0 };
}

/** A rejected file changes nothing: every line is checked before the first is applied. */
export async function applyImport(
  deps: StaffContext,
  office: OfficeRecord,
  text: string,
  actor: StaffPrincipal,
): Promise<ImportPreview> {
  const { audit } = deps;
  const preview = await previewImport(deps, office, text);
  if (!preview.ok) throw new AppError('invalid', 'staff.import_rejected', { errors: preview.errors.length });
  for (const line of preview.lines) {
    if (line.outcome === 'past' || line.outcome === 'keep_peak' || line.outcome === 'same') continue;
    await applyPlan(
      deps,
      office,
      line.row.date,
      { kind: line.row.kind, labelZh: line.row.label?.zh, labelEn: line.row.label?.en },
      actor,
    );
  }
  await audit.record({
    actor,
    action: 'plan.import',
    target: { kind: 'office', id: office._id.toString(), label: office.name.zh },
    after: {
      lines: preview.lines.length,
      applied: preview.lines.filter((l) => l.outcome === 'create' || l.outcome === 'replace').length,
    },
    officeId: office._id,
  });
  return preview;
}

/** The line number of a date in the pasted text (for an error found after parsing). */
function lineOf(text: string, date: string): number {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const compact = date.replace(/-0?/g, '-');
  const index = lines.findIndex((l) => {
    const first = (l.split(',')[0] ?? '').trim().replace(/\//g, '-').replace(/-0?/g, '-');
    return first === compact;
  });
  return index + 1;
}
