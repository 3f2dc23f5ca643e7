// The application bounds its own queries: every read and findOneAndUpdate goes to the server
// with maxTimeMS, so one slow query ends with MongoDB's MaxTimeMSExpired (code 50) instead of
// holding a connection and the request; and that error answers 503, like a database away.
import assert from 'node:assert/strict';
import express from 'express';
import { MongoServerError } from 'mongodb';
import mongoose, { type Connection } from 'mongoose';
import request from 'supertest';
import { QUERY_MAX_TIME_MS } from '../../src/db.ts';
import { OfficeModel } from '../../src/models/office.model.ts';
import { testDbName, testMongoUri } from '../helpers/mongo.ts';
import {
  appWith,
  buildTestApp,
  connectTestDatabase,
  createOffice,
  resetDatabase,
} from '../helpers/test-app.ts';

describe('database: the application bounds its queries (maxTimeMS)', () => {
  let side: Connection;
  const started: { name: string; command: Record<string, unknown> }[] = [];

  before(async () => {
    await connectTestDatabase();
    // A second connection that shows the commands sent: the bound is Mongoose's global option,
    // set by connectDatabase, so it applies here too.
    side = await mongoose
      .createConnection(testMongoUri(), { dbName: testDbName('app'), monitorCommands: true })
      .asPromise();
    side.getClient().on('commandStarted', (e) => started.push({ name: e.commandName, command: e.command }));
  });
  after(async () => {
    await side?.close();
  });
  beforeEach(async () => {
    await resetDatabase();
    started.length = 0;
  });

  it('sends maxTimeMS with finds, counts, distinct, findOneAndUpdate and aggregations', async () => {
    assert.ok(QUERY_MAX_TIME_MS >= 1_000 && QUERY_MAX_TIME_MS <= 60_000, 'a sensible bound');
    const office = await createOffice();
    const Office = side.model('Office', OfficeModel.schema);
    await Office.find({ active: true }).lean();
    await Office.findOne({ _id: office._id }).lean();
    await Office.countDocuments({});
    await Office.distinct('slug');
    await Office.findOneAndUpdate({ _id: office._id }, { $set: { phone: '028-1' } });
    await Office.aggregate([{ $match: { active: true } }]);
    const sent = (name: string) => started.find((s) => s.name === name)?.command;
    // countDocuments goes to the server as an aggregation: two of them.
    const reads = started.filter((s) => ['find', 'aggregate', 'distinct', 'findAndModify'].includes(s.name));
    assert.deepEqual(reads.map((s) => s.name).sort(), [
      'aggregate',
      'aggregate',
      'distinct',
      'find',
      'find',
      'findAndModify',
    ]);
    for (const { name, command } of reads) {
      assert.equal(command.maxTimeMS, QUERY_MAX_TIME_MS, `${name} carries maxTimeMS`);
    }
    // A query that asks for its own bound keeps it.
    started.length = 0;
    await Office.find({}).maxTimeMS(250).lean();
    assert.equal(sent('find')?.maxTimeMS, 250);
  });

  it('answers a query that ran out of time with 503, as when the database is away', async () => {
    const t = await buildTestApp({ now: '2026-08-03T02:00:00.000Z' });
    const slow = express.Router();
    slow.get('/', () => {
      throw new MongoServerError({
        ok: 0,
        code: 50,
        codeName: 'MaxTimeMSExpired',
        errmsg: 'operation exceeded time limit',
      });
    });
    const app = appWith(t, [{ path: '/slow', router: slow }]);
    const page = await request(app).get('/slow');
    assert.equal(page.status, 503);
    assert.equal(page.headers['retry-after'], '5');
    const json = await request(app).get('/slow').set('Accept', 'application/json');
    assert.equal(json.body.error.code, 'unavailable');
  });
});
