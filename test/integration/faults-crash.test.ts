// The app process is killed (SIGKILL: no shutdown, no cleanup) in the middle of a booking
// rush on a peak day, then started again on the same database. After the reconciliation
// every slot's counter equals the bookings that hold a place in it, every active booking
// holds both partners, and booking goes on up to exactly the capacity.
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import mongoose from 'mongoose';
import { reconcileHolds } from '../../jobs/maintenance/reconcile-holds.ts';
import { reconcileSlots } from '../../jobs/maintenance/reconcile-slots.ts';
import { connectDatabase, ensureIndexes } from '../../src/db.ts';
import { createLogger } from '../../src/logger.ts';
import { DayPlanModel } from '../../src/models/day-plan.model.ts';
import { couple } from '../helpers/ids.ts';
import { type AppProcess, type SpawnedEngine, spawnEngine, startAppProcess } from '../helpers/server.ts';
import { createOffice } from '../helpers/test-app.ts';
import { assertCountersConsistent } from '../http/fuzz-support.ts';

const DB = 'crash';

/** Slots whose booked count differs from the bookings holding a place in them. */
async function slotDrift() {
  const db = mongoose.connection.db!;
  const out: { start: string; booked: number; bookings: number }[] = [];
  for (const s of await db.collection('slots').find({}).toArray()) {
    const bookings = await db
      .collection('appointments')
      .countDocuments({ slot: s._id, status: { $ne: 'cancelled' } });
    if (bookings !== s.booked) out.push({ start: s.start, booked: s.booked, bookings });
  }
  return out;
}

/** The next weekday at least 3 days from now in Chengdu (the app runs on the real clock). */
function peakDate(): string {
  let d = DateTime.now().setZone('Asia/Shanghai').plus({ days: 3 }).startOf('day');
  while (d.weekday > 5) d = d.plus({ days: 1 });
  return d.toISODate()!;
}

describe('faults: the app is killed during a booking rush', function () {
  this.timeout(180_000);
  let engine: SpawnedEngine;
  let app: AppProcess | undefined;

  before(async () => {
    engine = await spawnEngine();
    await mongoose.disconnect();
    await connectDatabase(engine.uri, DB);
    await ensureIndexes();
  });
  after(async () => {
    await app?.kill('SIGKILL');
    await mongoose.disconnect();
    await engine?.dispose();
  });

  it('after a restart the counters equal the active bookings, and booking goes on', async () => {
    const office = await createOffice();
    const date = peakDate();
    // Two slots of 10 places: the rush is for far more than there is.
    await DayPlanModel.create({
      office: office._id,
      date,
      kind: 'peak',
      label: { zh: '七夕', en: 'Qixi' },
      sessions: [{ start: '09:00', end: '10:00' }],
      slotMinutes: 30,
      quotaPerSlot: 10,
    });
    app = await startAppProcess({ mongodbUri: engine.uri, dbName: DB });
    const officeId = office._id.toString();
    const post = (start: string) =>
      fetch(`${app!.url}/api/v1/appointments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ officeId, date, start, ...couple() }),
      }).then(
        (r) => r.status,
        () => 0, // cut off by the kill
      );

    // 120 couples press "book" at once; the process dies after the first answers arrive.
    let answered = 0;
    const rush = Array.from({ length: 120 }, (_, i) =>
      post(i % 2 ? '09:00' : '09:30').then((s) => {
        if (s) answered += 1;
        return s;
      }),
    );
    const deadline = Date.now() + 20_000;
    while (answered < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await app.kill('SIGKILL');
    const statuses = await Promise.all(rush);
    const cutOff = statuses.filter((s) => s === 0).length;
    assert.ok(answered >= 1, 'the rush reached the app');
    assert.ok(cutOff > 0, `the kill came too late to cut anything off (${JSON.stringify(statuses)})`);
    assert.ok(!statuses.some((s) => s >= 500), `a 5xx during the rush: ${statuses.join(',')}`);

    // Start again on the same database (boot: indexes, no seeding) and look at the counters.
    app = await startAppProcess({ mongodbUri: engine.uri, dbName: DB });
    const drift = await slotDrift();
    // A request killed between taking its place and writing its booking leaves a place taken
    // by nobody; the nightly reconciliation (jobs/handlers/reconcile.ts) gives it back. It is
    // run here as the job runs it: slots, then person holds.
    const logger = createLogger('silent');
    const slots = await reconcileSlots({ now: new Date(), settleMs: 200, logger });
    await reconcileHolds({ minAgeMs: 0, logger });
    assert.equal(
      slots.repaired,
      drift.length,
      `the reconciliation repairs every drifted slot (${JSON.stringify(drift)})`,
    );
    await assertCountersConsistent();

    // The day still books, up to exactly its capacity and no further.
    const more = await Promise.all(Array.from({ length: 30 }, (_, i) => post(i % 2 ? '09:00' : '09:30')));
    assert.ok(!more.some((s) => s >= 500 || s === 0), `after the restart: ${more.join(',')}`);
    await assertCountersConsistent();
    const booked = await mongoose.connection
      .db!.collection('appointments')
      .countDocuments({ date, status: 'booked' });
    assert.equal(booked, 20, 'both slots end exactly full: no place lost, none oversold');
  });
});
