// The world the browser journeys start from: the Jinjiang office, Qixi 2026 planned as a peak
// day (two extra windows, longer hours, bookings open a week ahead at 09:00) with a group
// ceremony in the afternoon, and staff accounts for the console journeys.

import type { Services } from '../../src/container.ts';
import { DayPlanModel } from '../../src/models/day-plan.model.ts';
import { type StaffRole, StaffUserModel } from '../../src/models/staff-user.model.ts';
import { hashPassword } from '../../src/services/staff/password.ts';
import { type LaunchedBrowser, shot } from '../helpers/browser.ts';
import { createOffice } from '../helpers/test-app.ts';

// Wednesday 12 August 2026, 10:00 in Chengdu: Qixi bookings opened an hour ago.
export const NOW = '2026-08-12T02:00:00.000Z';
export const TODAY = '2026-08-12';
export const QIXI = '2026-08-19';
export const DAY_AFTER = '2026-08-20';
export const PASSWORD = 'correct horse battery staple';

export async function officeWithQixi() {
  const office = await createOffice();
  await DayPlanModel.create({
    office: office._id,
    date: QIXI,
    kind: 'peak',
    label: { zh: '七夕', en: 'Qixi' },
    extraWindows: 2,
    sessions: [
      { start: '08:30', end: '12:00' },
      { start: '13:30', end: '18:00' },
    ],
    message: {
      zh: '请提前 30 分钟到达，带齐证件。',
      en: 'Please arrive 30 minutes early with your documents.',
    },
    bookingOpensAt: new Date('2026-08-12T01:00:00.000Z'),
  });
  return office;
}

/** The Qixi group ceremony: seven couples at 16:00 in the certificate hall. */
export async function qixiCeremony(services: Services, officeId: string) {
  return services.ceremonies.create(
    officeId,
    {
      date: QIXI,
      start: '16:00',
      durationMinutes: 45,
      title: { zh: '七夕集体颁证仪式', en: 'Qixi group certificate ceremony' },
      hall: { zh: '二楼颁证大厅', en: 'Certificate Hall, 2nd floor' },
      presenter: { zh: '王芳', en: 'Wang Fang' },
      seats: 7,
      minCouples: 1,
      signupDeadline: '2026-08-18T17:00',
      offerHours: 24,
    },
    { status: 'open', actor: 'test' },
  );
}

export async function staffUser(email: string, role: StaffRole, offices: string[]) {
  await StaffUserModel.create({
    email,
    name: email.split('@')[0]!,
    role,
    offices,
    passwordHash: await hashPassword(PASSWORD),
  });
  return email;
}

/** Closes a journey's browser; a failed journey first leaves a picture of where it stopped. */
export async function endJourney(test: Mocha.Test | undefined, chromium: LaunchedBrowser | undefined) {
  if (test?.state === 'failed' && chromium) {
    const name = (test.title.split(':')[0] ?? 'journey').replace(/\W+/g, '-');
    await shot(chromium.page, 'failures', name).catch(() => undefined);
  }
  await chromium?.close();
}
