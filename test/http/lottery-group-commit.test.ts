// Applications that arrive together are written together (group commit), like bookings:
// each couple still gets exactly its own answer.
import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import {
  LotteryApplicationModel,
  newLotteryApplicationDocument,
} from '../../src/models/lottery-application.model.ts';
import { LotteryPersonModel } from '../../src/models/lottery-person.model.ts';
import { assertBuiltAsSchemaStores, storedPartner } from '../helpers/built-documents.ts';
import { couple } from '../helpers/ids.ts';
import { buildTestApp, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { apply, DAY, lotteryOffice, NOW } from './lottery-support.ts';

describe('lottery applications written together (group commit)', () => {
  let t: TestApp;
  let officeId: string;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    officeId = (await lotteryOffice(t))._id.toString();
  });

  it('takes a crowd of applications at once, each stored as returned, with its two persons', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, () => apply(t, officeId)));
    assert.equal(new Set(results.map((r) => r.application.reference)).size, 30);
    for (const r of results) {
      const stored = await LotteryApplicationModel.findById(r.application._id).lean();
      assert.equal(stored?.reference, r.application.reference);
      assert.equal(stored?.status, 'applied');
      assert.equal(await LotteryPersonModel.countDocuments({ application: r.application._id }), 2);
    }
  });

  it('lets one person in four simultaneous applications in once, without failing the others', async () => {
    const shared = couple().partners[0]!;
    const contested = Array.from({ length: 4 }, () => {
      const other = couple();
      return { ...other, partners: [shared, other.partners[1]!] };
    });
    const settled = await Promise.allSettled([
      ...contested.map((c) => apply(t, officeId, { kind: 'any' }, c)),
      ...Array.from({ length: 10 }, () => apply(t, officeId)),
    ]);
    const contestedIn = settled.slice(0, 4).filter((s) => s.status === 'fulfilled').length;
    assert.equal(contestedIn, 1);
    for (const s of settled.slice(0, 4).filter((x) => x.status === 'rejected')) {
      const reason = (s as PromiseRejectedResult).reason as { code: string; fields: Record<string, unknown> };
      assert.equal(reason.code, 'already_booked');
      assert.ok('partners.0.idNumber' in reason.fields, 'the shared partner is named');
    }
    assert.ok(settled.slice(4).every((s) => s.status === 'fulfilled'));
    const applied = await LotteryApplicationModel.countDocuments({ status: 'applied' });
    assert.equal(applied, 11);
    assert.equal(await LotteryPersonModel.countDocuments(), applied * 2, 'no person left behind');
  });

  it('builds a new application exactly as the schema would store it', async () => {
    const now = new Date(NOW);
    const fields = {
      _id: new Types.ObjectId(),
      draw: new Types.ObjectId(),
      office: new Types.ObjectId(),
      date: DAY,
      reference: 'ABCD-EFGH',
      partners: [storedPartner],
      email: 'a@example.com',
      language: 'zh-CN' as const,
      preference: { kind: 'ranked' as const, starts: ['09:00', '14:00'] },
      tokenHash: 't'.repeat(64),
      appliedAt: now,
      history: [{ at: now, type: 'applied', by: 'api' }],
    };
    for (const extra of [{}, { idempotencyKey: 'k'.repeat(20) }]) {
      const built = newLotteryApplicationDocument({ ...fields, ...extra }, now);
      await assertBuiltAsSchemaStores(LotteryApplicationModel, built, { ...fields, ...extra }, now);
    }
  });
});
