// An administrator of one office stays inside it. Tried as the attacker would: an
// administrator of office B makes itself a global administrator, takes a one-time password
// link for an account of office A, deactivates the global administrator, and grants offices
// or the global role it does not hold. Each is refused and changes nothing; what it may do
// (its own office's accounts) still works, and nobody changes their own role or offices.
import assert from 'node:assert/strict';
import { AuditLogModel } from '../../src/models/audit-log.model.ts';
import { StaffUserModel } from '../../src/models/staff-user.model.ts';
import { buildTestApp, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { createWorld, NOW, signIn, type World } from './staff-fixtures.ts';

describe('administrators stay inside their offices', () => {
  let t: TestApp;
  let w: World;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    w = await createWorld();
  });

  const account = (id: string) => StaffUserModel.findById(id).lean();
  const post = (b: Awaited<ReturnType<typeof signIn>>, path: string, body: Record<string, unknown> = {}) =>
    b.agent
      .post(path)
      .type('form')
      .send({ _csrf: b.csrf, ...body });

  it('an office-B administrator cannot make itself a global administrator', async () => {
    const b = await signIn(t, 'admin-b@example.com');
    const res = await post(b, `/staff/accounts/${w.users.adminB.id}`, { name: 'B', role: 'admin' });
    assert.ok(res.status === 403 || res.status === 409, `refused: ${res.status}`);
    assert.deepEqual((await account(w.users.adminB.id))!.offices.map(String), [w.officeB]);
    assert.equal((await b.agent.get(`/staff/offices/${w.officeA}/roster`)).status, 403);
    // Nor widen its own offices.
    const wider = await post(b, `/staff/accounts/${w.users.adminB.id}`, {
      name: 'B',
      role: 'admin',
      offices: [w.officeA, w.officeB],
    });
    assert.ok(wider.status === 403 || wider.status === 409);
    assert.deepEqual((await account(w.users.adminB.id))!.offices.map(String), [w.officeB]);
  });

  it('an office-B administrator gets no password link for an account of office A', async () => {
    const b = await signIn(t, 'admin-b@example.com');
    const res = await post(b, `/staff/accounts/${w.users.registrarA.id}/link`);
    assert.equal(res.status, 403);
    assert.equal((await account(w.users.registrarA.id))!.passwordSetTokenHash, undefined);
    const page = await b.agent.get(`/staff/accounts/${w.users.registrarA.id}`);
    assert.equal(page.status, 403);
    assert.doesNotMatch(page.text, /\/staff\/password\//);
  });

  it('an office-B administrator cannot deactivate the global administrator', async () => {
    const global = await signIn(t, 'admin@example.com');
    const b = await signIn(t, 'admin-b@example.com');
    assert.equal((await post(b, `/staff/accounts/${w.users.admin.id}/deactivate`)).status, 403);
    assert.equal((await account(w.users.admin.id))!.active, true);
    assert.equal((await global.agent.get('/staff/accounts')).status, 200, 'still signed in');
    assert.equal(await AuditLogModel.countDocuments({ action: 'account.deactivate' }), 0);
  });

  it('an office-B administrator grants neither office A nor the global role', async () => {
    const b = await signIn(t, 'admin-b@example.com');
    const tries = [
      { email: 'x1@example.com', name: 'X', role: 'registrar', offices: w.officeA },
      { email: 'x2@example.com', name: 'X', role: 'admin' },
      { email: 'x3@example.com', name: 'X', role: 'coordinator', offices: [w.officeA, w.officeB] },
    ];
    for (const body of tries) assert.equal((await post(b, '/staff/accounts', body)).status, 403, body.email);
    assert.equal(await StaffUserModel.countDocuments({ email: /^x\d@/ }), 0);
    assert.equal(
      (await post(b, `/staff/accounts/${w.users.registrarB.id}`, { name: 'B', role: 'admin' })).status,
      403,
    );
    assert.equal(
      (
        await post(b, `/staff/accounts/${w.users.registrarB.id}`, {
          name: 'B',
          role: 'registrar',
          offices: w.officeA,
        })
      ).status,
      403,
    );
    assert.deepEqual((await account(w.users.registrarB.id))!.offices.map(String), [w.officeB]);
    assert.equal((await account(w.users.registrarB.id))!.role, 'registrar');
  });

  it('an office-B administrator manages its own office: accounts, an administrator of B included', async () => {
    const b = await signIn(t, 'admin-b@example.com');
    const list = await b.agent.get('/staff/accounts');
    assert.equal(list.status, 200);
    assert.match(list.text, /registrar-b@example\.com/);
    assert.doesNotMatch(list.text, /registrar-a@example\.com|coordinator-a@example\.com/);
    assert.doesNotMatch(list.text, /data-email="admin@example\.com"/);
    const made = await post(b, '/staff/accounts', {
      email: 'deputy-b@example.com',
      name: 'Deputy',
      role: 'admin',
      offices: w.officeB,
    });
    assert.equal(made.status, 303);
    const deputy = await StaffUserModel.findOne({ email: 'deputy-b@example.com' }).lean();
    assert.deepEqual(deputy!.offices.map(String), [w.officeB]);
    const moved = await post(b, `/staff/accounts/${w.users.registrarB.id}`, {
      name: 'Moved',
      role: 'coordinator',
      offices: w.officeB,
    });
    assert.equal(moved.status, 303);
    assert.equal((await account(w.users.registrarB.id))!.role, 'coordinator');
  });

  it('nobody changes their own role or offices; their name they may', async () => {
    const global = await signIn(t, 'admin@example.com');
    const demote = await post(global, `/staff/accounts/${w.users.admin.id}`, {
      name: 'Admin',
      role: 'registrar',
      offices: w.officeA,
    });
    assert.equal(demote.status, 409);
    const narrow = await post(global, `/staff/accounts/${w.users.admin.id}`, {
      name: 'Admin',
      role: 'admin',
      offices: w.officeA,
    });
    assert.equal(narrow.status, 409);
    assert.match(narrow.text, /不能.*自己/);
    const stored = await account(w.users.admin.id);
    assert.equal(stored!.role, 'admin');
    assert.deepEqual(stored!.offices, []);
    const renamed = await post(global, `/staff/accounts/${w.users.admin.id}`, {
      name: '主任',
      role: 'admin',
    });
    assert.equal(renamed.status, 303);
    assert.equal((await account(w.users.admin.id))!.name, '主任');
  });

  it('a global administrator grants the global role and any office', async () => {
    const global = await signIn(t, 'admin@example.com');
    assert.equal(
      (await post(global, `/staff/accounts/${w.users.adminB.id}`, { name: 'B', role: 'admin' })).status,
      303,
    );
    assert.deepEqual((await account(w.users.adminB.id))!.offices, []);
  });
});
