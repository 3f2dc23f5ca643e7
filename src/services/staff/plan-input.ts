// What staff type into the day-plan form, turned into a domain DayPlan with the checks the
// form's schema cannot make (hours that tile into slots, an opening before the cutoff).

import { bookingClosesAt } from '../../domain/booking-rules.ts';
import { baseTemplate } from '../../domain/day-schedule.ts';
import {
  addDays,
  dateTimeInputOf,
  formatMinutes,
  minutesOfDay,
  parseDateTimeInput,
  zonedInstant,
} from '../../domain/local-time.ts';
import type { Bilingual, DayPlan, DayPlanKind, LocalDate, SessionSpec } from '../../domain/schedule-types.ts';
import type { MessageKey } from '../../i18n/translate.ts';
import { type FieldMessage, invalid } from '../errors.ts';
import type { OfficeRecord } from '../schedule-service.ts';

export interface PlanInput {
  kind: DayPlanKind;
  labelZh?: string | undefined;
  labelEn?: string | undefined;
  /** Empty: the weekly template's hours. */
  sessions?: SessionSpec[] | undefined;
  slotMinutes?: number | undefined;
  windowsOpen?: number | undefined;
  extraWindows?: number | undefined;
  couplesPerWindow?: number | undefined;
  extraQuotaPerSlot?: number | undefined;
  quotaPerSlot?: number | undefined;
  messageZh?: string | undefined;
  messageEn?: string | undefined;
  /** Office-local 'yyyy-MM-ddTHH:mm'. */
  bookingOpensAt?: string | undefined;
}

const bilingual = (zh?: string, en?: string): Bilingual | undefined =>
  zh || en ? { zh: zh || en || '', en: en || '' } : undefined;

/** Sessions must be in order and must not overlap; each must last at least one minute. */
export function sessionProblems(sessions: SessionSpec[]): MessageKey | null {
  let lastEnd = -1;
  for (const s of sessions) {
    const start = minutesOfDay(s.start);
    const end = minutesOfDay(s.end);
    if (end <= start) return 'staff.sessions_order';
    if (start < lastEnd) return 'staff.sessions_overlap';
    lastEnd = end;
  }
  return null;
}

export function toDayPlan(office: OfficeRecord, date: LocalDate, input: PlanInput): DayPlan {
  const fields: Record<string, FieldMessage> = {};
  const label = bilingual(input.labelZh, input.labelEn);
  const message = bilingual(input.messageZh, input.messageEn);
  if (input.kind === 'closed') {
    return { date, kind: 'closed', ...(label ? { label } : {}), ...(message ? { message } : {}) };
  }
  const sessions = input.sessions?.length ? input.sessions : undefined;
  if (sessions) {
    const problem = sessionProblems(sessions);
    if (problem) fields.sessions = { key: problem };
  }
  let bookingOpensAt: Date | undefined;
  if (input.bookingOpensAt) {
    const at = parseDateTimeInput(input.bookingOpensAt, office.timezone);
    if (!at) fields.bookingOpensAt = { key: 'field.invalid' };
    else {
      bookingOpensAt = at;
      const cutoff = bookingClosesAt(date, office.timezone, office.bookingRules);
      if (bookingOpensAt >= cutoff) fields.bookingOpensAt = { key: 'staff.plan_opens_after_cutoff' };
    }
  }
  if (Object.keys(fields).length) throw invalid(fields);
  const plan: DayPlan = { date, kind: input.kind };
  if (label) plan.label = label;
  if (sessions) plan.sessions = sessions;
  if (input.slotMinutes !== undefined) plan.slotMinutes = input.slotMinutes;
  if (input.windowsOpen !== undefined) plan.windowsOpen = input.windowsOpen;
  if (input.extraWindows !== undefined) plan.extraWindows = input.extraWindows;
  if (input.couplesPerWindow !== undefined) plan.couplesPerWindow = input.couplesPerWindow;
  if (input.extraQuotaPerSlot !== undefined) plan.extraQuotaPerSlot = input.extraQuotaPerSlot;
  if (input.quotaPerSlot !== undefined) plan.quotaPerSlot = input.quotaPerSlot;
  if (message) plan.message = message;
  if (bookingOpensAt) plan.bookingOpensAt = bookingOpensAt;
  return plan;
}

/** The form's values for a stored plan (or none). */
export function toPlanInput(plan: DayPlan | undefined, zone: string): PlanInput | undefined {
  if (!plan) return undefined;
  return {
    kind: plan.kind,
    labelZh: plan.label?.zh,
    labelEn: plan.label?.en,
    sessions: plan.sessions,
    slotMinutes: plan.slotMinutes,
    windowsOpen: plan.windowsOpen,
    extraWindows: plan.extraWindows,
    couplesPerWindow: plan.couplesPerWindow,
    extraQuotaPerSlot: plan.extraQuotaPerSlot,
    quotaPerSlot: plan.quotaPerSlot,
    messageZh: plan.message?.zh,
    messageEn: plan.message?.en,
    bookingOpensAt: plan.bookingOpensAt ? dateTimeInputOf(plan.bookingOpensAt, zone) : undefined,
  };
}

/**
 * What a peak day usually looks like (the Qixi story): half an hour earlier, an hour later,
 * two extra windows, a message to couples, and booking opening 7 days before at 09:00.
 */
export function peakDayDefaults(
  office: OfficeRecord,
  date: LocalDate,
  label: Bilingual,
  now: Date,
): PlanInput {
  const base = baseTemplate(date, office.weeklyTemplate);
  const sessions = (base?.sessions ?? []).map((s) => ({ ...s }));
  const first = sessions[0];
  const last = sessions[sessions.length - 1];
  if (first) first.start = formatMinutes(Math.max(0, minutesOfDay(first.start) - 30));
  if (last) last.end = formatMinutes(Math.min(23 * 60 + 59, minutesOfDay(last.end) + 60));
  const opens = zonedInstant(addDays(date, -7), '09:00', office.timezone);
  return {
    kind: 'peak',
    labelZh: label.zh,
    labelEn: label.en,
    sessions,
    slotMinutes: base?.slotMinutes,
    extraWindows: 2,
    messageZh: '热门日期人多，请提前 30 分钟到场，并备齐证件和照片。',
    messageEn: 'A busy day: please arrive 30 minutes early with your ID documents and photos.',
    bookingOpensAt: opens > now ? dateTimeInputOf(opens, office.timezone) : undefined,
  };
}
