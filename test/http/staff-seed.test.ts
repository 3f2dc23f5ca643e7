import assert from 'node:assert/strict';
import { StaffUserModel } from '../../src/models/staff-user.model.ts';
import { WindowModel } from '../../src/models/window.model.ts';
import { seedDemoOffice } from '../../src/seed/demo-seed.ts';
import { staffSeeder } from '../../src/seed/staff-seed.ts';
import { verifyPassword } from '../../src/services/staff/password.ts';
import { buildTestApp, resetDatabase } from '../helpers/test-app.ts';
import { NOW, signIn } from './staff-fixtures.ts';

describe('staff seed', () => {
  beforeEach(resetDatabase);

  it('creates the administrator with a generated password, and a registrar and a coordinator, printed once', async () => {
    const t = await buildTestApp({ now: NOW });
    const ctx = { now: new Date(NOW), log: () => undefined };
    await seedDemoOffice(ctx);
    const printed: string[] = [];
    const seed = staffSeeder(t.container, (text) => printed.push(text));
    await seed(ctx);
    await seed(ctx);
    assert.equal(printed.length, 1, 'printed on the first run only');
    const box = printed[0]!;
    assert.match(box, /┌─+┐/);
    const password = /admin\s+admin@registry\.localhost\s+(\S{20})/.exec(box)?.[1];
    assert.ok(password, box);
    const users = await StaffUserModel.find().sort({ email: 1 }).lean();
    assert.deepEqual(
      users.map((u) => [u.email, u.role, u.offices.length]),
      [
        ['admin@registry.localhost', 'admin', 0],
        ['coordinator@registry.localhost', 'coordinator', 1],
        ['registrar@registry.localhost', 'registrar', 1],
      ],
    );
    assert.equal(await verifyPassword(password, users[0]!.passwordHash), true);
    assert.ok(!users.some((u) => u.passwordHash.includes(password)));
    const registrarPassword = /registrar\s+registrar@registry\.localhost\s+(\S{20})/.exec(box)?.[1];
    await signIn(t, 'registrar@registry.localhost', registrarPassword);
    assert.equal(await WindowModel.countDocuments(), 4, 'the demo office lists its 4 windows');
  });

  it('takes the administrator from ADMIN_EMAIL and ADMIN_PASSWORD, without printing the password', async () => {
    const t = await buildTestApp({
      now: NOW,
      env: { ADMIN_EMAIL: 'Chief@Example.com', ADMIN_PASSWORD: 'a configured password' },
    });
    const printed: string[] = [];
    await staffSeeder(t.container, (text) => printed.push(text))({
      now: new Date(NOW),
      log: () => undefined,
    });
    assert.match(printed[0]!, /admin\s+chief@example\.com\s+\(ADMIN_PASSWORD\)/);
    assert.doesNotMatch(printed[0]!, /a configured password/);
    await signIn(t, 'chief@example.com', 'a configured password');
  });
});
