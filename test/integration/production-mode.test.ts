// Production mode as the real processes meet it: `npm start` (src/server.ts) and `npm run
// worker` (jobs/worker.ts) with NODE_ENV=production refuse to start half-configured, with exit
// status 2 and one message naming every missing variable, before they touch any data; with
// everything set they start, and seed no demo office or demo staff accounts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { testDbName, testMongoUri } from '../helpers/mongo.ts';
import { type AppProcess, runToExit, startAppProcess } from '../helpers/server.ts';

const MISSING = [
  /APP_SECRET: required when NODE_ENV=production/,
  /BASE_URL: required when NODE_ENV=production/,
  /SMTP_URL or SMS_PROVIDER: required when NODE_ENV=production/,
  /MONGODB_URI: required when NODE_ENV=production, or EMBEDDED_DB=true/,
];

describe('production mode: the real processes', function () {
  this.timeout(90_000);
  let dataDir: string;
  let app: AppProcess | undefined;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'production-mode-'));
  });
  afterEach(async () => {
    await app?.kill('SIGKILL');
    app = undefined;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  for (const script of ['src/server.ts', 'jobs/worker.ts']) {
    it(`${script} refuses to start without what production needs, naming each missing variable`, async () => {
      const dataUnder = path.join(dataDir, 'data');
      const run = await runToExit(script, {
        env: { NODE_ENV: 'production', DATA_DIR: dataUnder, PORT: '0' },
      });
      assert.equal(run.code, 2, `exit status (stderr: ${run.stderr})`);
      assert.match(run.stderr, /^Invalid configuration:/m);
      for (const missing of MISSING) assert.match(run.stderr, missing);
      // Refused before anything was started: no embedded engine, no data directory.
      assert.equal(fs.existsSync(dataUnder), false, 'the data directory was created');
      assert.doesNotMatch(run.stdout, /is running/);
    });
  }

  it('names only the missing variable when the rest is there', async () => {
    const run = await runToExit('src/server.ts', {
      env: {
        NODE_ENV: 'production',
        APP_SECRET: 'p'.repeat(40),
        SMTP_URL: 'smtp://127.0.0.1:9',
        EMBEDDED_DB: 'true',
        DATA_DIR: dataDir,
        PORT: '0',
      },
    });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /BASE_URL: required when NODE_ENV=production/);
    assert.equal(run.stderr.match(/required when/g)?.length, 1, run.stderr);
  });

  it('starts with a complete configuration and seeds only the first administrator', async () => {
    const dbName = testDbName('production_mode');
    app = await startAppProcess({
      mongodbUri: testMongoUri(),
      dbName,
      env: {
        NODE_ENV: 'production',
        SMTP_URL: 'smtp://127.0.0.1:9',
        ADMIN_EMAIL: 'chief@registry.example.gov.cn',
        ADMIN_PASSWORD: 'a long enough password',
        // The test default says false; production must say it by itself.
        SEED_DEMO: undefined,
      },
    });
    const ready = await fetch(`${app.url}/readyz`);
    assert.equal(ready.status, 200);
    await app.kill('SIGTERM');
    app = undefined;
    const client = new mongoose.mongo.MongoClient(testMongoUri());
    try {
      const db = client.db(dbName);
      assert.equal(await db.collection('offices').countDocuments(), 0, 'a demo office in production');
      const staff = await db
        .collection('staffusers')
        .find({}, { projection: { email: 1, role: 1 } })
        .toArray();
      assert.deepEqual(
        staff.map((s) => [s.email, s.role]),
        [['chief@registry.example.gov.cn', 'admin']],
      );
      await db.dropDatabase();
    } finally {
      await client.close();
    }
  });

  it('keeps the data in its own embedded engine when EMBEDDED_DB=true says so', async function () {
    if (process.env.TEST_MONGODB_URI) {
      this.skip(); // the app runs its own embedded engine here, not the real MongoDB under test
    }
    app = await startAppProcess({
      dbName: 'production_embedded',
      env: {
        NODE_ENV: 'production',
        EMBEDDED_DB: 'true',
        SMTP_URL: 'smtp://127.0.0.1:9',
        DATA_DIR: dataDir,
        SEED_DEMO: undefined,
      },
    });
    assert.equal((await fetch(`${app.url}/readyz`)).status, 200);
    assert.ok(fs.existsSync(path.join(dataDir, 'db', 'mongod.lock')), 'the engine holds $DATA_DIR/db');
  });
});
