// A backup of the embedded engine taken while the app serves a booking rush (`npm run backup`,
// a separate process reaching the app's engine on its private socket), then restored into a
// fresh data directory (`npm run restore`). The backup holds one instant between two database
// commands, so it may catch a booking halfway, as a crash would: a place taken whose
// appointment is not written yet. Every booking in it has its holds, and every booking
// acknowledged before the backup began is in it; started on the restored directory, the app
// puts the counters right before it books, and then the fault suite's promise holds: each
// slot's counters equal its bookings, two holds per active booking, nobody booked twice.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import {
  type Answer,
  acknowledged,
  assertHonestAnswers,
  assertPromiseKept,
  book,
  createPeakDay,
  withDataDir,
} from '../helpers/faults.ts';
import { couple } from '../helpers/ids.ts';
import { type AppProcess, runToExit, startAppProcess } from '../helpers/server.ts';

const DB = 'backup';
/** Far more places than the rush can take while the backup runs: the rush never stops for "full". */
const QUOTA = 2_000;
const CLIENTS = 24;
/** Bookings answered after the backup was written, so that it was taken in the middle of the rush. */
const AFTER = 40;

describe('backups: taken during a booking rush, restored', function () {
  this.timeout(300_000);
  let root: string;
  let app: AppProcess | undefined;

  before(function () {
    // As `npm start` runs: the app with its own embedded engine on DATA_DIR.
    if (process.env.TEST_MONGODB_URI) this.skip();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'backup-rush-'));
  });
  after(async () => {
    await app?.kill('SIGKILL');
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('restores to a state where every booking has its holds and, once the app starts on it, counters equal bookings', async () => {
    const dataDir = path.join(root, 'live');
    const restoredDir = path.join(root, 'restored');
    const file = path.join(root, 'registry.backup');
    const day = await withDataDir(dataDir, DB, () => createPeakDay(QUOTA));
    app = await startAppProcess({ dbName: DB, env: { DATA_DIR: dataDir } });
    const url = app.url;

    // Couples keep pressing "book", CLIENTS at a time, until the backup is written and a while after.
    const answers: Answer[] = [];
    let backupWritten = false;
    let answeredAfter = 0;
    let n = 0;
    const client = async () => {
      while (!backupWritten || answeredAfter < AFTER) {
        const a = await book(url, day, n++ % 2 ? '09:00' : '09:30', couple());
        answers.push(a);
        if (backupWritten) answeredAfter++;
      }
    };
    const rush = Array.from({ length: CLIENTS }, client);
    while (acknowledged(answers).length < 30) await new Promise((r) => setTimeout(r, 10));
    const before = acknowledged(answers);
    const backup = await runToExit('scripts/backup.ts', {
      args: ['--out', file],
      env: { DATA_DIR: dataDir },
    });
    backupWritten = true;
    await Promise.all(rush);
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(
      backup.stdout,
      /backup written to .*registry\.backup: \d+ records, \d+ bytes, taken from the running engine on .*live\/run\/mongod\.sock/,
    );
    assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'the backup is for its owner alone');
    assertHonestAnswers(answers, 'during the backup');
    assert.ok(
      acknowledged(answers).length > before.length + AFTER / 2,
      'the app kept booking during and after the backup',
    );

    // Not into a directory an engine is running on, even when told to replace what is there.
    const locked = await runToExit('scripts/restore.ts', {
      args: [file, '--dbpath', path.join(dataDir, 'db'), '--force'],
    });
    assert.equal(locked.code, 1);
    assert.match(
      locked.stderr,
      /cannot restore: an embedded engine \(pid \d+\) is running on .*live\/db: stop it/,
    );
    await app.kill('SIGTERM');
    app = undefined;

    const restore = await runToExit('scripts/restore.ts', {
      args: [file, '--dbpath', path.join(restoredDir, 'db')],
    });
    assert.equal(restore.code, 0, restore.stderr);
    assert.match(
      restore.stdout,
      /restored .*registry\.backup into .*restored\/db: taken .*, database backup: \d+ collections/,
    );

    // As the backup caught it.
    await withDataDir(restoredDir, DB, async () => {
      const db = mongoose.connection.db!;
      const appointments = await db.collection('appointments').find({}).toArray();
      const present = new Set(
        appointments.filter((a) => a.status === 'booked').map((a) => a.reference as string),
      );
      assert.deepEqual(
        before.filter((r) => !present.has(r)),
        [],
        'bookings acknowledged before the backup began are missing from it',
      );
      const holds = new Map(
        (await db.collection('personholds').find({}).toArray()).map((h) => [
          String(h._id),
          String(h.appointment),
        ]),
      );
      for (const a of appointments.filter((x) => x.status === 'booked'))
        for (const p of a.partners as { idFingerprint: string }[])
          assert.equal(holds.get(p.idFingerprint), String(a._id), `booking ${a.reference} without its holds`);
      const bySlot = new Map<string, number>();
      for (const a of appointments) bySlot.set(String(a.slot), (bySlot.get(String(a.slot)) ?? 0) + 1);
      for (const s of await db.collection('slots').find({}).toArray()) {
        // A place is taken before its appointment is written: never fewer taken than booked.
        assert.ok(
          s.booked >= (bySlot.get(String(s._id)) ?? 0),
          `slot ${s.start}: fewer places taken than bookings`,
        );
        assert.equal(s.capacity, s.booked + s.remaining + (s.reserved ?? 0), `slot ${s.start}: counters`);
      }
    });

    // Started on it, the app puts right what the backup caught halfway before it takes a booking.
    app = await startAppProcess({ dbName: DB, env: { DATA_DIR: restoredDir } });
    const more = await Promise.all(
      Array.from({ length: 10 }, (_, i) => book(app!.url, day, i % 2 ? '09:00' : '09:30', couple())),
    );
    assertHonestAnswers(more, 'on the restored data');
    assert.equal(acknowledged(more).length, 10);
    await app.kill('SIGTERM');
    app = undefined;
    await withDataDir(restoredDir, DB, () => assertPromiseKept([...before, ...acknowledged(more)]));
  });

  it('refuses a corrupted backup with a clear message, and restores nothing', async () => {
    const dataDir = path.join(root, 'small');
    await withDataDir(dataDir, DB, () => createPeakDay(5));
    const file = path.join(root, 'small.backup');
    // No engine runs on it: the backup reads the data directory itself.
    const backup = await runToExit('scripts/backup.ts', {
      args: ['--out', file],
      env: { DATA_DIR: dataDir },
    });
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(backup.stdout, /taken from .*small\/db \(no engine was running\)/);
    const check = await runToExit('scripts/restore.ts', { args: [file, '--check'] });
    assert.equal(check.code, 0, check.stderr);
    assert.match(
      check.stdout,
      /is a whole, intact backup: taken .*, database backup: \d+ collections, \d+ documents/,
    );

    const bytes = fs.readFileSync(file);
    const at = Math.floor(bytes.length * 0.6);
    bytes[at] = bytes[at]! ^ 0x20;
    fs.writeFileSync(file, bytes);
    const target = path.join(root, 'from-corrupted', 'db');
    const refused = await runToExit('scripts/restore.ts', { args: [file, '--dbpath', target] });
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /^cannot restore: .*small\.backup is damaged at byte \d+: a record's checksum does not match; nothing was restored from it\.$/m,
    );
    assert.equal(fs.existsSync(target), false, 'the target directory was created');
  });

  it('says to use mongodump when the data is in MongoDB', async () => {
    const run = await runToExit('scripts/backup.ts', {
      args: ['--out', path.join(root, 'never.backup')],
      env: { MONGODB_URI: 'mongodb://db1,db2,db3/?replicaSet=rs0' },
    });
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /MONGODB_URI is set: the data is in MongoDB[\s\S]*mongodump --uri "\$MONGODB_URI" --db registry --archive=FILE --gzip/,
    );
    assert.equal(fs.existsSync(path.join(root, 'never.backup')), false);
  });
});
