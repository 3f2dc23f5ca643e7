// Shared set-up of the lottery tests: a Qixi peak day of 4 slots x 2 places in lottery mode.
import type { Preference } from '../../src/domain/lottery.ts';
import { DayPlanModel } from '../../src/models/day-plan.model.ts';
import type { DomainEvent } from '../../src/services/events.ts';
import { couple } from '../helpers/ids.ts';
import { createOffice, type TestApp } from '../helpers/test-app.ts';

// Monday 3 August 2026, 10:00 in Chengdu. Qixi 2026 is Wednesday 19 August.
export const NOW = '2026-08-03T02:00:00.000Z';
export const DAY = '2026-08-19';
export const DAY_PATH = `/offices/jinjiang/days/${DAY}`;
/** Applications close 10 Aug 17:00 and the draw is 11 Aug 10:00, Chengdu time. */
export const CLOSES = '2026-08-10T09:00:00.000Z';
export const DRAW = '2026-08-11T02:00:00.000Z';
export const AFTER_DRAW = '2026-08-11T02:00:30.000Z';
export const STARTS = ['09:00', '09:30', '14:00', '14:30'];

export async function lotteryOffice(t: TestApp, opts: { quotaPerSlot?: number; lottery?: boolean } = {}) {
  const office = await createOffice();
  await DayPlanModel.create({
    office: office._id,
    date: DAY,
    kind: 'peak',
    label: { zh: '七夕', en: 'Qixi' },
    sessions: [
      { start: '09:00', end: '10:00' },
      { start: '14:00', end: '15:00' },
    ],
    slotMinutes: 30,
    quotaPerSlot: opts.quotaPerSlot ?? 2,
  });
  if (opts.lottery !== false) {
    await t.container.services.lottery.configureDay(office._id.toString(), DAY, {
      mode: 'lottery',
      opensAt: '2026-08-03T09:00',
      closesAt: '2026-08-10T17:00',
      drawAt: '2026-08-11T10:00',
      confirmHours: 24,
    });
  }
  return office;
}

/** Applies through the service, as the API and the form do. */
export async function apply(
  t: TestApp,
  officeId: string,
  preference: Preference = { kind: 'any' },
  c = couple(),
) {
  const result = await t.container.services.lottery.apply({
    officeId,
    date: DAY,
    partners: c.partners,
    email: c.email,
    language: c.language,
    preference,
    channel: 'api',
  });
  return { ...result, couple: c };
}

/** Records the domain events emitted from now on. */
export function recordEvents(t: TestApp): DomainEvent[] {
  const seen: DomainEvent[] = [];
  t.container.events.subscribe((event) => {
    seen.push(event);
  });
  return seen;
}
