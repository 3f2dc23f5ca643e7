import assert from 'node:assert/strict';
import request from 'supertest';
import { CeremonyModel } from '../../src/models/ceremony.model.ts';
import { DayPlanModel } from '../../src/models/day-plan.model.ts';
import { ceremonySeeder } from '../../src/seed/ceremony-seed.ts';
import { seedDemoOffice } from '../../src/seed/demo-seed.ts';
import { couple } from '../helpers/ids.ts';
import { buildTestApp, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { NOW } from './ceremony-fixtures.ts';

describe('ceremony demo seed', () => {
  let t: TestApp;
  const seed = async () => {
    const ctx = { now: t.clock(), log: () => undefined };
    await seedDemoOffice(ctx);
    await ceremonySeeder(t.container)(ctx);
  };
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
  });

  it('adds a 7-seat Qixi ceremony and a bookable one within two weeks, once', async () => {
    await seed();
    await seed();
    const all = await CeremonyModel.find().sort({ date: 1 }).lean();
    assert.equal(all.length, 2);
    const [soon, qixi] = all;
    const qixiPlan = await DayPlanModel.findOne({ 'label.zh': '七夕' }).lean();
    assert.equal(qixi!.date, qixiPlan!.date);
    assert.equal(qixi!.date, '2026-08-19');
    assert.equal(qixi!.seats, 7);
    assert.equal(qixi!.status, 'open');
    assert.equal(soon!.date, '2026-08-05', 'the first open weekday at least two days ahead');
    assert.equal(soon!.status, 'open');

    // A newcomer books a slot that day and joins at once.
    const officeId = soon!.office.toString();
    const booked = await request(t.app)
      .post('/api/v1/appointments')
      .send({ officeId, date: soon!.date, start: '09:00', ...couple() })
      .expect(201);
    const joined = await request(t.app)
      .post(`/api/v1/appointments/${booked.body.reference}/ceremony`)
      .set('Authorization', `Bearer ${booked.body.manageToken}`)
      .send({ ceremonyId: soon!._id.toString() })
      .expect(200);
    assert.equal(joined.body.status, 'seated');
    const office = await request(t.app).get('/offices/jinjiang').expect(200);
    assert.match(office.text, /七夕集体颁证仪式/);
  });
});
