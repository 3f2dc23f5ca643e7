import type { WeekdayTemplate } from '../../domain/schedule-types.ts';
import { OfficeModel } from '../../models/office.model.ts';
import { AppError, type FieldMessage, invalid } from '../errors.ts';
import type { OfficeRecord } from '../schedule-service.ts';
import { listWindows } from './capacity-sync.ts';
import { isTemporary } from './effective-schedule.ts';
import { sessionProblems } from './plan-input.ts';
import { type OfficeWidePreview, previewOfficeWide, syncOffice } from './planning-service.ts';
import type { StaffPrincipal } from './principal.ts';
import type { StaffContext } from './staff-context.ts';

function checkTemplate(template: WeekdayTemplate[], openWindows: number): void {
  const fields: Record<string, FieldMessage> = {};
  for (const entry of template) {
    const problem = sessionProblems(entry.sessions);
    if (problem) fields[`days.${entry.weekday}.sessions`] = { key: problem };
    if (entry.windowsOpen > openWindows) {
      fields[`days.${entry.weekday}.windowsOpen`] = {
        key: 'staff.template_too_many_windows',
        params: { n: openWindows },
      };
    }
  }
  if (Object.keys(fields).length) throw invalid(fields);
}

export async function previewTemplate(
  deps: StaffContext,
  office: OfficeRecord,
  template: WeekdayTemplate[],
): Promise<OfficeWidePreview> {
  const windows = await listWindows(office);
  checkTemplate(template, windows.filter((w) => w.open && !isTemporary(w)).length);
  return previewOfficeWide(deps, office, { template });
}

export async function applyTemplate(
  deps: StaffContext,
  office: OfficeRecord,
  template: WeekdayTemplate[],
  actor: StaffPrincipal,
  fingerprint?: string,
): Promise<OfficeWidePreview> {
  const { audit } = deps;
  const preview = await previewTemplate(deps, office, template);
  if (fingerprint && fingerprint !== preview.fingerprint)
    throw new AppError('conflict', 'staff.preview_outdated');
  await OfficeModel.updateOne({ _id: office._id }, { $set: { weeklyTemplate: template } });
  const applied = await syncOffice(deps, office._id);
  await audit.record({
    actor,
    action: 'template.save',
    target: { kind: 'office', id: office._id.toString(), label: office.name.zh },
    before: { weeklyTemplate: office.weeklyTemplate },
    after: {
      weeklyTemplate: template,
      days: applied.days.length,
      overbookedSlots: applied.overbookedSlots,
    },
    officeId: office._id,
  });
  return applied;
}

// ---- peak days ----
