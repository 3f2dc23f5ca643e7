// Shared set-up of the ceremony tests: an office, bookings on the ceremony day, a ceremony.
import type { CeremonyInput } from '../../src/services/ceremony/ceremony-service.ts';
import { couple } from '../helpers/ids.ts';
import type { TestApp } from '../helpers/test-app.ts';

// Monday 3 August 2026, 10:00 in Chengdu (02:00 UTC); the ceremony day is Monday 10 August.
export const NOW = '2026-08-03T02:00:00.000Z';
export const DAY = '2026-08-10';
/** Slot starts of the day's template (09:00-12:00, 13:30-17:00, 30 minutes, 12 couples each). */
export const STARTS = [
  '09:00',
  '09:30',
  '10:00',
  '10:30',
  '11:00',
  '11:30',
  '13:30',
  '14:00',
  '14:30',
  '15:00',
  '15:30',
  '16:00',
  '16:30',
];

export function ceremonyInput(overrides: Partial<CeremonyInput> = {}): CeremonyInput {
  return {
    date: DAY,
    start: '16:00',
    durationMinutes: 45,
    title: { zh: '集体颁证仪式', en: 'Group certificate ceremony' },
    hall: { zh: '二楼颁证大厅', en: 'Certificate Hall' },
    presenter: { zh: '王芳', en: 'Wang Fang' },
    seats: 7,
    minCouples: 1,
    signupDeadline: '2026-08-09T17:00',
    offerHours: 24,
    ...overrides,
  };
}

export async function openCeremony(t: TestApp, officeId: string, overrides: Partial<CeremonyInput> = {}) {
  return t.container.services.ceremonies.create(officeId, ceremonyInput(overrides), {
    status: 'open',
    actor: 'test',
  });
}

export async function book(t: TestApp, officeId: string, start = '09:00', date = DAY) {
  const c = couple();
  const result = await t.container.services.booking.book({ officeId, date, start, ...c, channel: 'online' });
  return { ...result, couple: c };
}

/** n bookings spread over the day's slots that end by `latest` (each slot holds 12). */
export async function bookMany(t: TestApp, officeId: string, n: number, starts = STARTS) {
  const out: Awaited<ReturnType<typeof book>>[] = [];
  for (let i = 0; i < n; i += 20) {
    const batch = Array.from({ length: Math.min(20, n - i) }, (_, j) =>
      book(t, officeId, starts[Math.floor((i + j) / 12) % starts.length]),
    );
    out.push(...(await Promise.all(batch)));
  }
  return out;
}
