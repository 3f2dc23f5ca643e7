// Shared set-up of the staff console's HTTP tests: two offices, one account per role, a
// signed-in browser per account, and bookings made through the real booking service.
import { Types } from 'mongoose';
import type { StaffRole } from '../../src/models/staff-user.model.ts';
import { StaffUserModel } from '../../src/models/staff-user.model.ts';
import type { DomainEvent } from '../../src/services/events.ts';
import { hashPassword } from '../../src/services/staff/password.ts';
import { browser } from '../helpers/forms.ts';
import { couple } from '../helpers/ids.ts';
import { createOffice, type TestApp } from '../helpers/test-app.ts';

// Monday 3 August 2026, 10:00 in Chengdu (02:00 UTC). Qixi 2026 is Wednesday 19 August.
export const NOW = '2026-08-03T02:00:00.000Z';
export const TODAY = '2026-08-03';
export const PASSWORD = 'correct horse battery staple';

let cachedHash: string | undefined;
export async function passwordHash(): Promise<string> {
  cachedHash ??= await hashPassword(PASSWORD);
  return cachedHash;
}

export interface World {
  officeA: string;
  officeB: string;
  users: Record<
    'admin' | 'adminB' | 'registrarA' | 'registrarB' | 'coordinatorA',
    { id: string; email: string }
  >;
}

export async function createUser(
  email: string,
  role: StaffRole,
  offices: string[],
  extra: Record<string, unknown> = {},
) {
  const user = await StaffUserModel.create({
    email,
    name: email.split('@')[0]!,
    role,
    offices: offices.map((o) => new Types.ObjectId(o)),
    passwordHash: await passwordHash(),
    ...extra,
  });
  return { id: user._id.toString(), email };
}

export async function createWorld(): Promise<World> {
  const officeA = (await createOffice())._id.toString();
  const officeB = (
    await createOffice({
      slug: 'wuhou',
      name: { zh: '武侯区婚姻登记处', en: 'Wuhou District Marriage Registry' },
    })
  )._id.toString();
  return {
    officeA,
    officeB,
    users: {
      admin: await createUser('admin@example.com', 'admin', []),
      // An administrator of office B only.
      adminB: await createUser('admin-b@example.com', 'admin', [officeB]),
      registrarA: await createUser('registrar-a@example.com', 'registrar', [officeA]),
      registrarB: await createUser('registrar-b@example.com', 'registrar', [officeB]),
      coordinatorA: await createUser('coordinator-a@example.com', 'coordinator', [officeA]),
    },
  };
}

/** A browser signed in as the account (fresh cookies, a CSRF token at hand). */
export async function signIn(t: TestApp, email: string, password = PASSWORD) {
  const b = browser(t.app);
  const csrf = await b.csrfFrom('/staff/login');
  const res = await b.agent.post('/staff/login').type('form').send({ _csrf: csrf, email, password });
  if (res.status !== 303 || res.headers.location !== '/staff') {
    throw new Error(`sign-in of ${email} failed: ${res.status} ${res.headers.location ?? ''}`);
  }
  return { ...b, csrf };
}

/** Books a couple by the staff channel (no booking window), as the service would for a walk-in. */
export async function book(t: TestApp, officeId: string, date: string, start: string, c = couple()) {
  const result = await t.container.services.booking.book({
    officeId,
    date,
    start,
    partners: c.partners,
    email: c.email,
    language: 'zh-CN',
    channel: 'staff',
    actor: 'test',
  });
  return { appointment: result.appointment, couple: c };
}

/** Every domain event the app emits from now on, in order (to count what the couple is told). */
export function recordEvents(t: TestApp): DomainEvent[] {
  const events: DomainEvent[] = [];
  t.container.events.subscribe((e) => {
    events.push(e);
  });
  return events;
}
