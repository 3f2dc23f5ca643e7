// An application interrupted between its two writes (the process killed): whichever is written
// first, a person can still apply only once per draw. The partners' records come first, so an
// interrupted application leaves records and no application; they refuse the same people while
// the application could still be on its way, and are cleared once they are older than that.
import assert from 'node:assert/strict';
import { createSystemRandom } from '../../src/lib/clock.ts';
import { LotteryApplicationModel } from '../../src/models/lottery-application.model.ts';
import { LotteryPersonModel } from '../../src/models/lottery-person.model.ts';
import { ORPHAN_HOLD_AFTER_MS } from '../../src/services/booking/person-holds.ts';
import { createDrawCache } from '../../src/services/lottery/draw-cache.ts';
import { type ApplyDeps, apply, createApplicationWrites } from '../../src/services/lottery/lottery-apply.ts';
import { couple } from '../helpers/ids.ts';
import { buildTestApp, resetDatabase, TEST_SECRET, type TestApp } from '../helpers/test-app.ts';
import { DAY, lotteryOffice, NOW } from './lottery-support.ts';

/**
 * The lottery's dependencies with writes that "crash" the process at the second kind of write:
 * the first kind (application or persons) is written, the other never completes.
 */
function crashingAtSecondWrite(t: TestApp): ApplyDeps {
  const writes = createApplicationWrites();
  let first: 'application' | 'person' | undefined;
  const crashUnless =
    <A extends unknown[], R>(kind: 'application' | 'person', write: (...a: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      first ??= kind;
      return first === kind ? write(...args) : new Promise<R>(() => {});
    };
  const s = t.container.services;
  return {
    clock: t.clock,
    random: createSystemRandom(),
    secret: TEST_SECRET,
    events: t.container.events,
    schedule: s.schedule,
    booking: s.booking,
    audit: s.audit,
    cache: createDrawCache(),
    writes: {
      ...writes,
      storeApplication: crashUnless('application', writes.storeApplication),
      storePerson: crashUnless('person', writes.storePerson),
    },
  };
}

describe('a lottery application interrupted between its writes', () => {
  beforeEach(resetDatabase);

  it('leaves no way for the same person to apply twice, and is cleared once it cannot be on its way any more', async () => {
    const t = await buildTestApp({ now: NOW });
    const officeId = (await lotteryOffice(t))._id.toString();
    const input = applicationOf(officeId);
    // Never answers: the process "died" between the two writes.
    void apply(crashingAtSecondWrite(t), input);
    await waitFor(async () => (await LotteryPersonModel.countDocuments()) > 0);
    assert.equal(
      await LotteryApplicationModel.countDocuments(),
      0,
      'an application written before its persons',
    );

    // The same couple again, at once: refused while the first could still be written.
    await assert.rejects(
      t.container.services.lottery.apply(input),
      (err: { code?: string }) => err.code === 'conflict',
    );
    assert.equal(await LotteryApplicationModel.countDocuments(), 0);

    // Later than any application can take: the records are left by an interrupted one.
    await LotteryPersonModel.updateMany(
      {},
      { $set: { createdAt: new Date(Date.now() - ORPHAN_HOLD_AFTER_MS - 1000) } },
    );
    const again = await t.container.services.lottery.apply(input);
    assert.equal(again.created, true);
    assert.equal(await LotteryApplicationModel.countDocuments(), 1);
    const persons = await LotteryPersonModel.find().lean();
    assert.equal(persons.length, 2);
    assert.ok(persons.every((p) => p.application.equals(again.application._id)));
    await assert.rejects(
      t.container.services.lottery.apply(input),
      (err: { code?: string }) => err.code === 'already_booked',
    );
  });

  it("gives the partners' records back when the application cannot be written", async () => {
    const t = await buildTestApp({ now: NOW });
    const officeId = (await lotteryOffice(t))._id.toString();
    const deps = crashingAtSecondWrite(t);
    const failing: ApplyDeps = {
      ...deps,
      writes: { ...deps.writes, storeApplication: () => Promise.reject(new Error('disk full')) },
    };
    const input = applicationOf(officeId);
    await assert.rejects(apply(failing, input), /disk full/);
    assert.equal(
      await LotteryPersonModel.countDocuments(),
      0,
      'records kept for an application never written',
    );
    assert.equal((await t.container.services.lottery.apply(input)).created, true);
  });
});

function applicationOf(officeId: string) {
  const c = couple();
  return {
    officeId,
    date: DAY,
    partners: c.partners,
    email: c.email,
    language: c.language,
    preference: { kind: 'any' as const },
    channel: 'api' as const,
  };
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the condition never held');
}
